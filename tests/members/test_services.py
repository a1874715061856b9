"""The verbs of membership: joining, admission, probation, status, transfers, discipline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from iskra.accounts import services as accounts_services
from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.members import services
from iskra.members.models import (
    ALLOWED_TRANSITIONS,
    Application,
    DisciplinaryCase,
    Membership,
    MembershipEvent,
    Status,
    Transfer,
)
from iskra.organisation import services as org
from iskra.organisation.models import Body, Organisation, Seat
from tests.conftest import World, fresh, make_member

Capture = Callable[..., Any]


def last_entry(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, f"no audit entry {action}"
    return entry


def membership_of(user: User) -> Membership:
    return Membership.objects.select_related("unit", "user").get(user=user)


def apply(world: World, **overrides: Any) -> Application:
    data: dict[str, Any] = {
        "email": "New.Person@Example.org",
        "full_name": "New Person",
        "password": "a long enough password 42",
        "unit": world.branch_a,
        "agreed_to_aims": True,
        "message": "Hello",
    }
    data.update(overrides)
    return services.apply_to_join(**data)


def assert_html_alternative(message: Any) -> None:
    assert message.body.strip()
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<" in html


# --- apply_to_join ---------------------------------------------------------------------------


def test_apply_creates_applicant_application_and_audit(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(world)
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("a long enough password 42")
    membership = membership_of(user)
    assert membership.status == Status.APPLICANT
    assert membership.number == f"M{membership.pk:07d}"
    assert application.unit_id == world.branch_a.pk
    assert application.decision == Application.Decision.PENDING
    event = membership.events.get()
    assert (event.from_status, event.to_status) == ("", Status.APPLICANT)
    entry = last_entry("application.submit")
    assert entry.actor_id is None
    assert entry.object_id == str(application.pk)
    assert entry.unit_id == world.branch_a.pk
    # The applicant is told, and so is the branch's secretary (not Branch B's).
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["new.person@example.org", "secretary@example.org"]
    for message in mail.outbox:
        assert_html_alternative(message)


def test_apply_sends_no_email_before_commit(world: World) -> None:
    apply(world)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "valid email"),
        ({"full_name": "  "}, "name"),
        ({"agreed_to_aims": False}, "agree"),
        ({"password": "short"}, "too short"),
        ({"email": "MEMBER@example.org"}, "already exists"),
    ],
)
def test_apply_validation(world: World, overrides: dict[str, Any], message: str) -> None:
    before = Application.objects.count()
    with pytest.raises(DomainError, match=message):
        apply(world, **overrides)
    assert Application.objects.count() == before


def test_apply_to_non_branch_refused(world: World) -> None:
    with pytest.raises(DomainError, match="branch"):
        apply(world, unit=world.district)
    assert not User.objects.filter(email="new.person@example.org").exists()


# --- decide_application -------------------------------------------------------------------


def test_admit_makes_candidate_with_probation(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    application = apply(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_application(actor=world.secretary, application=application, admit=True)
    membership = Membership.objects.get(pk=application.membership_id)
    today = timezone.localdate()
    assert membership.status == Status.CANDIDATE
    assert membership.admitted_on == today
    assert membership.probation_ends_on == today + timedelta(days=90)
    application.refresh_from_db()
    assert application.decision == Application.Decision.ADMITTED
    assert application.decided_by_id == world.secretary.pk
    event = membership.events.first()
    assert event is not None
    assert (event.from_status, event.to_status) == (Status.APPLICANT, Status.CANDIDATE)
    assert event.decided_by_id == world.secretary.pk
    assert last_entry("application.decide").data["decision"] == "admitted"
    assert last_entry("membership.status").data["new"] == "candidate"
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    assert_html_alternative(mail.outbox[0])


def test_admit_without_probation_makes_member(world: World) -> None:
    Organisation.objects.update(probation_days=0)
    application = apply(world)
    services.decide_application(actor=world.officer, application=application, admit=True)
    membership = Membership.objects.get(pk=application.membership_id)
    assert membership.status == Status.MEMBER
    assert membership.probation_ends_on is None


def test_decline_requires_reason(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    application = apply(world)
    with pytest.raises(DomainError, match="reason"):
        services.decide_application(
            actor=world.secretary, application=application, admit=False, reason=" "
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_application(
            actor=world.secretary, application=application, admit=False, reason="Not a fit"
        )
    application.refresh_from_db()
    assert application.decision == Application.Decision.DECLINED
    assert application.reason == "Not a fit"
    assert Membership.objects.get(pk=application.membership_id).status == Status.DECLINED
    assert "Not a fit" in mail.outbox[0].body


def test_double_decision_refused(world: World) -> None:
    application = apply(world)
    services.decide_application(actor=world.secretary, application=application, admit=True)
    with pytest.raises(DomainError, match="already been decided"):
        services.decide_application(
            actor=world.secretary, application=application, admit=False, reason="x"
        )
    assert Membership.objects.get(pk=application.membership_id).status == Status.CANDIDATE


@pytest.mark.parametrize("persona", ["other_secretary", "member", "committee_member", "outsider"])
def test_decide_application_forbidden(world: World, persona: str) -> None:
    application = apply(world)
    with pytest.raises(PermissionDenied):
        services.decide_application(
            actor=getattr(world, persona), application=application, admit=True
        )
    assert Membership.objects.get(pk=application.membership_id).status == Status.APPLICANT


# --- probation ----------------------------------------------------------------------------------


def _candidate(world: World) -> Membership:
    application = apply(world)
    services.decide_application(actor=world.secretary, application=application, admit=True)
    return Membership.objects.get(pk=application.membership_id)


def test_complete_probation_only_when_due(world: World) -> None:
    membership = _candidate(world)
    assert services.complete_probation(membership_id=membership.pk) is False
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.complete_probation(membership_id=membership.pk) is True
        # Idempotent.
        assert services.complete_probation(membership_id=membership.pk) is False
    membership.refresh_from_db()
    assert membership.status == Status.MEMBER
    event = membership.events.first()
    assert event is not None
    assert event.reason == "Probation completed"
    assert event.decided_by_id is None
    entry = last_entry("membership.status")
    assert entry.data["new"] == "member"
    assert entry.actor_id is None


def test_complete_due_probations_sweep(world: World) -> None:
    first = _candidate(world)
    second = _candidate_named(world, "second@example.org")
    services.hold_probation(actor=world.secretary, membership=second, held=True, reason="wait")
    assert services.complete_due_probations() == 0
    with time_machine.travel(timezone.now() + timedelta(days=120)):
        assert services.complete_due_probations() == 1
    assert Membership.objects.get(pk=first.pk).status == Status.MEMBER
    # The branch held the second candidate's probation.
    assert Membership.objects.get(pk=second.pk).status == Status.CANDIDATE


def _candidate_named(world: World, email: str) -> Membership:
    application = apply(world, email=email)
    services.decide_application(actor=world.secretary, application=application, admit=True)
    return Membership.objects.get(pk=application.membership_id)


def test_hold_probation_prevents_then_lift(world: World) -> None:
    membership = _candidate(world)
    services.hold_probation(actor=world.secretary, membership=membership, held=True, reason="r")
    assert last_entry("membership.probation").data["held"] is True
    later = membership.probation_ends_on + timedelta(days=1)  # type: ignore[operator]
    assert services.complete_probation(membership_id=membership.pk, today=later) is False
    services.hold_probation(actor=world.secretary, membership=membership, held=False, reason="ok")
    assert services.complete_probation(membership_id=membership.pk, today=later) is True


def test_hold_probation_extend(world: World) -> None:
    membership = _candidate(world)
    new_end = timezone.localdate() + timedelta(days=200)
    services.hold_probation(
        actor=world.secretary, membership=membership, held=True, reason="r", extend_to=new_end
    )
    membership.refresh_from_db()
    assert membership.probation_ends_on == new_end
    assert membership.probation_held is False
    with pytest.raises(DomainError, match="future"):
        services.hold_probation(
            actor=world.secretary,
            membership=membership,
            held=False,
            reason="r",
            extend_to=timezone.localdate(),
        )


def test_hold_probation_validation_and_permissions(world: World) -> None:
    membership = _candidate(world)
    with pytest.raises(DomainError, match="reason"):
        services.hold_probation(actor=world.secretary, membership=membership, held=True, reason="")
    with pytest.raises(PermissionDenied):
        services.hold_probation(
            actor=world.other_secretary, membership=membership, held=True, reason="r"
        )
    with pytest.raises(DomainError, match="candidate"):
        services.hold_probation(
            actor=world.secretary, membership=membership_of(world.member), held=True, reason="r"
        )


# --- change_status -----------------------------------------------------------------------------


def test_change_status_records_event_and_audit(world: World) -> None:
    membership = membership_of(world.member)
    event = services.change_status(
        actor=world.secretary, membership=membership, to_status=Status.LAPSED, reason="no dues"
    )
    assert (event.from_status, event.to_status) == (Status.MEMBER, Status.LAPSED)
    assert event.decided_by_id == world.secretary.pk
    assert membership_of(world.member).status == Status.LAPSED
    entry = last_entry("membership.status")
    assert entry.details == {"old": "member", "new": "lapsed", "reason": "no dues", "body": None}
    services.change_status(
        actor=world.secretary, membership=membership, to_status=Status.MEMBER, reason="paid"
    )
    assert membership_of(world.member).status == Status.MEMBER


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (start, target)
        for start in Status.values
        for target in Status.values
        if target not in ALLOWED_TRANSITIONS[start]
        and target not in {Status.SUSPENDED, Status.EXPELLED}
    ],
)
def test_change_status_refuses_transitions_outside_the_map(
    world: World, start: str, target: str
) -> None:
    membership = membership_of(world.member)
    Membership.objects.filter(pk=membership.pk).update(status=start)
    with pytest.raises(DomainError, match="cannot become"):
        services.change_status(
            actor=world.secretary, membership=membership, to_status=target, reason="r"
        )
    assert membership_of(world.member).status == start


@pytest.mark.parametrize("target", [Status.SUSPENDED, Status.EXPELLED])
def test_suspension_and_expulsion_only_via_discipline(world: World, target: str) -> None:
    with pytest.raises(DomainError, match="disciplinary case"):
        services.change_status(
            actor=world.officer,
            membership=membership_of(world.member),
            to_status=target,
            reason="r",
        )
    assert membership_of(world.member).status == Status.MEMBER


def test_change_status_needs_reason_and_rights(world: World) -> None:
    membership = membership_of(world.member)
    with pytest.raises(DomainError, match="why"):
        services.change_status(
            actor=world.secretary, membership=membership, to_status=Status.LAPSED, reason=" "
        )
    for persona in (world.other_secretary, world.member, world.committee_member):
        with pytest.raises(PermissionDenied):
            services.change_status(
                actor=persona, membership=membership, to_status=Status.LAPSED, reason="r"
            )
    assert not MembershipEvent.objects.filter(membership=membership, to_status="lapsed").exists()


def test_resign(world: World) -> None:
    services.resign(actor=world.member, reason="moving away")
    assert membership_of(world.member).status == Status.RESIGNED
    with pytest.raises(DomainError):
        services.resign(actor=world.outsider)


# --- transfers ------------------------------------------------------------------------------


def test_transfer_request_and_accept(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        transfer = services.request_transfer(
            actor=world.member, to_unit=world.branch_b, reason="moved"
        )
    assert transfer.from_unit_id == world.branch_a.pk
    assert last_entry("transfer.request").data == {
        "from": world.branch_a.pk,
        "to": world.branch_b.pk,
    }
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    assert_html_alternative(mail.outbox[0])
    # The sending branch cannot accept it; the receiving one can.
    with pytest.raises(PermissionDenied):
        services.decide_transfer(actor=world.secretary, transfer=transfer, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_transfer(actor=world.other_secretary, transfer=transfer, accept=True)
    assert membership_of(world.member).unit_id == world.branch_b.pk
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.ACCEPTED
    assert last_entry("transfer.decide").data["state"] == "accepted"
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    with pytest.raises(DomainError, match="already been decided"):
        services.decide_transfer(actor=world.other_secretary, transfer=transfer, accept=True)


def test_transfer_decline_needs_reason(world: World) -> None:
    transfer = services.request_transfer(actor=world.member, to_unit=world.branch_b)
    with pytest.raises(DomainError, match="reason"):
        services.decide_transfer(actor=world.other_secretary, transfer=transfer, accept=False)
    services.decide_transfer(
        actor=world.other_secretary, transfer=transfer, accept=False, reason="full"
    )
    assert membership_of(world.member).unit_id == world.branch_a.pk
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.DECLINED


def test_transfer_request_validation(world: World) -> None:
    with pytest.raises(DomainError, match="already in this branch"):
        services.request_transfer(actor=world.member, to_unit=world.branch_a)
    with pytest.raises(DomainError, match="branch"):
        services.request_transfer(actor=world.member, to_unit=world.district)
    with pytest.raises(DomainError, match="Only members"):
        services.request_transfer(actor=world.outsider, to_unit=world.branch_b)
    services.request_transfer(actor=world.member, to_unit=world.branch_b)
    with pytest.raises(DomainError, match="already have a transfer"):
        services.request_transfer(actor=world.member, to_unit=world.branch_b)


def test_cancel_transfer(world: World) -> None:
    transfer = services.request_transfer(actor=world.member, to_unit=world.branch_b)
    with pytest.raises(PermissionDenied):
        services.cancel_transfer(actor=world.other_secretary, transfer=transfer)
    services.cancel_transfer(actor=world.member, transfer=transfer)
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.CANCELLED
    assert last_entry("transfer.cancel").object_id == str(transfer.pk)
    with pytest.raises(DomainError, match="already been decided"):
        services.cancel_transfer(actor=world.member, transfer=transfer)
    # A new request is possible once the old one is cancelled.
    services.request_transfer(actor=world.member, to_unit=world.branch_b)


# --- discipline -----------------------------------------------------------------------------


def open_case(world: World, body: Body | None = None) -> DisciplinaryCase:
    return services.open_case(
        actor=world.secretary,
        membership=membership_of(world.member),
        complaint="Broke the picket line",
        deciding_body=body or world.branch_committee,
    )


def test_open_case(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world)
    assert case.state == DisciplinaryCase.State.OPEN
    assert case.complainant_id == world.secretary.pk
    assert last_entry("discipline.open").data == {"body": world.branch_committee.pk}
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert "Branch A Committee" in mail.outbox[0].body
    assert_html_alternative(mail.outbox[0])


def test_open_case_validation_and_permissions(world: World) -> None:
    with pytest.raises(DomainError, match="complaint"):
        services.open_case(
            actor=world.secretary,
            membership=membership_of(world.member),
            complaint=" ",
            deciding_body=world.branch_committee,
        )
    with pytest.raises(DomainError, match="deciding body"):
        services.open_case(
            actor=world.officer,
            membership=membership_of(world.member),
            complaint="x",
            deciding_body=Body.objects.get(name="Branch B Committee"),
        )
    with pytest.raises(PermissionDenied):
        services.open_case(
            actor=world.other_secretary,
            membership=membership_of(world.member),
            complaint="x",
            deciding_body=world.branch_committee,
        )
    # Nobody refers a complaint about themselves.
    with pytest.raises(PermissionDenied):
        services.open_case(
            actor=world.secretary,
            membership=membership_of(world.secretary),
            complaint="x",
            deciding_body=world.branch_committee,
        )
    assert not DisciplinaryCase.objects.exists()


def test_decide_case_warning_keeps_status(world: World) -> None:
    case = open_case(world)
    services.decide_case(actor=world.secretary, case=case, outcome="warning", reason="First time")
    case.refresh_from_db()
    assert case.state == DisciplinaryCase.State.DECIDED
    assert case.outcome == "warning"
    assert membership_of(world.member).status == Status.MEMBER
    assert last_entry("discipline.decide").data["outcome"] == "warning"
    with pytest.raises(DomainError, match="already been decided"):
        services.decide_case(actor=world.secretary, case=case, outcome="warning", reason="x")


def test_decide_case_suspension_then_end(world: World) -> None:
    case = open_case(world)
    until = timezone.localdate() + timedelta(days=30)
    services.decide_case(
        actor=world.secretary, case=case, outcome="suspension", reason="r", suspended_until=until
    )
    membership = membership_of(world.member)
    assert membership.status == Status.SUSPENDED
    assert membership.suspended_until == until
    event = membership.events.first()
    assert event is not None
    assert event.body_id == world.branch_committee.pk
    assert services.end_suspension(membership_id=membership.pk) is False
    assert services.end_due_suspensions() == 0
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert services.end_due_suspensions() == 1
    membership = membership_of(world.member)
    assert membership.status == Status.MEMBER
    assert membership.suspended_until is None
    assert last_entry("membership.status").details["reason"] == "Suspension ended"


@pytest.mark.parametrize("until", [None, "today", "past"])
def test_suspension_needs_future_end(world: World, until: str | None) -> None:
    case = open_case(world)
    dates = {
        None: None,
        "today": timezone.localdate(),
        "past": timezone.localdate() - timedelta(days=1),
    }
    with pytest.raises(DomainError, match="end date"):
        services.decide_case(
            actor=world.secretary,
            case=case,
            outcome="suspension",
            reason="r",
            suspended_until=dates[until],
        )
    assert membership_of(world.member).status == Status.MEMBER


def test_decide_case_validation(world: World) -> None:
    case = open_case(world)
    with pytest.raises(DomainError, match="outcome"):
        services.decide_case(actor=world.secretary, case=case, outcome="flogging", reason="r")
    with pytest.raises(DomainError, match="written reason"):
        services.decide_case(actor=world.secretary, case=case, outcome="warning", reason=" ")


def test_decide_case_forbidden(world: World) -> None:
    case = open_case(world)
    for persona in (world.other_secretary, world.member, world.committee_member):
        with pytest.raises(PermissionDenied):
            services.decide_case(actor=persona, case=case, outcome="expulsion", reason="r")
    assert membership_of(world.member).status == Status.MEMBER


def test_expulsion_appeal_overturned_restores_member(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    case = open_case(world)
    services.decide_case(actor=world.secretary, case=case, outcome="expulsion", reason="r")
    assert membership_of(world.member).status == Status.EXPELLED
    # Only the member concerned appeals.
    with pytest.raises(PermissionDenied):
        services.appeal_case(actor=world.secretary, case=case, grounds="g")
    with pytest.raises(DomainError, match="grounds"):
        services.appeal_case(actor=world.member, case=case, grounds=" ")
    services.appeal_case(actor=world.member, case=case, grounds="Unfair")
    case.refresh_from_db()
    # The appeal goes to a body of the parent unit (the district).
    assert case.appeal_body_id == world.district_committee.pk
    assert case.state == DisciplinaryCase.State.APPEALED
    assert last_entry("discipline.appeal").data == {"appeal_body": world.district_committee.pk}
    with pytest.raises(DomainError, match="only once"):
        services.appeal_case(actor=world.member, case=case, grounds="Again")
    # The branch secretary does not sit on the district committee.
    with pytest.raises(PermissionDenied):
        services.decide_appeal(actor=world.secretary, case=case, upheld=False, reason="r")
    with pytest.raises(DomainError, match="written reason"):
        services.decide_appeal(actor=world.officer, case=case, upheld=False, reason="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(actor=world.officer, case=case, upheld=False, reason="No evidence")
    case.refresh_from_db()
    assert case.state == DisciplinaryCase.State.CLOSED
    assert case.appeal_outcome == "overturned"
    assert membership_of(world.member).status == Status.MEMBER
    assert last_entry("discipline.appeal_decide").data["outcome"] == "overturned"
    assert "final" in mail.outbox[0].body
    # Final: nothing more can be decided or appealed.
    with pytest.raises(DomainError):
        services.decide_appeal(actor=world.officer, case=case, upheld=True, reason="r")
    with pytest.raises(DomainError):
        services.appeal_case(actor=world.member, case=case, grounds="g")


def test_appeal_upheld_keeps_expulsion(world: World) -> None:
    case = open_case(world)
    services.decide_case(actor=world.secretary, case=case, outcome="expulsion", reason="r")
    services.appeal_case(actor=world.member, case=case, grounds="Unfair")
    services.decide_appeal(actor=world.officer, case=case, upheld=True, reason="Fair")
    assert membership_of(world.member).status == Status.EXPELLED
    assert DisciplinaryCase.objects.get(pk=case.pk).appeal_outcome == "upheld"


def test_no_action_cannot_be_appealed(world: World) -> None:
    case = open_case(world)
    services.decide_case(actor=world.secretary, case=case, outcome="no_action", reason="fine")
    with pytest.raises(DomainError, match="nothing to appeal"):
        services.appeal_case(actor=world.member, case=case, grounds="g")


def test_top_level_decision_has_no_appeal(world: World) -> None:
    case = open_case(world, body=world.national_committee)
    services.decide_case(actor=world.officer, case=case, outcome="warning", reason="r")
    with pytest.raises(DomainError, match="no body above"):
        services.appeal_case(actor=world.member, case=case, grounds="g")


def test_member_cannot_decide_own_case_even_on_the_body(world: World) -> None:
    seat = org.create_seat(
        actor=world.officer, body=world.branch_committee, role=Seat.Role.CHAIR, title="Chair"
    )
    org.appoint_to_seat(actor=world.officer, seat=seat, holder=world.member)
    case = open_case(world)
    with pytest.raises(PermissionDenied):
        services.decide_case(actor=fresh(world.member), case=case, outcome="no_action", reason="r")


# --- profile ----------------------------------------------------------------------------------


def test_update_profile_own_and_audit(world: World) -> None:
    accounts_services.update_profile(
        actor=world.member, user=world.member, changes={"phone": "0123", "full_name": "Mo M"}
    )
    user = User.objects.get(pk=world.member.pk)
    assert (user.phone, user.full_name) == ("0123", "Mo M")
    entry = last_entry("profile.update")
    assert entry.details == {
        "old": {"phone": "", "full_name": "Mo Member"},
        "new": {"phone": "0123", "full_name": "Mo M"},
    }
    assert entry.unit_id == world.branch_a.pk


def test_update_profile_rules(world: World) -> None:
    with pytest.raises(DomainError, match="cannot be changed"):
        accounts_services.update_profile(
            actor=world.member, user=world.member, changes={"email": "x@y.z"}
        )
    with pytest.raises(DomainError, match="cannot be changed"):
        accounts_services.update_profile(
            actor=world.member, user=world.member, changes={"is_superuser": True}
        )
    with pytest.raises(DomainError, match="empty"):
        accounts_services.update_profile(
            actor=world.member, user=world.member, changes={"full_name": " "}
        )
    with pytest.raises(PermissionDenied):
        accounts_services.update_profile(
            actor=world.other_secretary, user=world.member, changes={"phone": "1"}
        )
    accounts_services.update_profile(
        actor=world.secretary, user=world.member, changes={"phone": "1"}
    )
    assert User.objects.get(pk=world.member.pk).phone == "1"
    assert not User.objects.get(pk=world.member.pk).is_superuser


def test_profile_without_change_writes_no_audit(world: World) -> None:
    before = AuditEntry.objects.count()
    accounts_services.update_profile(
        actor=world.member, user=world.member, changes={"full_name": "Mo Member"}
    )
    assert AuditEntry.objects.count() == before


def test_make_member_fixture_dates(world: World) -> None:
    assert isinstance(membership_of(world.member).admitted_on, date)
    assert make_member("z@example.org", "Zed", world.branch_a).membership.status == "member"


def test_change_status_to_unknown_status_is_a_domain_error(world: World) -> None:
    with pytest.raises(DomainError, match="statuses"):
        services.change_status(
            actor=world.secretary,
            membership=membership_of(world.member),
            to_status="emperor",
            reason="r",
        )


def test_cases_for_scopes(world: World) -> None:
    from iskra.members.selectors import cases_for

    case = open_case(world)
    assert list(cases_for(fresh(world.member))) == [case]
    assert list(cases_for(fresh(world.secretary))) == [case]
    assert list(cases_for(fresh(world.officer))) == [case]
    assert list(cases_for(fresh(world.other_secretary))) == []
    # Administrators act everywhere, as for every other list.
    assert list(cases_for(world.admin)) == [case]
