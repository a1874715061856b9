"""Changing the organisation's structure. Every verb checks rights and writes the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.web import FieldError
from iskra.core.words import visible
from iskra.organisation.models import (
    Body,
    Organisation,
    Seat,
    SeatHolding,
    Unit,
    UnitKind,
    UnitMove,
)
from iskra.organisation.permissions import (
    can_edit_standing_orders,
    can_manage_settings,
    can_manage_structure,
    forget_rights,
    require,
)
from iskra.organisation.signals import seat_appointing


def _set_path(unit: Unit) -> None:
    prefix = unit.parent.path if unit.parent else "/"
    unit.path = f"{prefix}{unit.pk}/"
    unit.depth = unit.path.count("/") - 2


@transaction.atomic
def create_unit(
    *, actor: Any, name: str, kind: UnitKind, parent: Unit | None, description: str = ""
) -> Unit:
    if parent is None:
        require(
            getattr(actor, "is_superuser", False), "Only an administrator can add a top-level unit."
        )
    else:
        require(can_manage_structure(actor, parent))
    if not name.strip():
        raise DomainError("A unit needs a name.")
    unit = Unit.objects.create(name=name.strip(), kind=kind, parent=parent, description=description)
    _set_path(unit)
    unit.save(update_fields=["path", "depth"])
    record(
        actor=actor,
        action="unit.create",
        obj=unit,
        unit=unit,
        data={"name": unit.name, "kind": kind.name, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic
def move_unit(*, actor: Any, unit: Unit, new_parent: Unit, reason: str = "") -> Unit:
    """Re-hang a unit (and its subtree) under a new parent, keeping the move on record."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require(can_manage_structure(actor, unit) and can_manage_structure(actor, new_parent))
    if new_parent.path.startswith(unit.path):
        raise DomainError("A unit cannot be moved under itself or one of its own units.")
    if unit.parent_id == new_parent.pk:
        raise DomainError(f"{unit.name} is already part of {new_parent.name}.")
    old_parent = unit.parent
    old_path = unit.path
    unit.parent = new_parent
    _set_path(unit)
    unit.save(update_fields=["parent", "path", "depth"])
    # Rewrite the subtree's paths: one pass over the descendants, in path order.
    for child in (
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path")
    ):
        child.path = unit.path + child.path[len(old_path) :]
        child.depth = child.path.count("/") - 2
        child.save(update_fields=["path", "depth"])
    UnitMove.objects.create(
        unit=unit,
        from_parent=old_parent,
        to_parent=new_parent,
        moved_by=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    record(
        actor=actor,
        action="unit.move",
        obj=unit,
        unit=unit,
        data={"from": old_parent.pk if old_parent else None, "to": new_parent.pk, "reason": reason},
    )
    return unit


@transaction.atomic
def create_body(*, actor: Any, unit: Unit, kind: str, name: str, description: str = "") -> Body:
    require(can_manage_structure(actor, unit))
    if kind not in Body.Kind.values:
        raise DomainError(
            "Choose a kind of body: general meeting, committee, council or conference."
        )
    if not name.strip():
        raise DomainError("A body needs a name.")
    body = Body.objects.create(unit=unit, kind=kind, name=name.strip(), description=description)
    record(
        actor=actor,
        action="body.create",
        obj=body,
        unit=unit,
        data={"name": body.name, "kind": kind},
    )
    return body


@transaction.atomic
def create_seat(
    *,
    actor: Any,
    body: Body,
    role: str,
    title: str,
    grants_officer_rights: bool = False,
    constituency_unit: Unit | None = None,
    constituency_body: Body | None = None,
    represents_unit: Unit | None = None,
    term_months: int | None = None,
) -> Seat:
    require(can_manage_structure(actor, body.unit))
    if role not in Seat.Role.values:
        raise DomainError("Unknown role for a seat.")
    if not title.strip():
        raise DomainError("A seat needs a title.")
    if constituency_unit is None and constituency_body is None:
        constituency_unit = body.unit
    seat = Seat.objects.create(
        body=body,
        role=role,
        title=title.strip(),
        grants_officer_rights=grants_officer_rights,
        constituency_unit=constituency_unit,
        constituency_body=constituency_body,
        represents_unit=represents_unit,
        term_months=term_months,
    )
    record(
        actor=actor,
        action="seat.create",
        obj=seat,
        unit=body.unit,
        data={"title": seat.title, "role": role, "officer_rights": grants_officer_rights},
    )
    return seat


@transaction.atomic
def appoint_to_seat(
    *, actor: Any, seat: Seat, holder: Any, started_on: date | None = None
) -> SeatHolding:
    """Record who now holds a seat (after their election). The previous holder's term ends."""
    require(can_manage_structure(actor, seat.body.unit))
    return appoint_by_rule(actor=actor, seat=seat, holder=holder, started_on=started_on)


@transaction.atomic
def appoint_by_rule(
    *, actor: Any, seat: Seat, holder: Any, started_on: date | None = None
) -> SeatHolding:
    """``appoint_to_seat`` for a caller that has checked who may record it by its own rule (a
    unit's officers recording the election of their delegates: iskra.representation)."""
    seat = Seat.objects.select_for_update().select_related("body__unit").get(pk=seat.pk)
    start = started_on or timezone.localdate()
    current = SeatHolding.objects.filter(seat=seat, ended_on__isnull=True).first()
    if current is not None:
        if current.holder_id == holder.pk:
            raise DomainError(f"{holder} already holds this seat.")
        if current.started_on > start:
            raise DomainError("The new term cannot start before the current holder's began.")
    # Apps above may refuse it (a delegation's reserved places: iskra.representation).
    seat_appointing.send(sender=Seat, seat=seat, holder=holder, ending=current)
    if current is not None:
        current.ended_on = start
        current.end_reason = "succeeded"
        current.save(update_fields=["ended_on", "end_reason"])
    try:
        with transaction.atomic():
            holding = SeatHolding.objects.create(seat=seat, holder=holder, started_on=start)
    except IntegrityError:
        raise DomainError("This seat already has a holder.") from None
    # Rights change hands now: drop cached rights of everyone involved, including the actor
    # (who may be the holder, as the same object, within one request).
    forget_rights(holder)
    forget_rights(actor)
    record(
        actor=actor,
        action="seat.appoint",
        obj=holding,
        unit=seat.body.unit,
        data={
            "seat": seat.pk,
            "holder": holder.pk,
            "previous": current.holder_id if current else None,
        },
    )
    return holding


@transaction.atomic
def end_holding(
    *, actor: Any, holding: SeatHolding, ended_on: date | None = None, reason: str
) -> SeatHolding:
    holding = (
        SeatHolding.objects.select_for_update()
        .select_related("seat__body__unit")
        .get(pk=holding.pk)
    )
    require(can_manage_structure(actor, holding.seat.body.unit))
    if holding.ended_on is not None:
        raise DomainError("This term has already ended.")
    end = ended_on or timezone.localdate()
    if end < holding.started_on:
        raise DomainError("A term cannot end before it started.")
    if not visible(reason):
        raise DomainError("Say why the term ends (resigned, recalled, term over…).")
    holding.ended_on = end
    holding.end_reason = reason.strip()
    holding.save(update_fields=["ended_on", "end_reason"])
    # The holder's rights end now, even on the object acting in this request.
    forget_rights(holding.holder)
    forget_rights(actor)
    record(
        actor=actor,
        action="seat.end",
        obj=holding,
        unit=holding.seat.body.unit,
        data={"ended_on": end, "reason": holding.end_reason},
    )
    return holding


def end_holding_by_rule(*, holding: SeatHolding, reason: str, data: dict[str, Any]) -> None:
    """End a term by the organisation's rules, nobody's decision (a recall ballot carried):
    recorded with no actor and with what decided it (``data``)."""
    holding = (
        SeatHolding.objects.select_for_update()
        .select_related("seat__body__unit", "holder")
        .get(pk=holding.pk)
    )
    if holding.ended_on is not None:
        return
    holding.ended_on = max(timezone.localdate(), holding.started_on)
    holding.end_reason = reason
    holding.save(update_fields=["ended_on", "end_reason"])
    forget_rights(holding.holder)
    record(
        actor=None,
        action="seat.end",
        obj=holding,
        unit=holding.seat.body.unit,
        data={"ended_on": holding.ended_on, "reason": reason, **data},
    )


SETTINGS_FIELDS = (
    "name",
    "short_name",
    "statement_of_aims",
    "probation_days",
    "require_2fa_for_officers",
    "share_email_with_members",
    "share_phone_with_members",
    "share_workplace_with_members",
    "share_pronouns_with_members",
    "default_quorum_percent",
    "default_turnout_threshold_percent",
)


def _apply(row: Any, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed fields on ``row``; returns (old, new) values of those that differ, as the
    audit entry records them."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in changes.items():
        if getattr(row, field) != value:
            old[field] = getattr(row, field)
            new[field] = value
            setattr(row, field, value)
    return old, new


# A body's standing orders: how motions reach it and how it decides (policy is data).
STANDING_ORDERS = (
    "min_notice_days",
    "quorum_percent",
    "majority_numerator",
    "majority_denominator",
    "majority_strict",
    "abstentions_count",
    "votes_are_secret",
    "members_may_propose",
    "supporters_required",
    "units_may_propose",
    "discussion_days",
    "dissent_days",
    "recall_threshold_percent",
    "recall_spread_units",
    "recall_period_days",
    "recall_ballot_days",
    "recall_by",
    "nomination_days",
    "requisition_threshold_percent",
    "requisition_spread_units",
    "requisition_period_days",
    "requisition_call_days",
    "requisition_hold_days",
    "requisition_units",
    "proxies_allowed",
    "proxy_deadline_hours",
    "proxy_cap",
    "proxy_same_unit",
    "entitlement_rule",
    "entitlement_first",
    "entitlement_step",
    "entitlement_max",
)
# (least, most) for the numbers among them.
STANDING_ORDER_BOUNDS = {
    "min_notice_days": (0, 365),
    "quorum_percent": (1, 100),
    "majority_numerator": (1, 100),
    "majority_denominator": (1, 100),
    "supporters_required": (0, 10_000),
    "discussion_days": (1, 365),
    "dissent_days": (0, 365),
    "recall_threshold_percent": (1, 100),
    "recall_spread_units": (0, 1000),
    "recall_period_days": (1, 365),
    "recall_ballot_days": (1, 90),
    "nomination_days": (1, 90),
    "requisition_threshold_percent": (1, 100),
    "requisition_spread_units": (0, 1000),
    "requisition_period_days": (1, 365),
    "requisition_call_days": (1, 365),
    "requisition_hold_days": (1, 365),
    "requisition_units": (0, 1000),
    "proxy_deadline_hours": (0, 720),
    "proxy_cap": (1, 100),
    "entitlement_first": (1, 1_000_000),
    "entitlement_step": (1, 1_000_000),
    "entitlement_max": (1, 1000),
}


@transaction.atomic
def update_standing_orders(*, actor: Any, body: Body, changes: dict[str, Any]) -> Body:
    """Change some of a body's standing orders; every change is recorded with its old value.
    They apply from then on: to meetings called, votes taken and motions moved after it (a
    meeting already called keeps its date; a decision its dissent period)."""
    require(
        can_edit_standing_orders(actor, body),
        f"Only officers of {body.unit.name} can change the standing orders of {body.name}.",
    )
    body = Body.objects.select_for_update().select_related("unit").get(pk=body.pk)
    unknown = set(changes) - set(STANDING_ORDERS)
    if unknown:
        raise DomainError(f"Not a standing order: {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        if field == "quorum_percent" and value is None:
            continue  # the organisation's default quorum
        if field == "entitlement_rule":
            if value not in Body.Entitlement.values:
                raise FieldError(field, "Choose how delegates are counted.")
            continue
        if field == "recall_by":
            if value not in Body.RecallBy.values:
                raise FieldError(field, "Choose a ballot or a meeting.")
            continue
        if field in STANDING_ORDER_BOUNDS:
            least, most = STANDING_ORDER_BOUNDS[field]
            if type(value) is not int or not least <= value <= most:
                raise FieldError(field, f"Enter a whole number from {least} to {most}.")
        elif type(value) is not bool:
            raise FieldError(field, "Answer yes or no.")
    after = {field: changes.get(field, getattr(body, field)) for field in STANDING_ORDERS}
    if after["majority_numerator"] > after["majority_denominator"]:
        raise FieldError(
            "majority_numerator", "The majority is a fraction of the votes: at most all of them."
        )
    if after["majority_strict"] and after["majority_numerator"] == after["majority_denominator"]:
        raise FieldError(
            "majority_strict",
            "“More than” all the votes can never happen: choose “at least” for unanimity.",
        )
    if after["requisition_hold_days"] < after["requisition_call_days"]:
        raise FieldError(
            "requisition_hold_days",
            "A requisitioned meeting cannot be held before the officers' days to call it end: "
            "make the days to hold it at least the days to call it.",
        )
    old, new = _apply(body, changes)
    if new:
        body.save(update_fields=list(new))
        record(
            actor=actor,
            action="body.standing_orders",
            obj=body,
            unit=body.unit,
            data={"body": body.pk, "old": old, "new": new},
        )
    return body


@transaction.atomic
def update_settings(*, actor: Any, changes: dict[str, Any]) -> Organisation:
    require(
        can_manage_settings(actor), "Only national officers can change the organisation's settings."
    )
    organisation = Organisation.current()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    old, new = _apply(organisation, changes)
    if new:
        from django.core.cache import cache

        from iskra.organisation.context_processors import ORGANISATION_CACHE_KEY

        cache.delete(ORGANISATION_CACHE_KEY)
        # And again once committed: a page served meanwhile may have cached the old names.
        transaction.on_commit(lambda: cache.delete(ORGANISATION_CACHE_KEY))
        organisation.full_clean()
        organisation.save(update_fields=list(new))
        record(
            actor=actor,
            action="organisation.settings",
            obj=organisation,
            data={"old": old, "new": new},
        )
    return organisation


@transaction.atomic
def save_unit_kind(
    *, actor: Any, name: str, level: int, holds_members: bool, kind: UnitKind | None = None
) -> UnitKind:
    require(can_manage_settings(actor), "Only national officers can change unit kinds.")
    if not name.strip():
        raise DomainError("A unit kind needs a name.")
    if (
        UnitKind.objects.filter(name__iexact=name.strip())
        .exclude(pk=kind.pk if kind else 0)
        .exists()
    ):
        raise DomainError(f"There is already a unit kind called {name.strip()}.")
    if kind is None:
        kind = UnitKind.objects.create(name=name.strip(), level=level, holds_members=holds_members)
        action = "unitkind.create"
    else:
        kind.name, kind.level, kind.holds_members = name.strip(), level, holds_members
        kind.save(update_fields=["name", "level", "holds_members"])
        action = "unitkind.update"
    record(
        actor=actor,
        action=action,
        obj=kind,
        data={"name": kind.name, "level": level, "holds_members": holds_members},
    )
    return kind
