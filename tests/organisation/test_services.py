"""The organisation's verbs: the unit tree, bodies, seats and their holders, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.organisation import services as org
from iskra.organisation.models import (
    Body,
    Organisation,
    Seat,
    SeatHolding,
    Unit,
    UnitKind,
    UnitMove,
)
from iskra.organisation.permissions import is_national_officer, is_officer_of
from tests.conftest import World, fresh, make_member


def last_entry(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, f"no audit entry {action}"
    return entry


def branch_kind() -> UnitKind:
    return UnitKind.objects.get(name="Branch")


# --- create_unit -------------------------------------------------------------------------------


def test_create_unit_sets_path_depth_and_audits(world: World) -> None:
    unit = org.create_unit(
        actor=world.secretary, name="  Workplace X ", kind=branch_kind(), parent=world.branch_a
    )
    assert unit.name == "Workplace X"
    assert unit.path == f"{world.branch_a.path}{unit.pk}/"
    assert unit.depth == 3
    entry = last_entry("unit.create")
    assert entry.object_id == str(unit.pk)
    assert entry.actor_id == world.secretary.pk
    assert entry.data["parent"] == world.branch_a.pk


def test_create_unit_refused_outside_officer_rights(world: World) -> None:
    with pytest.raises(PermissionDenied):
        org.create_unit(
            actor=world.other_secretary, name="X", kind=branch_kind(), parent=world.branch_a
        )
    with pytest.raises(PermissionDenied):
        org.create_unit(actor=world.member, name="X", kind=branch_kind(), parent=world.branch_a)


def test_top_level_unit_only_by_admin(world: World) -> None:
    with pytest.raises(PermissionDenied):
        org.create_unit(actor=world.officer, name="Second root", kind=branch_kind(), parent=None)
    root = org.create_unit(actor=world.admin, name="Second root", kind=branch_kind(), parent=None)
    assert root.path == f"/{root.pk}/"
    assert root.depth == 0


def test_create_unit_needs_a_name(world: World) -> None:
    with pytest.raises(DomainError, match="name"):
        org.create_unit(actor=world.officer, name="   ", kind=branch_kind(), parent=world.district)
    assert not AuditEntry.objects.filter(action="unit.create", actor=world.officer).exists()


# --- move_unit -------------------------------------------------------------------------------


def test_move_unit_rewrites_subtree_and_keeps_history(world: World) -> None:
    district_kind = UnitKind.objects.get(name="District")
    south = org.create_unit(
        actor=world.officer, name="South District", kind=district_kind, parent=world.national
    )
    workplace = org.create_unit(
        actor=world.officer, name="Depot", kind=branch_kind(), parent=world.branch_a
    )
    org.move_unit(actor=world.officer, unit=world.branch_a, new_parent=south, reason="boundary")
    branch_a = Unit.objects.get(pk=world.branch_a.pk)
    workplace = Unit.objects.get(pk=workplace.pk)
    assert branch_a.parent_id == south.pk
    assert branch_a.path == f"{south.path}{branch_a.pk}/"
    assert branch_a.depth == 2
    assert workplace.path == f"{branch_a.path}{workplace.pk}/"
    assert workplace.depth == 3
    # Branch B is untouched.
    assert Unit.objects.get(pk=world.branch_b.pk).path == world.branch_b.path
    move = UnitMove.objects.get(unit=branch_a)
    assert move.from_parent_id == world.district.pk
    assert move.to_parent_id == south.pk
    assert move.moved_by_id == world.officer.pk
    assert move.reason == "boundary"
    entry = last_entry("unit.move")
    assert entry.data == {"from": world.district.pk, "to": south.pk, "reason": "boundary"}


def test_move_changes_officer_rights(world: World) -> None:
    district_kind = UnitKind.objects.get(name="District")
    south = org.create_unit(
        actor=world.officer, name="South", kind=district_kind, parent=world.national
    )
    district_sec = org.create_seat(
        actor=world.officer,
        body=world.district_committee,
        role=Seat.Role.SECRETARY,
        title="District secretary",
        grants_officer_rights=True,
    )
    org.appoint_to_seat(actor=world.officer, seat=district_sec, holder=world.committee_member)
    assert is_officer_of(fresh(world.committee_member), Unit.objects.get(pk=world.branch_a.pk))
    org.move_unit(actor=world.officer, unit=world.branch_a, new_parent=south)
    assert not is_officer_of(fresh(world.committee_member), Unit.objects.get(pk=world.branch_a.pk))


def test_move_under_own_descendant_refused(world: World) -> None:
    with pytest.raises(DomainError, match="under itself"):
        org.move_unit(actor=world.officer, unit=world.district, new_parent=world.branch_a)
    with pytest.raises(DomainError, match="under itself"):
        org.move_unit(actor=world.officer, unit=world.district, new_parent=world.district)
    assert not UnitMove.objects.exists()


def test_move_to_same_parent_refused(world: World) -> None:
    with pytest.raises(DomainError, match="already part"):
        org.move_unit(actor=world.officer, unit=world.branch_a, new_parent=world.district)


def test_move_needs_rights_over_both_ends(world: World) -> None:
    # The branch secretary manages Branch A but not Branch B.
    with pytest.raises(PermissionDenied):
        org.move_unit(actor=world.secretary, unit=world.branch_a, new_parent=world.branch_b)
    assert Unit.objects.get(pk=world.branch_a.pk).parent_id == world.district.pk


def test_move_does_not_confuse_ids_sharing_a_prefix(world: World) -> None:
    # Create enough units that some id is a textual prefix of another (e.g. 1 and 12).
    made = [
        org.create_unit(actor=world.admin, name=f"U{i}", kind=branch_kind(), parent=world.district)
        for i in range(12)
    ]
    first = made[0]
    cousins = [u for u in made if str(u.pk).startswith(str(first.pk)) and u.pk != first.pk]
    org.move_unit(actor=world.admin, unit=first, new_parent=world.national)
    for cousin in cousins:
        assert Unit.objects.get(pk=cousin.pk).parent_id == world.district.pk
        assert Unit.objects.get(pk=cousin.pk).path == f"{world.district.path}{cousin.pk}/"


# --- bodies and seats ---------------------------------------------------------------------------


def test_create_body(world: World) -> None:
    body = org.create_body(
        actor=world.secretary, unit=world.branch_a, kind=Body.Kind.GENERAL_MEETING, name=" GM "
    )
    assert body.name == "GM"
    assert body.unit_id == world.branch_a.pk
    assert last_entry("body.create").data == {"name": "GM", "kind": "general_meeting"}


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [("party", "X", "kind of body"), (Body.Kind.COMMITTEE, "  ", "name")],
)
def test_create_body_validation(world: World, kind: str, name: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        org.create_body(actor=world.secretary, unit=world.branch_a, kind=kind, name=name)


def test_create_body_forbidden(world: World) -> None:
    with pytest.raises(PermissionDenied):
        org.create_body(
            actor=world.secretary, unit=world.branch_b, kind=Body.Kind.COMMITTEE, name="X"
        )


def test_create_seat_defaults_constituency_and_audits(world: World) -> None:
    seat = org.create_seat(
        actor=world.secretary, body=world.branch_committee, role=Seat.Role.TREASURER, title="T"
    )
    assert seat.constituency_unit_id == world.branch_a.pk
    assert seat.grants_officer_rights is False
    assert last_entry("seat.create").data == {
        "title": "T",
        "role": "treasurer",
        "officer_rights": False,
    }


@pytest.mark.parametrize(("role", "title"), [("king", "X"), (Seat.Role.CHAIR, " ")])
def test_create_seat_validation(world: World, role: str, title: str) -> None:
    with pytest.raises(DomainError):
        org.create_seat(actor=world.secretary, body=world.branch_committee, role=role, title=title)


def test_create_seat_forbidden(world: World) -> None:
    with pytest.raises(PermissionDenied):
        org.create_seat(
            actor=world.other_secretary,
            body=world.branch_committee,
            role=Seat.Role.CHAIR,
            title="Chair",
        )


# --- holders --------------------------------------------------------------------------------------


def test_appoint_succession_ends_previous_term(world: World) -> None:
    seat = world.branch_secretary_seat
    today = timezone.localdate()
    holding = org.appoint_to_seat(
        actor=world.officer, seat=seat, holder=world.member, started_on=today
    )
    previous = SeatHolding.objects.get(seat=seat, holder=world.secretary)
    assert previous.ended_on == today
    assert previous.end_reason == "succeeded"
    assert holding.ended_on is None
    assert SeatHolding.objects.filter(seat=seat, ended_on__isnull=True).count() == 1
    entry = last_entry("seat.appoint")
    assert entry.data == {
        "seat": seat.pk,
        "holder": world.member.pk,
        "previous": world.secretary.pk,
    }
    # Rights moved with the seat.
    assert is_officer_of(fresh(world.member), world.branch_a)
    assert not is_officer_of(fresh(world.secretary), world.branch_a)


def test_appoint_same_holder_refused(world: World) -> None:
    with pytest.raises(DomainError, match="already holds"):
        org.appoint_to_seat(
            actor=world.officer, seat=world.branch_secretary_seat, holder=world.secretary
        )


def test_appoint_before_current_term_refused(world: World) -> None:
    with pytest.raises(DomainError, match="cannot start before"):
        org.appoint_to_seat(
            actor=world.officer,
            seat=world.branch_secretary_seat,
            holder=world.member,
            started_on=timezone.localdate() - timedelta(days=365),
        )
    assert (
        SeatHolding.objects.get(seat=world.branch_secretary_seat, ended_on__isnull=True).holder_id
        == world.secretary.pk
    )


def test_appoint_forbidden(world: World) -> None:
    with pytest.raises(PermissionDenied):
        org.appoint_to_seat(
            actor=world.other_secretary, seat=world.branch_secretary_seat, holder=world.member
        )
    # A branch secretary cannot appoint to a national seat.
    national_seat = Seat.objects.get(title="National Secretary")
    with pytest.raises(PermissionDenied):
        org.appoint_to_seat(actor=world.secretary, seat=national_seat, holder=world.secretary)


def test_database_allows_one_open_holding_per_seat(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatHolding.objects.create(
            seat=world.branch_secretary_seat, holder=world.member, started_on=timezone.localdate()
        )


def test_database_refuses_term_ending_before_start(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatHolding.objects.create(
            seat=world.branch_secretary_seat,
            holder=world.member,
            started_on=today,
            ended_on=today - timedelta(days=1),
        )


def test_end_holding_ends_officer_rights(world: World) -> None:
    secretary = fresh(world.secretary)
    assert is_officer_of(secretary, world.branch_a)
    holding = SeatHolding.objects.get(seat=world.branch_secretary_seat, holder=world.secretary)
    org.end_holding(actor=world.officer, holding=holding, reason="resigned")
    # Rights end the moment the seat ends — even for the same, cached user object.
    assert not is_officer_of(fresh(world.secretary), world.branch_a)
    holding.refresh_from_db()
    assert holding.ended_on == timezone.localdate()
    assert holding.end_reason == "resigned"
    entry = last_entry("seat.end")
    assert entry.data["reason"] == "resigned"


def test_end_holding_self_forgets_cached_rights(world: World) -> None:
    secretary = fresh(world.secretary)
    assert is_officer_of(secretary, world.branch_a)
    holding = SeatHolding.objects.get(seat=world.branch_secretary_seat, holder=world.secretary)
    org.end_holding(actor=secretary, holding=holding, reason="resigned")
    assert not is_officer_of(secretary, world.branch_a)


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [(0, "  ", "Say why"), (-365, "x", "before it started")],
)
def test_end_holding_validation(world: World, days: int, reason: str, message: str) -> None:
    holding = SeatHolding.objects.get(seat=world.branch_secretary_seat, holder=world.secretary)
    with pytest.raises(DomainError, match=message):
        org.end_holding(
            actor=world.officer,
            holding=holding,
            reason=reason,
            ended_on=timezone.localdate() + timedelta(days=days),
        )


def test_end_holding_twice_refused(world: World) -> None:
    holding = SeatHolding.objects.get(seat=world.branch_secretary_seat, holder=world.secretary)
    org.end_holding(actor=world.officer, holding=holding, reason="term over")
    with pytest.raises(DomainError, match="already ended"):
        org.end_holding(actor=world.officer, holding=holding, reason="term over")


def test_end_holding_forbidden(world: World) -> None:
    holding = SeatHolding.objects.get(seat=world.branch_secretary_seat, holder=world.secretary)
    with pytest.raises(PermissionDenied):
        org.end_holding(actor=world.other_secretary, holding=holding, reason="coup")
    with pytest.raises(PermissionDenied):
        org.end_holding(actor=world.member, holding=holding, reason="coup")
    holding.refresh_from_db()
    assert holding.ended_on is None


def test_future_term_gives_no_rights_yet(world: World) -> None:
    seat = org.create_seat(
        actor=world.officer,
        body=world.branch_committee,
        role=Seat.Role.TREASURER,
        title="Treasurer",
        grants_officer_rights=True,
    )
    org.appoint_to_seat(
        actor=world.officer,
        seat=seat,
        holder=world.member,
        started_on=timezone.localdate() + timedelta(days=3),
    )
    assert not is_officer_of(fresh(world.member), world.branch_a)


def test_non_officer_seat_gives_no_officer_rights(world: World) -> None:
    assert not is_officer_of(fresh(world.committee_member), world.branch_a)
    assert not is_national_officer(fresh(world.committee_member))
    assert is_national_officer(fresh(world.officer))
    assert not is_national_officer(fresh(world.secretary))


# --- settings ------------------------------------------------------------------------------


def test_update_settings_records_old_and_new(world: World) -> None:
    organisation = org.update_settings(
        actor=world.officer, changes={"probation_days": 30, "name": "Test Organisation"}
    )
    assert organisation.probation_days == 30
    assert Organisation.current().probation_days == 30
    entry = last_entry("organisation.settings")
    # Unchanged values are not recorded.
    assert entry.data == {"old": {"probation_days": 90}, "new": {"probation_days": 30}}


def test_update_settings_without_change_writes_nothing(world: World) -> None:
    before = AuditEntry.objects.count()
    org.update_settings(actor=world.officer, changes={"probation_days": 90})
    assert AuditEntry.objects.count() == before


def test_update_settings_forbidden_to_branch_secretary(world: World) -> None:
    with pytest.raises(PermissionDenied, match="national officers"):
        org.update_settings(actor=world.secretary, changes={"probation_days": 1})
    assert Organisation.current().probation_days == 90


def test_update_settings_unknown_field(world: World) -> None:
    with pytest.raises(DomainError, match="Unknown settings: id"):
        org.update_settings(actor=world.officer, changes={"id": 5})


def test_save_unit_kind_create_update_and_duplicates(world: World) -> None:
    kind = org.save_unit_kind(actor=world.officer, name="Region", level=1, holds_members=False)
    assert last_entry("unitkind.create").object_id == str(kind.pk)
    kind = org.save_unit_kind(
        actor=world.officer, name="Regions", level=1, holds_members=True, kind=kind
    )
    assert UnitKind.objects.get(pk=kind.pk).name == "Regions"
    assert UnitKind.objects.get(pk=kind.pk).holds_members is True
    assert last_entry("unitkind.update").data["name"] == "Regions"
    with pytest.raises(DomainError, match="already a unit kind"):
        org.save_unit_kind(actor=world.officer, name="branch", level=3, holds_members=True)
    with pytest.raises(DomainError, match="needs a name"):
        org.save_unit_kind(actor=world.officer, name=" ", level=3, holds_members=True)


def test_save_unit_kind_forbidden(world: World) -> None:
    with pytest.raises(PermissionDenied):
        org.save_unit_kind(actor=world.secretary, name="Cell", level=4, holds_members=True)
    assert not UnitKind.objects.filter(name="Cell").exists()


def test_make_member_helper_unit_rights(world: World) -> None:
    # Members of a sub-unit are within the district officer's scope only through the path.
    newcomer = make_member("n@example.org", "New Comer", world.branch_b)
    assert newcomer.membership.unit_id == world.branch_b.pk
