"""Shared fixtures: a small organisation and the named personas who act in it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from iskra.accounts.models import User
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.organisation import services as org
from iskra.organisation.models import Body, Organisation, Seat, Unit, UnitKind


@dataclass
class World:
    """A national organisation with one district and two branches.

    Personas:
    - ``member``: an ordinary member of Branch A. Sees the structure and their own record only.
    - ``secretary``: secretary of Branch A; an officer of Branch A (and nothing above it).
    - ``other_secretary``: secretary of Branch B; no rights over Branch A.
    - ``officer``: national secretary; an officer of every unit.
    - ``committee_member``: sits on the national committee without officer rights.
    - ``outsider``: has an account but no membership; sees nothing inside.
    - ``admin``: superuser.
    """

    admin: User
    national: Unit
    district: Unit
    branch_a: Unit
    branch_b: Unit
    national_committee: Body
    branch_committee: Body
    district_committee: Body
    member: User
    secretary: User
    other_secretary: User
    officer: User
    committee_member: User
    outsider: User
    branch_secretary_seat: Seat


def make_member(email: str, name: str, unit: Unit, status: str = Status.MEMBER) -> User:
    user = User.objects.create_user(email=email, password="correct horse battery", full_name=name)
    at = timezone.now() - timedelta(days=365)
    membership = Membership.objects.create(
        user=user, unit=unit, status=status, status_changed_at=at, admitted_on=at.date()
    )
    membership.number = f"M{membership.pk:07d}"
    membership.save(update_fields=["number"])
    MembershipEvent.objects.create(
        membership=membership, from_status=Status.APPLICANT, to_status=status, at=at, reason="test"
    )
    return user


def build_world() -> World:
    admin = User.objects.create_superuser(
        email="admin@example.org", password="correct horse battery", full_name="Ada Admin"
    )
    Organisation.objects.create(
        name="Test Organisation",
        statement_of_aims="Unity in action.",
        probation_days=90,
        require_2fa_for_officers=False,
    )
    national_kind = UnitKind.objects.create(name="National", level=0)
    district_kind = UnitKind.objects.create(name="District", level=1)
    branch_kind = UnitKind.objects.create(name="Branch", level=2, holds_members=True)
    national = org.create_unit(actor=admin, name="National", kind=national_kind, parent=None)
    district = org.create_unit(
        actor=admin, name="North District", kind=district_kind, parent=national
    )
    branch_a = org.create_unit(actor=admin, name="Branch A", kind=branch_kind, parent=district)
    branch_b = org.create_unit(actor=admin, name="Branch B", kind=branch_kind, parent=district)
    nc = org.create_body(
        actor=admin, unit=national, kind=Body.Kind.COMMITTEE, name="National Committee"
    )
    dc = org.create_body(
        actor=admin, unit=district, kind=Body.Kind.COMMITTEE, name="District Committee"
    )
    bc = org.create_body(
        actor=admin, unit=branch_a, kind=Body.Kind.COMMITTEE, name="Branch A Committee"
    )
    bbc = org.create_body(
        actor=admin, unit=branch_b, kind=Body.Kind.COMMITTEE, name="Branch B Committee"
    )
    # The test world's standing orders ask no notice (the default is a week), so that tests
    # call meetings for the next hour; tests of the notice rule set it themselves.
    Body.objects.update(min_notice_days=0)
    for body in (nc, dc, bc, bbc):
        body.min_notice_days = 0
    nat_sec = org.create_seat(
        actor=admin,
        body=nc,
        role=Seat.Role.SECRETARY,
        title="National Secretary",
        grants_officer_rights=True,
    )
    nat_cm = org.create_seat(
        actor=admin, body=nc, role=Seat.Role.COMMITTEE_MEMBER, title="Committee member"
    )
    a_sec = org.create_seat(
        actor=admin,
        body=bc,
        role=Seat.Role.SECRETARY,
        title="Branch A Secretary",
        grants_officer_rights=True,
    )
    b_sec = org.create_seat(
        actor=admin,
        body=bbc,
        role=Seat.Role.SECRETARY,
        title="Branch B Secretary",
        grants_officer_rights=True,
    )
    member = make_member("member@example.org", "Mo Member", branch_a)
    secretary = make_member("secretary@example.org", "Sam Secretary", branch_a)
    other_secretary = make_member("other@example.org", "Oscar Other", branch_b)
    officer = make_member("officer@example.org", "Olu Officer", branch_b)
    committee_member = make_member("cm@example.org", "Cat Committee", branch_b)
    outsider = User.objects.create_user(
        email="outsider@example.org", password="correct horse battery", full_name="Out Sider"
    )
    start = timezone.localdate() - timedelta(days=30)
    org.appoint_to_seat(actor=admin, seat=a_sec, holder=secretary, started_on=start)
    org.appoint_to_seat(actor=admin, seat=b_sec, holder=other_secretary, started_on=start)
    org.appoint_to_seat(actor=admin, seat=nat_sec, holder=officer, started_on=start)
    org.appoint_to_seat(actor=admin, seat=nat_cm, holder=committee_member, started_on=start)
    return World(
        admin=admin,
        national=national,
        district=district,
        branch_a=branch_a,
        branch_b=branch_b,
        national_committee=nc,
        branch_committee=bc,
        district_committee=dc,
        member=User.objects.get(pk=member.pk),
        secretary=User.objects.get(pk=secretary.pk),
        other_secretary=User.objects.get(pk=other_secretary.pk),
        officer=User.objects.get(pk=officer.pk),
        committee_member=User.objects.get(pk=committee_member.pk),
        outsider=outsider,
        branch_secretary_seat=a_sec,
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache (the page header caches the organisation's name)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def fresh(user: User) -> User:
    """The same person with no cached rights, as on a new request."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("ISKRA_REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium is required (ISKRA_REQUIRE_BROWSER=1) but not installed: apt-get install chromium"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    return path
