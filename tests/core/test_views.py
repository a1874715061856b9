"""Every page: an allowed and a forbidden test sharing one setup, and a permission matrix."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.members import services as members
from iskra.members.models import Application, DisciplinaryCase, Membership, Status, Transfer
from iskra.organisation.models import Organisation, SeatHolding
from tests.conftest import World, make_member


@dataclass
class Scene:
    """The world plus one of each object a page shows: an application, a transfer, a case."""

    world: World
    application: Application
    transfer: Transfer
    case: DisciplinaryCase
    member_record: Membership
    b_member: Membership


@pytest.fixture
def scene(world: World) -> Scene:
    application = members.apply_to_join(
        email="applicant@example.org",
        full_name="Ann Applicant",
        password="a long enough password 42",
        unit=world.branch_a,
        agreed_to_aims=True,
    )
    b_user = make_member("bea@example.org", "Bea Bee", world.branch_b)
    transfer = members.request_transfer(actor=b_user, to_unit=world.branch_a, reason="moved")
    case = members.open_case(
        actor=world.secretary,
        membership=Membership.objects.get(user=world.member),
        complaint="Late again",
        deciding_body=world.branch_committee,
    )
    return Scene(
        world=world,
        application=application,
        transfer=transfer,
        case=case,
        member_record=Membership.objects.get(user=world.member),
        b_member=Membership.objects.get(user=b_user),
    )


def as_(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# --- allowed / forbidden pairs -------------------------------------------------------------


def test_home(scene: Scene) -> None:
    w = scene.world
    page = as_(w.secretary).get("/")
    assert page.status_code == 200
    assert "Applications to decide" in text(page)
    assert as_(None).get("/").status_code == 302
    # The ordinary member has nothing to decide.
    assert "Applications to decide" not in text(as_(w.member).get("/"))


def test_membership_page(scene: Scene) -> None:
    w = scene.world
    page = as_(w.member).get("/membership/")
    assert page.status_code == 200
    assert "Branch A" in text(page)
    assert as_(None).get("/membership/")["Location"].startswith("/accounts/login/")
    # An outsider has no membership: the page says so, it does not fail.
    assert as_(w.outsider).get("/membership/").status_code == 200


def test_unit_page(scene: Scene) -> None:
    w = scene.world
    page = as_(w.member).get(f"/units/{w.branch_a.pk}/")
    assert page.status_code == 200
    assert "Branch A Committee" in text(page)
    assert "Sam Secretary" in text(page)
    assert as_(w.outsider).get(f"/units/{w.branch_a.pk}/").status_code == 404
    assert as_(w.member).get("/units/").status_code == 200


def test_body_page(scene: Scene) -> None:
    w = scene.world
    page = as_(w.member).get(f"/bodies/{w.branch_committee.pk}/")
    assert page.status_code == 200
    assert "Branch A Secretary" in text(page)
    assert as_(w.outsider).get(f"/bodies/{w.branch_committee.pk}/").status_code == 404


def test_settings_page(scene: Scene) -> None:
    w = scene.world
    assert as_(w.officer).get("/settings/").status_code == 200
    assert as_(w.secretary).get("/settings/").status_code == 403
    assert as_(w.member).get("/settings/").status_code == 403
    data = {
        "name": "Renamed",
        "short_name": "",
        "statement_of_aims": "Aims",
        "probation_days": "30",
        "default_quorum_percent": "25",
        "default_turnout_threshold_percent": "0",
        "share_pronouns_with_members": "on",
    }
    assert as_(w.secretary).post("/settings/", data).status_code == 403
    assert Organisation.current().name == "Test Organisation"
    response = as_(w.officer).post("/settings/", data)
    assert response.status_code == 302
    assert Organisation.current().name == "Renamed"
    assert Organisation.current().probation_days == 30
    assert AuditEntry.objects.filter(action="organisation.settings", actor=w.officer).exists()


def test_unit_kind_add(scene: Scene) -> None:
    w = scene.world
    data = {"kind-name": "Cell", "kind-level": "3", "kind-holds_members": "on"}
    assert as_(w.secretary).post("/settings/unit-kinds/", data).status_code == 403
    assert as_(w.officer).post("/settings/unit-kinds/", data).status_code == 302
    from iskra.organisation.models import UnitKind

    assert UnitKind.objects.filter(name="Cell", holds_members=True).exists()


def test_directory_scope(scene: Scene) -> None:
    w = scene.world
    page = text(as_(w.secretary).get("/members/"))
    assert "Mo Member" in page
    assert "Bea Bee" not in page
    assert "Oscar Other" not in page
    national = text(as_(w.officer).get("/members/"))
    assert "Mo Member" in national and "Bea Bee" in national
    assert as_(w.member).get("/members/").status_code == 403
    assert as_(w.committee_member).get("/members/").status_code == 403


def test_directory_filters(scene: Scene) -> None:
    w = scene.world
    client = as_(w.officer)
    page = text(client.get("/members/", {"q": "bea"}))
    assert "Bea Bee" in page and "Mo Member" not in page
    page = text(client.get("/members/", {"status": "applicant"}))
    assert "Ann Applicant" in page and "Mo Member" not in page
    page = text(client.get("/members/", {"unit": w.branch_b.pk}))
    assert "Bea Bee" in page and "Mo Member" not in page
    page = text(client.get("/members/", {"seat": "secretary"}))
    assert "Sam Secretary" in page and "Mo Member" not in page
    rows = client.get("/members/", {"q": "mo"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(rows)
    assert "Mo Member" in text(rows)


def test_directory_csv_export(scene: Scene) -> None:
    w = scene.world
    response = as_(w.secretary).get("/members/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["number", "name", "email"]
    emails = sorted(row[2] for row in rows[1:])
    expected = sorted(
        Membership.objects.filter(unit=w.branch_a).values_list("user__email", flat=True)
    )
    assert emails == expected
    assert "bea@example.org" not in emails
    entry = AuditEntry.objects.filter(action="directory.export").get()
    assert entry.actor_id == w.secretary.pk
    assert as_(w.member).get("/members/", {"format": "csv"}).status_code == 403
    assert AuditEntry.objects.filter(action="directory.export").count() == 1


def test_member_record(scene: Scene) -> None:
    w = scene.world
    url = f"/members/{scene.member_record.pk}/"
    page = as_(w.secretary).get(url)
    assert page.status_code == 200
    assert "member@example.org" in text(page)
    assert as_(w.officer).get(url).status_code == 200
    assert as_(w.member).get(url).status_code == 200
    assert as_(w.other_secretary).get(url).status_code == 404
    assert as_(w.committee_member).get(url).status_code == 404
    assert as_(w.member).get(f"/members/{scene.b_member.pk}/").status_code == 404


def test_member_status_change(scene: Scene) -> None:
    w = scene.world
    url = f"/members/{scene.member_record.pk}/status/"
    data = {"to_status": "lapsed", "reason": "no dues"}
    assert as_(w.other_secretary).post(url, data).status_code == 404
    assert Membership.objects.get(pk=scene.member_record.pk).status == Status.MEMBER
    assert as_(w.secretary).post(url, data).status_code == 302
    assert Membership.objects.get(pk=scene.member_record.pk).status == Status.LAPSED


def test_applications_list_and_decision(scene: Scene) -> None:
    w = scene.world
    page = as_(w.secretary).get("/applications/")
    assert page.status_code == 200
    assert "Ann Applicant" in text(page)
    assert "Ann Applicant" not in text(as_(w.other_secretary).get("/applications/"))
    url = f"/applications/{scene.application.pk}/"
    assert as_(w.secretary).get(url).status_code == 200
    assert as_(w.other_secretary).get(url).status_code == 404
    assert as_(w.member).get(url).status_code == 404
    assert as_(w.other_secretary).post(url, {"decision": "admit"}).status_code == 404
    response = as_(w.secretary).post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 200
    assert "reason" in text(response)
    assert as_(w.secretary).post(url, {"decision": "admit"}).status_code == 302
    assert Membership.objects.get(pk=scene.application.membership_id).status == Status.CANDIDATE


def test_transfers(scene: Scene) -> None:
    w = scene.world
    page = as_(w.secretary).get("/transfers/")
    assert page.status_code == 200
    assert "Bea Bee" in text(page)
    assert "Bea Bee" not in text(as_(w.other_secretary).get("/transfers/"))
    url = f"/transfers/{scene.transfer.pk}/"
    assert as_(w.other_secretary).get(url).status_code == 404
    assert as_(w.member).post(url, {"accept": "yes"}).status_code == 404
    assert as_(w.secretary).post(url, {"accept": "yes"}).status_code == 302
    assert Membership.objects.get(pk=scene.b_member.pk).unit_id == w.branch_a.pk


def test_transfer_request_and_cancel_pages(scene: Scene) -> None:
    w = scene.world
    client = as_(w.member)
    assert client.post("/membership/transfer/", {"to_unit": w.branch_b.pk}).status_code == 302
    transfer = Transfer.objects.get(membership__user=w.member)
    assert as_(w.secretary).post(f"/membership/transfer/{transfer.pk}/cancel/").status_code == 404
    assert client.post(f"/membership/transfer/{transfer.pk}/cancel/").status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.CANCELLED


def test_cases(scene: Scene) -> None:
    w = scene.world
    assert "Mo Member" in text(as_(w.secretary).get("/cases/"))
    assert "Mo Member" in text(as_(w.member).get("/cases/"))
    assert "Mo Member" not in text(as_(w.other_secretary).get("/cases/"))
    url = f"/cases/{scene.case.pk}/"
    assert as_(w.member).get(url).status_code == 200
    assert as_(w.secretary).get(url).status_code == 200
    assert as_(w.other_secretary).get(url).status_code == 404
    assert as_(w.committee_member).get(url).status_code == 404


def test_case_flow_through_pages(scene: Scene) -> None:
    w = scene.world
    url = f"/cases/{scene.case.pk}/"
    until = (timezone.localdate() + timedelta(days=10)).isoformat()
    # The member cannot decide their own case.
    as_(w.member).post(url, {"outcome": "warning", "reason": "x"})
    assert DisciplinaryCase.objects.get(pk=scene.case.pk).state == "open"
    response = as_(w.secretary).post(
        url, {"outcome": "suspension", "suspended_until": until, "reason": "Repeated"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=w.member).status == Status.SUSPENDED
    assert as_(w.member).post(url, {"grounds": "Unfair"}).status_code == 302
    assert DisciplinaryCase.objects.get(pk=scene.case.pk).state == "appealed"
    as_(w.officer).post(url, {"upheld": "no", "reason": "Too harsh"})
    assert Membership.objects.get(user=w.member).status == Status.MEMBER


def test_case_open_page(scene: Scene) -> None:
    w = scene.world
    url = f"/members/{scene.member_record.pk}/complaint/"
    data = {"complaint": "Rude", "deciding_body": w.branch_committee.pk}
    assert as_(w.other_secretary).post(url, data).status_code == 404
    assert DisciplinaryCase.objects.count() == 1
    assert as_(w.secretary).post(url, data).status_code == 302
    assert DisciplinaryCase.objects.count() == 2


def test_audit_log(scene: Scene) -> None:
    w = scene.world
    page = as_(w.secretary).get("/audit/")
    assert page.status_code == 200
    assert "application.submit" in text(page)
    assert as_(w.member).get("/audit/").status_code == 403
    # The branch secretary does not see entries about Branch B; Branch B's secretary does.
    from iskra.audit.services import record

    record(actor=w.admin, action="test.about_branch_b", unit=w.branch_b)
    assert "test.about_branch_b" not in text(as_(w.secretary).get("/audit/"))
    assert "test.about_branch_b" in text(as_(w.other_secretary).get("/audit/"))
    filtered = text(as_(w.other_secretary).get("/audit/", {"action": "application"}))
    assert "application.submit" not in filtered


def test_join_page(world: World) -> None:
    client = Client()
    page = client.get("/join/")
    assert page.status_code == 200
    assert "Unity in action." in text(page)
    data = {
        "full_name": "Jo Joiner",
        "email": "jo@example.org",
        "password": "a long enough password 42",
        "unit": world.branch_a.pk,
        "agree": "on",
    }
    response = client.post("/join/", {**data, "agree": ""})
    assert response.status_code == 200
    assert not User.objects.filter(email="jo@example.org").exists()
    response = client.post("/join/", data)
    assert response.status_code == 302
    application = Application.objects.get(membership__user__email="jo@example.org")
    assert application.unit_id == world.branch_a.pk
    # The applicant is signed in and sees their membership.
    assert client.get("/membership/").status_code == 200
    # Joining twice with the same address is a form error, not a crash.
    again = Client().post("/join/", data)
    assert again.status_code == 200
    assert "already exists" in text(again)


def test_branch_members_page_shares_only_policy_fields(scene: Scene) -> None:
    w = scene.world
    url = f"/units/{w.branch_a.pk}/members/"
    page = text(as_(w.member).get(url))
    assert "Sam Secretary" in page
    assert "secretary@example.org" not in page
    # Applicants are not listed.
    assert "Ann Applicant" not in page
    Organisation.objects.update(share_email_with_members=True)
    assert "secretary@example.org" in text(as_(w.member).get(url))
    assert as_(w.outsider).get(url).status_code == 404
    assert as_(w.member).get(f"/units/{w.district.pk}/members/").status_code == 404


def test_structure_pages(scene: Scene) -> None:
    w = scene.world
    a = w.branch_a.pk
    assert as_(w.secretary).get(f"/units/{a}/add/").status_code == 200
    assert as_(w.other_secretary).get(f"/units/{a}/add/").status_code == 403
    kind = w.branch_a.kind_id
    assert (
        as_(w.other_secretary).post(f"/units/{a}/add/", {"name": "X", "kind": kind}).status_code
        == 403
    )
    assert as_(w.secretary).post(f"/units/{a}/add/", {"name": "X", "kind": kind}).status_code == 302
    assert (
        as_(w.secretary)
        .post(f"/units/{a}/bodies/add/", {"name": "GM", "kind": "general_meeting"})
        .status_code
        == 302
    )
    assert (
        as_(w.other_secretary)
        .post(f"/units/{a}/bodies/add/", {"name": "GM", "kind": "general_meeting"})
        .status_code
        == 403
    )
    body = w.branch_committee.pk
    seat = {"title": "Chair", "role": "chair"}
    assert as_(w.other_secretary).post(f"/bodies/{body}/seats/add/", seat).status_code == 403
    assert as_(w.secretary).post(f"/bodies/{body}/seats/add/", seat).status_code == 302
    holding = SeatHolding.objects.get(seat=w.branch_secretary_seat)
    assert (
        as_(w.other_secretary).post(f"/terms/{holding.pk}/end/", {"reason": "x"}).status_code == 403
    )
    assert (
        as_(w.officer).post(f"/terms/{holding.pk}/end/", {"reason": "resigned"}).status_code == 302
    )
    assert SeatHolding.objects.get(pk=holding.pk).ended_on is not None
    seat_id = w.branch_secretary_seat.pk
    data = {"holder_email": "member@example.org"}
    assert as_(w.other_secretary).post(f"/seats/{seat_id}/appoint/", data).status_code == 403
    assert as_(w.officer).post(f"/seats/{seat_id}/appoint/", data).status_code == 302
    move = {"new_parent": w.national.pk}
    assert as_(w.secretary).post(f"/units/{a}/move/", move).status_code == 403
    assert as_(w.officer).post(f"/units/{a}/move/", move).status_code == 302


def test_admin_only_for_superusers(scene: Scene) -> None:
    w = scene.world
    assert as_(w.admin).get("/admin/").status_code == 200
    assert as_(w.officer).get("/admin/").status_code == 302


# --- the permission matrix -----------------------------------------------------------------

PERSONAS = (
    "anon",
    "outsider",
    "member",
    "committee_member",
    "secretary",
    "other_secretary",
    "officer",
)

# (url template, expected status per persona in PERSONAS order). 302 for anon: to sign-in.
MATRIX: list[tuple[str, tuple[int, ...]]] = [
    ("/", (302, 200, 200, 200, 200, 200, 200)),
    ("/membership/", (302, 200, 200, 200, 200, 200, 200)),
    ("/join/", (200, 200, 200, 200, 200, 200, 200)),
    ("/units/{branch_a}/", (302, 404, 200, 200, 200, 200, 200)),
    ("/units/{branch_a}/members/", (302, 404, 200, 404, 200, 404, 200)),
    ("/bodies/{branch_body}/", (302, 404, 200, 200, 200, 200, 200)),
    ("/units/{branch_a}/add/", (302, 404, 403, 403, 200, 403, 200)),
    ("/units/{branch_a}/move/", (302, 404, 403, 403, 200, 403, 200)),
    ("/settings/", (302, 403, 403, 403, 403, 403, 200)),
    ("/members/", (302, 403, 403, 403, 200, 200, 200)),
    ("/members/{record}/", (302, 404, 200, 404, 200, 404, 200)),
    ("/applications/", (302, 200, 200, 200, 200, 200, 200)),
    ("/applications/{application}/", (302, 404, 404, 404, 200, 404, 200)),
    ("/transfers/{transfer}/", (302, 404, 404, 404, 200, 404, 200)),
    ("/cases/{case}/", (302, 404, 200, 404, 200, 404, 200)),
    ("/audit/", (302, 403, 403, 403, 200, 200, 200)),
    ("/accounts/profile/", (302, 200, 200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(scene: Scene, url: str, expected: tuple[int, ...]) -> None:
    w = scene.world
    resolved = url.format(
        branch_a=w.branch_a.pk,
        branch_body=w.branch_committee.pk,
        record=scene.member_record.pk,
        application=scene.application.pk,
        transfer=scene.transfer.pk,
        case=scene.case.pk,
    )
    actual = tuple(
        as_(None if p == "anon" else getattr(w, p)).get(resolved).status_code for p in PERSONAS
    )
    assert dict(zip(PERSONAS, actual, strict=True)) == dict(zip(PERSONAS, expected, strict=True))
