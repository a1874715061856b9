"""Issue 9 point 15: a member downloads everything held about them; an officer erases a former
member's personal data on request, leaving the records the organisation keeps (and the audit
chain, which still verifies) with the person replaced by a pseudonym."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from iskra.accounts.models import PersonalAccessToken, User
from iskra.accounts.services import issue_token, update_profile
from iskra.audit.models import AuditEntry, AuditPersonalValue
from iskra.audit.services import ERASE_ACTION, record, verify_chain
from iskra.core.errors import DomainError, PermissionDenied
from iskra.members import services as members
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.motions import services as motions
from iskra.motions.models import MotionStatus, Position, Post
from iskra.privacy.services import REMOVED, erase_former_member
from tests.api.test_api import Api
from tests.conftest import World, fresh
from tests.motions.helpers import motion_at

NAME = "Mo Member"
EMAIL = "member@example.org"


def _history(world: World) -> tuple[Post, Position]:
    """The member changes their phone, posts in a discussion, gets a token; their branch records
    a position counting their vote; the secretary records their resignation."""
    update_profile(actor=fresh(world.member), user=world.member, changes={"phone": "07700 900123"})
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    post = motions.post_to_discussion(actor=fresh(world.member), motion=motion, text="I agree.")
    position = motions.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance=Position.Stance.SUPPORT,
        votes_for=2,
    )
    issue_token(user=world.member, name="laptop")
    return post, position


def _resign(world: World) -> None:
    members.change_status(
        actor=fresh(world.secretary),
        membership=Membership.objects.get(user=world.member),
        to_status=Status.RESIGNED,
        reason="Moving abroad to Lisbon",
    )


# --- Export -------------------------------------------------------------------------------------


def test_the_download_holds_everything_about_the_member_and_nothing_secret(world: World) -> None:
    _history(world)
    client = Client()
    client.force_login(world.member)
    response = client.get("/my-data.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["full_name"] == NAME
    assert data["account"]["phone"] == "07700 900123"
    assert "password" not in data["account"]
    assert data["membership"]["number"] == Membership.objects.get(user=world.member).number
    records = data["records"]
    assert [p["text"] for p in records["motions.post (author)"]] == ["I agree."]
    assert [t["name"] for t in records["accounts.personalaccesstoken (user)"]] == ["laptop"]
    assert not any("hash" in key for key in records["accounts.personalaccesstoken (user)"][0])
    assert records["members.membershipevent (membership)"]  # their membership's history
    profile = next(e for e in data["audit_log"] if e["action"] == "profile.update")
    assert profile["by_you"] is True
    assert profile["personal_values_about_you"]["new"] == {"phone": "07700 900123"}
    # Another person's personal values are theirs, not the member's: the secretary who
    # recorded the branch's position is named only by id.
    text = response.content.decode()
    assert "secretary@example.org" not in text
    assert {"id": Position.objects.get().pk, "you_are": "recorded_by"} not in records.get(
        "motions.position (recorded_by)", []
    )


def test_the_readable_page_and_the_api(world: World) -> None:
    _history(world)
    client = Client()
    client.force_login(world.member)
    page = client.get("/my-data/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Everything Iskra holds about you" in html
    assert EMAIL in html and "I agree." in html and 'href="/my-data.json"' in html
    assert 'href="/my-data/"' in client.get("/membership/").content.decode()
    assert 'href="/my-data/"' in client.get("/accounts/profile/").content.decode()
    api = Api(world.member)
    response = api.get("/me/export")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json()["account"]["email"] == EMAIL
    assert Client().get("/api/v1/me/export").status_code == 401
    assert Client().get("/my-data.json").status_code == 302  # to the sign-in page


def test_an_officers_export_does_not_hold_the_members_they_dealt_with(world: World) -> None:
    _history(world)
    _resign(world)
    data = Api(world.secretary).get("/me/export").json()
    text = json.dumps(data)
    assert "Moving abroad" not in text  # the reason is about the member
    assert "07700 900123" not in text
    status = next(e for e in data["audit_log"] if e["action"] == "membership.status")
    assert status["by_you"] is True
    assert status["personal_values_about_you"] == {"actor_label": "secretary@example.org"}


# --- Erasure ------------------------------------------------------------------------------------


def _everything_stored() -> str:
    values = AuditPersonalValue.objects.values_list("value", flat=True)
    entries = AuditEntry.objects.values_list("data", "actor_label")
    return json.dumps([list(values), list(entries)])


def test_erasure_leaves_a_pseudonym_the_counts_and_a_chain_that_verifies(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    post, position = _history(world)
    _resign(world)
    before = _everything_stored()
    assert EMAIL in before and "07700 900123" in before and "Moving abroad" in before
    client = Client()
    client.force_login(world.secretary)
    membership = Membership.objects.get(user=world.member)
    record_page = client.get(f"/members/{membership.pk}/").content.decode()
    assert f'href="/members/{membership.pk}/erase/"' in record_page
    form = client.get(f"/members/{membership.pk}/erase/")
    assert form.status_code == 200
    refused = client.post(f"/members/{membership.pk}/erase/", {"request": "email of 2 Dec"})
    assert refused.status_code == 200  # the confirmation box is required; nothing done
    assert User.objects.get(pk=world.member.pk).email == EMAIL
    done = client.post(
        f"/members/{membership.pk}/erase/", {"request": "email of 2 Dec", "confirm": "on"}
    )
    assert done.status_code == 302
    user = User.objects.get(pk=world.member.pk)
    assert user.full_name.startswith("Former member ")
    assert user.email.endswith("@erased.invalid")
    assert (user.phone, user.is_active, user.has_usable_password()) == ("", False, False)
    assert not PersonalAccessToken.objects.filter(user=user).exists()
    assert Post.objects.get(pk=post.pk).text == REMOVED
    assert not MembershipEvent.objects.filter(membership=membership).exclude(reason="").exists()
    # Nothing personal about them is left in the audit log; the chain verifies.
    stored = _everything_stored()
    for personal in (NAME, EMAIL, "07700 900123", "Moving abroad"):
        assert personal not in stored, personal
    assert verify_chain()[1] is None
    call_command("audit", "verify")
    assert "audit log intact" in capsys.readouterr().out
    erasure = AuditEntry.objects.get(action=ERASE_ACTION)
    assert erasure.data["pseudonym"] == user.full_name
    assert (
        erasure.data["personal_values"]
        == AuditPersonalValue.objects.filter(erased_by_seq=erasure.seq).count()
        >= 4
    )
    # What the organisation keeps is kept: the membership, its history, the branch's count.
    membership.refresh_from_db()
    assert membership.status == Status.RESIGNED and membership.events.count() >= 2
    assert Position.objects.get(pk=position.pk).votes_for == 2
    # The audit log shows the erased values as erased.
    client.force_login(world.officer)
    log = client.get("/audit/").content.decode()
    assert "[erased]" in log and EMAIL not in log


def test_who_may_erase_and_when(world: World) -> None:
    with pytest.raises(DomainError, match="Only a former member's data can be erased"):
        erase_former_member(actor=fresh(world.secretary), user=world.member, reason="request")
    _resign(world)
    for outsider in (world.member, world.other_secretary, world.committee_member):
        with pytest.raises(PermissionDenied):
            erase_former_member(actor=fresh(outsider), user=world.member, reason="request")
    with pytest.raises(DomainError, match="Say which request"):
        erase_former_member(actor=fresh(world.secretary), user=world.member, reason=" ")
    assert not AuditEntry.objects.filter(action=ERASE_ACTION).exists()
    erase_former_member(actor=fresh(world.secretary), user=world.member, reason="request")
    with pytest.raises(DomainError, match="already been erased"):
        erase_former_member(actor=fresh(world.officer), user=world.member, reason="again")


def test_erasure_through_the_api(world: World) -> None:
    _resign(world)
    membership = Membership.objects.get(user=world.member)
    url = f"/members/{membership.pk}/erase"
    assert Api(world.other_secretary).post(url, {"request": "x"}).status_code == 404
    assert Api(world.committee_member).post(url, {"request": "x"}).status_code in (403, 404)
    api = Api(world.secretary)
    response = api.post(url, {"request": "email of 2 Dec"})
    assert response.status_code == 200, response.content
    assert response.json()["pseudonym"].startswith("Former member ")
    again = api.post(url, {"request": "email of 2 Dec"})
    assert again.status_code == 400
    assert "already been erased" in again.json()["detail"]
    assert verify_chain()[1] is None


# --- The chain still catches tampering with personal values --------------------------------------


def test_a_changed_personal_value_is_detected(world: World) -> None:
    _history(world)
    entry = AuditEntry.objects.filter(action="profile.update").get()
    AuditPersonalValue.objects.filter(entry=entry, name="new").update(value={"phone": "999"})
    _, problem = verify_chain()
    assert problem is not None
    assert problem.message == (
        f"entry #{entry.seq} has a personal value (new) that was changed after it was written"
    )


def test_a_value_blanked_without_an_erasure_is_detected(world: World) -> None:
    """Someone with database access blanks a person's values and points them at a real erasure
    of someone else: the erasure's count no longer matches."""
    _history(world)
    _resign(world)
    erase_former_member(actor=fresh(world.secretary), user=world.member, reason="request")
    erasure = AuditEntry.objects.get(action=ERASE_ACTION)
    assert verify_chain()[1] is None
    victim = AuditPersonalValue.objects.filter(subject=world.secretary).order_by("pk").first()
    assert victim is not None
    AuditPersonalValue.objects.filter(pk=victim.pk).update(
        value=None, salt="", erased_by_seq=erasure.seq
    )
    _, problem = verify_chain()
    assert problem is not None
    assert "blanked without an erasure on record" in problem.message


def test_personal_values_must_not_repeat_the_details(world: World) -> None:
    with pytest.raises(ValueError, match="both personal and not"):
        record(actor=None, action="test.x", data={"reason": "a"}, personal={"reason": "b"})


def test_a_declined_applicants_name_and_email_leave_the_audit_log(world: World) -> None:
    application = members.apply_to_join(
        email="ana.applicant@example.org",
        full_name="Ana Applicant",
        password="a long enough passphrase 42",
        unit=world.branch_a,
        agreed_to_aims=True,
        message="I work at the depot",
    )
    members.decide_application(
        actor=fresh(world.secretary), application=application, admit=False, reason="Not local"
    )
    stored = _everything_stored()
    assert "Ana Applicant" in stored and "ana.applicant@example.org" in stored
    applicant = User.objects.get(email="ana.applicant@example.org")
    erase_former_member(actor=fresh(world.secretary), user=applicant, reason="email of 2 Dec")
    stored = _everything_stored()
    for personal in ("Ana Applicant", "ana.applicant@example.org", "Not local"):
        assert personal not in stored, personal
    application.refresh_from_db()
    assert (application.message, application.reason) == ("", "")
    assert verify_chain()[1] is None
