"""Requisitions of a special meeting: members state the business and sign; at the threshold the
officers' clock starts; if they let it pass, the worker convenes the meeting in the
requisitioners' name with the agenda they stated."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.meetings.models import AgendaItem, Meeting
from iskra.organisation import services as org
from iskra.organisation.models import Body
from iskra.representation import requisitions as services
from iskra.representation.models import Requisition, RequisitionSignature
from tests.conftest import World, fresh, make_member

AGENDA = "Report of the committee on the strike fund\nElection of a new treasurer"


@pytest.fixture
def branch(world: World) -> list:
    """Branch A's committee, which the branch's ten members may requisition (5 % of ten is one
    signature by default; the tests set 20 %: two)."""
    others = [
        make_member(f"a{i}@example.org", f"Branch A Member {i}", world.branch_a) for i in range(8)
    ]
    Body.objects.filter(pk=world.branch_committee.pk).update(
        requisition_threshold_percent=20, min_notice_days=7
    )
    world.branch_committee.refresh_from_db()
    return others


def _start(world: World, **kwargs: object) -> Requisition:
    return services.start_requisition(
        actor=fresh(world.member),
        body=world.branch_committee,
        agenda=str(kwargs.get("agenda", AGENDA)),
        reason=str(kwargs.get("reason", "The treasurer resigned and the fund is frozen.")),
        place=str(kwargs.get("place", "Trades Hall, room 2")),
    )


def test_a_member_requisitions_a_meeting_and_signs_it(world: World, branch: list) -> None:
    r = _start(world)
    assert r.state == Requisition.State.OPEN
    assert (r.eligible, r.required, r.signatures) == (10, 2, 1)
    assert r.agenda_items() == AGENDA.splitlines()
    assert r.closes_on == timezone.localdate() + timedelta(days=28)
    assert (r.call_days, r.hold_days) == (21, 28)
    assert services.has_signed(world.member, r)
    assert AuditEntry.objects.filter(action="requisition.start").count() == 1
    # The officers are told, and the members, to sign.
    assert Notification.objects.filter(user=world.secretary, kind="requisition.started").exists()
    assert Notification.objects.filter(kind="requisition.started").count() >= 9


def test_bad_requisitions_are_refused_and_write_nothing(world: World, branch: list) -> None:
    with pytest.raises(PermissionDenied, match="good standing of Branch A"):
        services.start_requisition(
            actor=fresh(world.other_secretary), body=world.branch_committee, agenda="x", reason="y"
        )
    with pytest.raises(DomainError, match="business"):
        _start(world, agenda=" \n \n")
    with pytest.raises(DomainError, match="Say why"):
        _start(world, reason="   ")
    with pytest.raises(DomainError, match="At most 20 items"):
        _start(world, agenda="\n".join(f"Item {i}" for i in range(21)))
    assert not Requisition.objects.exists()
    _start(world)
    with pytest.raises(DomainError, match="already"):
        _start(world)
    assert Requisition.objects.count() == 1


def test_signing_is_for_the_members_on_the_day_it_started(world: World, branch: list) -> None:
    Body.objects.filter(pk=world.branch_committee.pk).update(requisition_threshold_percent=30)
    r = _start(world)
    with pytest.raises(PermissionDenied):
        services.sign(actor=fresh(world.other_secretary), requisition=r)
    newcomer = make_member("new@example.org", "New Comer", world.branch_a)
    with pytest.raises(PermissionDenied, match="when the requisition started"):
        services.sign(actor=newcomer, requisition=r)
    with pytest.raises(DomainError, match="already signed"):
        services.sign(actor=fresh(world.member), requisition=r)
    # Withdraw and sign again: one signature, as a unique constraint.
    services.sign(actor=fresh(branch[1]), requisition=r)  # 2 of 3 needed (set below)
    services.withdraw(actor=fresh(branch[1]), requisition=r)
    with pytest.raises(DomainError, match="not signed"):
        services.withdraw(actor=fresh(branch[1]), requisition=r)
    services.sign(actor=fresh(branch[1]), requisition=r)
    r.refresh_from_db()
    assert r.signatures == 2 and RequisitionSignature.objects.count() == 2


def test_at_the_threshold_it_is_valid_and_the_officers_clock_starts(
    world: World, branch: list
) -> None:
    r = _start(world)
    r = services.sign(actor=fresh(branch[0]), requisition=r)
    assert r.state == Requisition.State.VALID
    today = timezone.localdate()
    assert (r.call_by, r.hold_by) == (today + timedelta(days=21), today + timedelta(days=28))
    note = Notification.objects.get(user=world.secretary, kind="requisition.valid")
    assert "call it by" in note.title
    assert Notification.objects.filter(user=world.member, kind="requisition.valid").exists()
    # It is valid: no more signing or withdrawing.
    with pytest.raises(DomainError, match="signing is over"):
        services.sign(actor=fresh(branch[1]), requisition=r)
    with pytest.raises(DomainError, match="withdrawing a signature is over"):
        services.withdraw(actor=fresh(branch[0]), requisition=r)
    entry = AuditEntry.objects.get(action="requisition.valid")
    assert entry.actor_id is None


def test_the_officers_call_it_within_the_window_with_the_stated_agenda(
    world: World, branch: list
) -> None:
    r = services.sign(actor=fresh(branch[0]), requisition=_start(world))
    late = timezone.make_aware(dt.datetime.combine(r.hold_by + timedelta(days=1), dt.time(19)))
    with pytest.raises(PermissionDenied):
        services.call_meeting(actor=fresh(world.member), requisition=r, starts_at=late, location="")
    with pytest.raises(DomainError, match="held by"):
        services.call_meeting(
            actor=fresh(world.secretary), requisition=r, starts_at=late, location=""
        )
    soon = timezone.now() + timedelta(days=2)
    with pytest.raises(DomainError, match="notice"):
        services.call_meeting(
            actor=fresh(world.secretary), requisition=r, starts_at=soon, location=""
        )
    assert not Meeting.objects.exists()
    when = timezone.now() + timedelta(days=10)
    meeting = services.call_meeting(
        actor=fresh(world.secretary), requisition=r, starts_at=when, location=""
    )
    r.refresh_from_db()
    assert r.state == Requisition.State.CALLED and r.meeting == meeting
    assert meeting.location == "Trades Hall, room 2"
    assert [i.title for i in meeting.items.all()] == AGENDA.splitlines()
    assert "requisitioned by 2 members" in meeting.notice
    with pytest.raises(DomainError, match="already called"):
        services.call_meeting(
            actor=fresh(world.secretary), requisition=r, starts_at=when, location=""
        )
    # The worker does not convene a called meeting again.
    Requisition.objects.filter(pk=r.pk).update(call_by=timezone.localdate() - timedelta(days=1))
    assert services.run_clocks() == (0, 0)
    assert Meeting.objects.count() == 1


def test_officers_who_do_nothing_find_it_convened_in_the_requisitioners_name(
    world: World, branch: list
) -> None:
    r = services.sign(actor=fresh(branch[0]), requisition=_start(world))
    # On the last day to call it, nothing happens yet.
    assert services.run_clocks() == (0, 0)
    # The days to call it pass (as if 22 days later): the worker convenes it.
    yesterday = timezone.localdate() - timedelta(days=1)
    Requisition.objects.filter(pk=r.pk).update(
        call_by=yesterday, hold_by=timezone.localdate() + timedelta(days=6)
    )
    call_command("worker", "--once")
    r.refresh_from_db()
    assert r.state == Requisition.State.CONVENED
    meeting = r.meeting
    assert meeting is not None and meeting.body == world.branch_committee
    assert meeting.created_by_id == world.member.pk  # in the requisitioners' name
    assert list(meeting.items.values_list("title", "kind")) == [
        (t, AgendaItem.Kind.OTHER) for t in AGENDA.splitlines()
    ]
    assert "convened by Iskra in their name" in meeting.notice
    assert meeting.location == "Trades Hall, room 2"
    # The least notice (7 days) no longer fits the days to hold it (6 left): the first day it
    # allows, at 19:00.
    local = timezone.localtime(meeting.starts_at)
    assert local.time() == dt.time(19)
    assert meeting.starts_at >= timezone.now() + timedelta(days=7)
    assert local.date() <= timezone.localdate() + timedelta(days=8)
    entry = AuditEntry.objects.get(action="requisition.convened")
    assert entry.actor_id is None and entry.data["meeting"] == meeting.pk
    assert Notification.objects.filter(user=world.secretary, kind="requisition.convened").exists()
    # Notice goes to those who sit in the body; the requisitioners are told it is convened.
    assert Notification.objects.filter(user=world.secretary, kind="meeting.notice").exists()
    assert Notification.objects.filter(user=world.member, kind="requisition.convened").exists()
    # Idempotent: the next sweep convenes nothing more.
    assert services.run_clocks() == (0, 0)
    assert Meeting.objects.count() == 1


def test_a_requisition_short_of_signatures_lapses(world: World, branch: list) -> None:
    r = _start(world)
    Requisition.objects.filter(pk=r.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError, match="lapsed"):
        services.sign(actor=fresh(branch[0]), requisition=r)
    assert services.run_clocks() == (0, 1)
    r.refresh_from_db()
    assert r.state == Requisition.State.LAPSED
    # A lapsed requisition does not stop its starter from starting another.
    _start(world)


def test_the_spread_rule_needs_signatures_from_enough_units(world: World) -> None:
    Body.objects.filter(pk=world.district_committee.pk).update(
        requisition_threshold_percent=20, requisition_spread_units=2
    )
    body = Body.objects.get(pk=world.district_committee.pk)
    a2 = make_member("a2@example.org", "A Two", world.branch_a)
    r = services.start_requisition(actor=fresh(world.member), body=body, agenda="x", reason="y")
    assert r.required == 2  # 20 % of the district's 7 members, rounded up
    r = services.sign(actor=a2, requisition=r)
    assert r.state == Requisition.State.OPEN  # two signatures, one unit
    r = services.sign(actor=fresh(world.other_secretary), requisition=r)
    assert r.state == Requisition.State.VALID
    assert services.signed_units(r) == 2


def test_standing_orders_keep_the_days_to_hold_after_the_days_to_call(world: World) -> None:
    with pytest.raises(DomainError, match="at least the days to call"):
        org.update_standing_orders(
            actor=world.admin,
            body=world.branch_committee,
            changes={"requisition_call_days": 30, "requisition_hold_days": 20},
        )
    org.update_standing_orders(
        actor=world.admin,
        body=world.branch_committee,
        changes={"requisition_call_days": 14, "requisition_hold_days": 42},
    )
    body = Body.objects.get(pk=world.branch_committee.pk)
    assert (body.requisition_call_days, body.requisition_hold_days) == (14, 42)


def test_a_member_who_lapsed_since_it_started_no_longer_signs(world: World, branch: list) -> None:
    from iskra.members.models import Membership, Status

    r = _start(world)
    Membership.objects.filter(user=branch[0]).update(status=Status.LAPSED)
    with pytest.raises(PermissionDenied, match="good standing"):
        services.sign(actor=fresh(branch[0]), requisition=r)
    r.refresh_from_db()
    assert r.signatures == 1


def test_the_last_signature_withdrawn_ends_it_and_frees_its_starter(
    world: World, branch: list
) -> None:
    r = _start(world)
    with pytest.raises(DomainError, match=f"/requisitions/{r.pk}/"):
        _start(world)
    services.withdraw(actor=fresh(world.member), requisition=r)
    r.refresh_from_db()
    assert r.state == Requisition.State.WITHDRAWN
    with pytest.raises(DomainError, match="withdrawn"):
        services.sign(actor=fresh(branch[0]), requisition=r)
    assert _start(world).state == Requisition.State.OPEN


def test_a_time_without_its_zone_is_the_organisations_and_a_nonsense_date_is_refused(
    world: World, branch: list
) -> None:
    r = services.sign(actor=fresh(branch[0]), requisition=_start(world))
    with pytest.raises(DomainError, match="real date"):
        services.call_meeting(
            actor=fresh(world.secretary),
            requisition=r,
            starts_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
            location="",
        )
    naive = dt.datetime.combine(timezone.localdate() + timedelta(days=10), dt.time(19))
    meeting = services.call_meeting(
        actor=fresh(world.secretary), requisition=r, starts_at=naive, location=""
    )
    assert timezone.localtime(meeting.starts_at).time() == dt.time(19)


def test_the_audit_log_names_the_requisition_not_a_petition(world: World, branch: list) -> None:
    r = _start(world)
    entry = AuditEntry.objects.get(action="requisition.sign")
    assert entry.data == {"requisition": r.pk, "signatures": 1} and entry.actor_id is None
