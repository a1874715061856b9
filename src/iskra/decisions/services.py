"""Decisions, dissent, and the actions that carry a decision out: assigned down the tree,
taken on by members, reported back."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify, notify_members_under
from iskra.decisions.models import Action, Commitment, Decision, Dissent, Report
from iskra.decisions.permissions import (
    can_assign_action,
    can_commit,
    can_dissent_as_member,
    can_dissent_for_unit,
    can_report,
    is_dissent_open,
)
from iskra.meetings.models import Vote
from iskra.motions.models import Motion
from iskra.organisation.models import Unit
from iskra.organisation.permissions import require
from iskra.organisation.selectors import unit_officer_holdings


def _number(motion: Motion) -> str:
    year = timezone.localdate().year
    prefix = (
        "".join(word[0] for word in motion.body.name.split() if word[:1].isalpha()).upper()[:6]
        or "D"
    )
    # Count by the number's own stem, not by body: two bodies can share initials
    # ("National Committee", "North Caucus") and the number must stay unique.
    stem = f"{prefix}-{year}-"
    count = Decision.objects.filter(number__startswith=stem).count() + 1
    return f"{stem}{count:03d}"


def record_decision(*, actor: Any, motion: Motion, vote: Vote | None) -> Decision:
    """Turn a carried motion into a Decision (called inside the vote's transaction)."""
    today = timezone.localdate()
    decision = Decision.objects.create(
        number=_number(motion),
        motion=motion,
        body=motion.body,
        meeting=vote.meeting if vote else None,
        vote=vote,
        title=motion.title,
        text=motion.text,
        scope=motion.body.unit,
        scope_path=motion.body.unit.path,
        effective_on=today,
        amends=motion.amends_decision,
        rescinds=motion.rescinds_decision,
        dissent_until=today + timedelta(days=motion.body.dissent_days),
        created_at=timezone.now(),
    )
    for old, status in (
        (motion.amends_decision, Decision.Status.AMENDED),
        (motion.rescinds_decision, Decision.Status.RESCINDED),
    ):
        if old is not None:
            Decision.objects.filter(pk=old.pk).update(status=status)
    notify_members_under(
        path=decision.scope_path,
        kind="decision",
        title=f"Decided by {motion.body.name}: {decision.title}",
        url=reverse("decisions:detail", args=[decision.pk]),
    )
    record(
        actor=actor,
        action="decision.record",
        obj=decision,
        unit=decision.scope,
        data={"number": decision.number, "motion": motion.pk, "vote": vote.pk if vote else None},
    )
    return decision


@transaction.atomic
def add_dissent(*, actor: Any, decision: Decision, text: str, unit: Unit | None = None) -> Dissent:
    """The minority puts its view on the record, once, within the period; the decision binds."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("vote", "scope")
        .get(pk=decision.pk)
    )
    if not is_dissent_open(decision):
        raise DomainError(f"Dissent could be recorded until {decision.dissent_until:%-d %B %Y}.")
    if not text.strip():
        raise DomainError("Write the dissent statement.")
    if len(text) > 2000:
        raise DomainError("Keep a dissent statement under 2,000 characters.")
    if unit is None:
        require(
            can_dissent_as_member(actor, decision),
            "Only members who voted against can record a dissent.",
        )
    else:
        require(
            can_dissent_for_unit(actor, decision, unit),
            "Only a unit whose position was rejected can record a dissent, through its officers.",
        )
    try:
        with transaction.atomic():
            dissent = Dissent.objects.create(
                decision=decision,
                user=None if unit else actor,
                unit=unit,
                text=text.strip(),
                created_by=actor,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError("A dissent has already been recorded; it can be recorded once.") from None
    record(
        actor=actor,
        action="decision.dissent",
        obj=dissent,
        unit=decision.scope,
        data={"decision": decision.pk, "unit": unit.pk if unit else None},
    )
    return dissent


@transaction.atomic
def create_action(
    *,
    actor: Any,
    decision: Decision,
    title: str,
    due_on: date,
    description: str = "",
    target: int | None = None,
    measure: str = "",
    unit: Unit | None = None,
    assignee: User | None = None,
    parent: Action | None = None,
) -> Action:
    # Judge on the decision as it is now: it may have been rescinded or completed since.
    decision = Decision.objects.select_related("body__unit", "scope").get(pk=decision.pk)
    require(can_assign_action(actor, decision, parent), "You cannot assign this action.")
    if decision.status not in {Decision.Status.IN_FORCE, Decision.Status.AMENDED}:
        raise DomainError("This decision is no longer in force.")
    if not title.strip():
        raise DomainError("An action needs a title.")
    if (unit is None) == (assignee is None):
        raise DomainError("Assign the action to a unit or to a member (one of the two).")
    if target is not None and target < 0:
        raise DomainError("A target cannot be negative.")
    if due_on < timezone.localdate():
        raise DomainError("The due date is in the past.")
    anchor = parent.unit if parent is not None else decision.scope
    if unit is not None and (anchor is None or not unit.path.startswith(anchor.path)):
        raise DomainError("Actions are assigned within the decision's scope, down the tree.")
    if parent is not None and parent.decision_id != decision.pk:
        raise DomainError("A cascaded action belongs to the same decision.")
    action = Action.objects.create(
        decision=decision,
        parent=parent,
        title=title.strip(),
        description=description.strip(),
        due_on=due_on,
        target=target,
        measure=measure.strip(),
        unit=unit,
        unit_path=unit.path if unit else "",
        assignee=assignee,
        created_by=actor,
        created_at=timezone.now(),
    )
    url = reverse("decisions:action", args=[action.pk])
    if assignee is not None:
        notify(
            users=[assignee],
            kind="action.assigned",
            title=f"Action for you: {action.title}",
            url=url,
        )
    elif unit is not None:
        officers = unit_officer_holdings(unit).values_list("holder_id", flat=True)
        notify(
            users=list(officers),
            kind="action.assigned",
            title=f"Action for {unit.name}: {action.title}",
            url=url,
        )
    record(
        actor=actor,
        action="action.create",
        obj=action,
        unit=unit or decision.scope,
        data={
            "decision": decision.pk,
            "title": action.title,
            "target": target,
            "due_on": due_on,
            "parent": parent.pk if parent else None,
        },
    )
    return action


@transaction.atomic
def commit_to_action(
    *, actor: Any, action: Action, description: str, amount: int = 0, due_on: date | None = None
) -> Commitment:
    require(
        can_commit(actor, action),
        "Only members of the unit the action is assigned to can take on part of it.",
    )
    if not description.strip():
        raise DomainError("Say what you will do, e.g. 'Leaflet Saturday, 2 hours'.")
    if amount < 0:
        raise DomainError("An amount cannot be negative.")
    commitment = Commitment.objects.create(
        action=action,
        user=actor,
        description=description.strip()[:300],
        amount=amount,
        due_on=due_on or action.due_on,
        created_at=timezone.now(),
    )
    record(
        actor=actor,
        action="action.commit",
        obj=commitment,
        unit=action.unit,
        data={"action": action.pk, "amount": amount},
    )
    return commitment


@transaction.atomic
def report_back(
    *,
    actor: Any,
    action: Action,
    figure: int = 0,
    text: str = "",
    commitment: Commitment | None = None,
    corrects: Report | None = None,
) -> Report:
    """Report figures and a few words on an action or on one's commitment to it. With
    ``corrects``, the report replaces an earlier one on the same action: the earlier figure
    no longer counts (it is kept, marked corrected)."""
    if corrects is not None:
        corrects = (
            Report.objects.select_for_update().filter(pk=corrects.pk, action_id=action.pk).first()
        )
        if corrects is None:
            raise DomainError("The report to correct is not one of this action's.")
        if Report.objects.filter(corrects=corrects).exists():
            raise DomainError("That report has already been corrected: correct the latest one.")
        # A correction keeps the corrected report's commitment (if any).
        commitment = commitment or corrects.commitment
        if corrects.commitment_id != (commitment.pk if commitment else None):
            raise DomainError("A correction is on the same commitment as the report it corrects.")
    if commitment is not None:
        require(
            commitment.user_id == actor.pk and commitment.action_id == action.pk,
            "You can report only on your own commitment.",
        )
    else:
        require(
            can_report(actor, action),
            "Only the assignee or the unit's officers report on this action.",
        )
    if figure < 0:
        raise DomainError("A figure cannot be negative.")
    if figure == 0 and not text.strip():
        raise DomainError("Report a figure or a few words on what was done.")
    report = Report.objects.create(
        action=action,
        unit=action.unit,
        commitment=commitment,
        figure=figure,
        text=text.strip(),
        corrects=corrects,
        reported_by=actor,
        created_at=timezone.now(),
    )
    data: dict[str, Any] = {"action": action.pk, "figure": figure}
    if corrects is not None:
        data |= {"corrects": corrects.pk, "was": corrects.figure}
    record(
        actor=actor,
        action="action.report.correct" if corrects is not None else "action.report",
        obj=report,
        unit=action.unit,
        data=data,
    )
    return report


def completion_problems(decision: Decision) -> list[str]:
    """What stops the decision being marked completed now (the confirmation page lists them)."""
    if decision.status != Decision.Status.IN_FORCE:
        return ["Only a decision in force can be marked completed."]
    return []


@transaction.atomic
def complete_decision(*, actor: Any, decision: Decision) -> Decision:
    decision = Decision.objects.select_for_update().select_related("body__unit").get(pk=decision.pk)
    require(
        can_assign_action(actor, decision, None),
        "Only the deciding body's officers mark a decision completed.",
    )
    problems = completion_problems(decision)
    if problems:
        raise DomainError(problems[0])
    decision.status = Decision.Status.COMPLETED
    decision.save(update_fields=["status"])
    record(actor=actor, action="decision.complete", obj=decision, unit=decision.scope)
    return decision


@transaction.atomic
def set_public(*, actor: Any, decision: Decision, is_public: bool) -> Decision:
    """Officers of the deciding body choose whether a decision is published to everyone."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("body__unit", "scope")
        .get(pk=decision.pk)
    )
    require(
        can_assign_action(actor, decision, None),
        "Only the deciding body's officers publish a decision.",
    )
    if decision.is_public != is_public:
        decision.is_public = is_public
        decision.save(update_fields=["is_public"])
        record(
            actor=actor,
            action="decision.public" if is_public else "decision.private",
            obj=decision,
            unit=decision.scope,
        )
    return decision
