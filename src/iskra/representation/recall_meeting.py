"""Recall at the constituency's next meeting, where the seat's body's rules say so
(``Body.recall_by``): at the threshold a recall motion is admitted by the rule and put on the
deciding body's next meeting (or the next one called); the meeting's vote decides it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.notifications import notify
from iskra.representation.models import RecallPetition
from iskra.representation.services import _decide


def put_to_meeting(petition: RecallPetition) -> None:
    """The body's rules put a recall to the constituency's next meeting: a recall motion,
    admitted by the rule (the signatures are its support), goes on the deciding body's next
    meeting already called, or on the next one called."""
    from iskra.motions.services import admit_by_rule
    from iskra.representation.no_confidence import deciding_body

    holding = petition.holding
    seat = holding.seat
    body = deciding_body(seat)
    name = holding.holder.full_name
    motion = admit_by_rule(
        body=body,
        title=f"Recall of {name} as {seat.title}",
        text=(
            f"This {body.name} recalls {name} as {seat.title}. Their term ends and a by-election "
            f"is held for the seat.\n\n{petition.signatures} members of the constituency signed "
            f"a petition to recall them, reaching the threshold of {petition.required}. Their "
            f"reason:\n\n{petition.reason.strip()}"
            + (f"\n\n{name}'s reply:\n\n{petition.reply.strip()}" if petition.reply else "")
        ),
        mover=petition.started_by,
        authority=f"Recall petition {petition.pk}, at its threshold",
    )
    petition.state = RecallPetition.State.MEETING
    petition.motion = motion
    petition.save(update_fields=["state", "motion"])
    meeting = place_on_next_meeting(petition)
    record(
        actor=None,
        action="recall.threshold",
        obj=petition,
        unit=seat.body.unit,
        data={
            "petition": petition.pk,
            "signatures": petition.signatures,
            "required": petition.required,
            "motion": motion.pk,
            "meeting": meeting.pk if meeting else None,
        },
    )
    url = reverse("motions:detail", args=[motion.pk])
    notify(
        users=[holding.holder_id],
        kind="recall.meeting",
        title=f"The petition to recall you reached its threshold: {body.name} votes on it at "
        "its next meeting",
        url=url,
    )
    from iskra.organisation.selectors import unit_officer_holdings

    if meeting is None:
        notify(
            users=list(
                unit_officer_holdings(body.unit).values_list("holder_id", flat=True).distinct()
            ),
            kind="recall.meeting",
            title=f"A recall vote is due at the next meeting of {body.name}: call one",
            url=url,
        )


def place_on_next_meeting(petition: RecallPetition, meeting: Any = None) -> Any:
    """The recall motion goes on ``meeting`` (one just called), or on the deciding body's next
    meeting already called; None while there is none (it goes on the next one called)."""
    from django.db.models import Max

    from iskra.meetings.models import AgendaItem, Meeting

    motion = petition.motion
    if motion is None or AgendaItem.objects.filter(motion=motion).exists():
        return None
    if meeting is None:
        meeting = (
            Meeting.objects.filter(
                body_id=motion.body_id,
                status=Meeting.Status.SCHEDULED,
                starts_at__gt=timezone.now(),
            )
            .order_by("starts_at")
            .first()
        )
    if meeting is None or meeting.body_id != motion.body_id:
        return None
    AgendaItem.objects.create(
        meeting=meeting,
        position=(meeting.items.aggregate(n=Max("position"))["n"] or 0) + 1,
        kind=AgendaItem.Kind.MOTION,
        title=motion.title[:200],
        motion=motion,
        notes="Put by the recall petition that reached its threshold (the body's rules).",
    )
    record(
        actor=None,
        action="recall.agenda",
        obj=petition,
        unit=petition.holding.seat.body.unit,
        data={"petition": petition.pk, "motion": motion.pk, "meeting": meeting.pk},
    )
    return meeting


def place_waiting_recalls(meeting: Any) -> int:
    """A meeting called: recall motions waiting for the body's next meeting go on it."""
    waiting = RecallPetition.objects.filter(
        state=RecallPetition.State.MEETING,
        motion__body_id=meeting.body_id,
        motion__agenda_items__isnull=True,
    ).select_related("motion", "holding__seat__body__unit")
    return sum(1 for p in waiting if place_on_next_meeting(p, meeting) is not None)


def settle_recall_motion(motion: Any, *, carried: bool) -> None:
    """The recall motion was decided (at the meeting, or by a ballot of the body): carried, the
    holding ends as recalled and a by-election is drafted; lost, the holder stays."""
    petition = (
        RecallPetition.objects.select_for_update(of=("self",))
        .select_related("holding__seat__body__unit", "holding__holder")
        .filter(motion_id=motion.pk, state=RecallPetition.State.MEETING)
        .first()
    )
    if petition is None:
        return
    _decide(
        petition,
        carried=carried,
        reason=f"Recalled at a meeting: {motion.title}",
        data={"motion": motion.pk},
    )
