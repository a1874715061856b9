"""Motions of no confidence: in an officer (a seat's holder) or in a committee (every current
holder of its seats). It is an ordinary motion to the body that elects them — the seat's
constituency body, or the general meeting of its constituency unit — and follows the cycle
(supporters, admission, discussion, a meeting's vote or a ballot). Carried, it ends the terms
it names ("No confidence: …") and a by-election is drafted for each seat; lost, nothing
changes. The motion names the holdings when it is moved, so the vote is on those people.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import notify
from iskra.core.words import visible
from iskra.motions.models import Motion, MotionStatus
from iskra.motions.services import create_motion
from iskra.organisation.models import Body, Seat, SeatHolding
from iskra.organisation.services import end_holding_by_rule
from iskra.representation.byelections import fill_vacancy
from iskra.representation.models import NoConfidence

MAX_REASON = 5_000
# A motion still before its body: a second motion naming the same people is refused.
LIVE = [
    MotionStatus.DRAFT,
    MotionStatus.SUBMITTED,
    MotionStatus.ADMITTED,
    MotionStatus.IN_DISCUSSION,
]


def deciding_body(seat: Seat) -> Body:
    """The body that decides on confidence in the seat's holder: the body that elects it, or
    the general meeting of the unit whose members elect it."""
    if seat.constituency_body is not None:
        return seat.constituency_body
    if seat.constituency_unit is not None:
        body = (
            Body.objects.filter(unit=seat.constituency_unit, kind=Body.Kind.GENERAL_MEETING)
            .select_related("unit")
            .order_by("pk")
            .first()
        )
        if body is not None:
            return body
        raise DomainError(
            f"{seat.constituency_unit.name} has no general meeting to move no confidence at: "
            "its officers add one, or the members petition for a recall instead."
        )
    raise DomainError(
        f"The seat “{seat.title}” has no constituency recorded, so no body can withdraw its "
        "confidence: its officers record who elects it first."
    )


def check_committee(body: Body) -> None:
    """No confidence is moved in a committee as a whole (or in one of its holders)."""
    if body.kind != Body.Kind.COMMITTEE:
        raise DomainError("No confidence is moved in a committee, or in one of its holders.")


def _holdings_of(committee: Body) -> list[SeatHolding]:
    return list(
        SeatHolding.objects.current()
        .filter(seat__body=committee)
        .select_related("seat__constituency_unit", "seat__constituency_body", "holder")
        .order_by("seat__pk")
    )


@transaction.atomic
def move(
    *,
    actor: Any,
    reason: str,
    holding: SeatHolding | None = None,
    committee: Body | None = None,
) -> Motion:
    """Draft a motion of no confidence in a holder (``holding``) or in every current holder of
    a committee's seats (``committee``), to the body that elects them; the mover then submits
    it as any motion."""
    if (holding is None) == (committee is None):
        raise DomainError("Name one holder, or one committee.")
    if committee is not None:
        check_committee(committee)
        holdings = _holdings_of(committee)
        if not holdings:
            raise DomainError(
                f"{committee.name} has no current members to withdraw confidence from."
            )
    else:
        assert holding is not None
        holding = SeatHolding.objects.select_related(
            "seat__constituency_unit", "seat__constituency_body", "seat__body", "holder"
        ).get(pk=holding.pk)
        if holding.ended_on is not None:
            raise DomainError(
                f"{holding.holder.full_name}'s term as {holding.seat.title} has ended."
            )
        holdings = [holding]
    # One at a time per holding: concurrent moves naming the same people queue here.
    list(SeatHolding.objects.select_for_update().filter(pk__in=[h.pk for h in holdings]))
    if any(h.holder_id == getattr(actor, "pk", None) for h in holdings):
        raise PermissionDenied("You cannot move no confidence in yourself: you can resign instead.")
    bodies = {body.pk: body for body in map(deciding_body, {h.seat for h in holdings})}
    if len(bodies) != 1:
        raise DomainError(
            f"The members of {committee.name if committee else 'the committee'} are elected by "
            "different bodies: move no confidence in each at the body that elects them."
        )
    body = next(iter(bodies.values()))
    if not visible(reason):
        raise DomainError("Say why: the members will read it when they decide.")
    if len(reason) > MAX_REASON:
        raise DomainError(f"The reason is too long: {MAX_REASON} characters at most.")
    if committee is not None:
        named = committee.name
        whom = ", ".join(f"{h.holder.full_name} ({h.seat.title})" for h in holdings)
        text = (
            f"This {body.name} has no confidence in {committee.name} ({whom}). Their terms end "
            "and by-elections are held for their seats.\n\n" + reason.strip()
        )
    else:
        named = f"{holdings[0].holder.full_name} as {holdings[0].seat.title}"
        text = (
            f"This {body.name} has no confidence in {named}. Their term ends and a by-election "
            "is held for the seat.\n\n" + reason.strip()
        )
    live = (
        NoConfidence.objects.filter(holdings__in=[h.pk for h in holdings], motion__status__in=LIVE)
        .select_related("motion")
        .first()
    )
    if live is not None:
        raise DomainError(
            f"A motion of no confidence naming them is already before {body.name} "
            f"(“{live.motion.title}”, {live.motion.get_status_display().lower()}): support it "
            f"instead, at /motions/{live.motion_id}/."
        )
    motion = create_motion(actor=actor, body=body, title=f"No confidence in {named}", text=text)
    # Its wording names whom it removes: not edited, amended or composited.
    Motion.objects.filter(pk=motion.pk).update(fixed_wording=True)
    motion.fixed_wording = True
    nc = NoConfidence.objects.create(motion=motion, committee=committee)
    nc.holdings.set(holdings)
    record(
        actor=actor,
        action="no_confidence.move",
        obj=motion,
        unit=body.unit,
        data={
            "motion": motion.pk,
            "holdings": [h.pk for h in holdings],
            "committee": committee.pk if committee else None,
        },
    )
    notify(
        users=[h.holder_id for h in holdings],
        kind="no_confidence.moved",
        title=f"A motion of no confidence in you is drafted to {body.name}",
        url=reverse("motions:detail", args=[motion.pk]),
    )
    return motion


def settle(motion: Motion, actor: Any) -> None:
    """The motion carried (``motion_carried``, in the vote's transaction): the terms it named
    that are still current end, and a by-election is drafted for each seat."""
    nc = NoConfidence.objects.select_for_update().filter(motion=motion).first()
    if nc is None or nc.carried_at is not None or not motion.fixed_wording:
        return
    ended = []
    for holding in nc.holdings.select_related("seat__body__unit", "holder").order_by("pk"):
        if holding.ended_on is not None:
            continue
        end_holding_by_rule(
            holding=holding,
            reason=f"No confidence: {motion.title}",
            data={"motion": motion.pk},
        )
        fill_vacancy(
            holding.seat,
            why=f"{holding.holder.full_name} lost the confidence of {motion.body.name}",
            created_by=motion.created_by,
        )
        ended.append(holding)
    nc.carried_at = timezone.now()
    nc.ended = len(ended)
    nc.save(update_fields=["carried_at", "ended"])
    record(
        actor=actor,
        action="no_confidence.carried",
        obj=motion,
        unit=motion.body.unit,
        data={"motion": motion.pk, "ended": [h.pk for h in ended]},
    )
    notify(
        users=[h.holder_id for h in ended],
        kind="no_confidence.carried",
        title=f"{motion.body.name} carried no confidence in you: your term has ended",
        url=reverse("motions:detail", args=[motion.pk]),
    )
