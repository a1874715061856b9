"""The Django admin (issue 9, point 14): domain data read-only; edits of people that matter
for access are audited with the administrator as the actor."""

from __future__ import annotations

from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from iskra.accounts import services
from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.members.models import Membership
from iskra.organisation.models import Organisation, Unit
from tests.conftest import World

PASSWORD = "correct horse battery"


def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_domain_data_is_read_only_in_admin(world: World) -> None:
    client = admin_client(world)
    membership = Membership.objects.get(user=world.member)
    assert client.get("/admin/members/membership/").status_code == 200
    page = client.get(f"/admin/members/membership/{membership.pk}/change/")
    assert page.status_code == 200  # viewable...
    assert 'name="_save"' not in page.content.decode()  # ...but not editable
    assert client.get("/admin/members/membership/add/").status_code == 403
    response = client.post(
        f"/admin/members/membership/{membership.pk}/change/", {"status": "expelled"}
    )
    assert response.status_code == 403
    assert client.post(f"/admin/members/membership/{membership.pk}/delete/").status_code == 403
    unit = world.branch_a
    response = client.post(f"/admin/organisation/unit/{unit.pk}/change/", {"name": "Hacked"})
    assert response.status_code == 403
    assert Unit.objects.get(pk=unit.pk).name == "Branch A"
    organisation = Organisation.objects.get()
    response = client.post(
        f"/admin/organisation/organisation/{organisation.pk}/change/",
        {"name": "X", "require_2fa_for_officers": ""},
    )
    assert response.status_code == 403
    assert not admin.site.is_registered(TOTPDevice)


def _user_form(user: User, **changes: str) -> dict[str, str]:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "_save": "Save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_user_edits_of_access_are_audited(world: World) -> None:
    client = admin_client(world)
    url = f"/admin/accounts/user/{world.member.pk}/change/"
    # A change of name alone is not an access change.
    response = client.post(url, _user_form(world.member, full_name="Mo Renamed"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not AuditEntry.objects.filter(action="admin.user_change").exists()
    response = client.post(
        url,
        _user_form(
            world.member,
            full_name="Mo Renamed",
            email="mo@example.org",
            is_staff="on",
            is_superuser="on",
        ),
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.user_change")
    assert entry.actor == world.admin
    assert entry.object_id == str(world.member.pk)
    assert entry.data["is_superuser"] == {"from": False, "to": True}
    assert entry.data["is_staff"] == {"from": False, "to": True}
    # The addresses are the person's: kept apart from the chain, erasable on request.
    assert "email" not in entry.data
    assert entry.personal.get(name="email").value == {
        "from": "member@example.org",
        "to": "mo@example.org",
    }
    assert User.objects.get(pk=world.member.pk).is_superuser


def test_admin_password_change_is_audited_and_kills_tokens(world: World) -> None:
    _, raw = services.create_token(user=world.member, name="t", confirmation=PASSWORD)
    client = admin_client(world)
    new = "an admin chosen password 5"
    response = client.post(
        f"/admin/accounts/user/{world.member.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.member.pk).check_password(new)
    entry = AuditEntry.objects.get(action="admin.password_change")
    assert entry.actor == world.admin
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_admin_user_create_is_audited_and_people_are_not_deleted(world: World) -> None:
    client = admin_client(world)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.org",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a long new password 77",
            "password2": "a long new password 77",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(email="new@example.org")
    assert AuditEntry.objects.filter(
        action="admin.user_create", actor=world.admin, object_id=str(created.pk)
    ).exists()
    assert client.post(f"/admin/accounts/user/{created.pk}/delete/").status_code == 403
    assert User.objects.filter(pk=created.pk).exists()
