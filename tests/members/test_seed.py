"""``iskra seed``: a synthetic organisation of the requested size, consistent and seeded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.members.permissions import can_view_directory
from iskra.organisation.models import Body, Organisation, SeatHolding, Unit
from iskra.organisation.permissions import is_national_officer, is_officer_of


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_builds_the_requested_organisation() -> None:
    out = seed("--members", "200", "--branches", "10")
    assert "Seeded 200 members in 10 branches (3 districts)." in out
    assert "Elapsed:" in out
    assert Organisation.objects.count() == 1
    branches = Unit.objects.filter(kind__holds_members=True)
    assert branches.count() == 10
    assert Unit.objects.count() == 1 + 3 + 10
    assert len(set(branches.values_list("name", flat=True))) == 10
    assert Membership.objects.count() == 200
    assert User.objects.count() == 200
    assert MembershipEvent.objects.count() >= 200
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert Status.MEMBER in statuses
    # Every branch has members, a committee and a general meeting.
    for branch in branches:
        assert branch.memberships.exists()
        assert set(branch.bodies.values_list("kind", flat=True)) == {
            Body.Kind.COMMITTEE,
            Body.Kind.GENERAL_MEETING,
        }
    assert AuditEntry.objects.filter(action="organisation.seed").count() == 1
    call_command("audit", "verify", stdout=StringIO())


@pytest.mark.django_db
def test_paths_are_consistent() -> None:
    seed("--members", "60", "--branches", "12")
    for unit in Unit.objects.select_related("parent"):
        parent_path = unit.parent.path if unit.parent else "/"
        assert unit.path == f"{parent_path}{unit.pk}/"
        assert unit.depth == unit.path.count("/") - 2
    assert Unit.objects.filter(depth=0).count() == 1


@pytest.mark.django_db
def test_each_branch_has_a_secretary_with_officer_rights() -> None:
    seed("--members", "50", "--branches", "10")
    for branch in Unit.objects.filter(kind__holds_members=True):
        holding = SeatHolding.objects.current().get(
            seat__body__unit=branch, seat__grants_officer_rights=True
        )
        secretary = User.objects.get(pk=holding.holder_id)
        assert secretary.membership.unit == branch
        assert secretary.membership.status == Status.MEMBER
        assert is_officer_of(secretary, branch)
        assert can_view_directory(secretary)
        assert not is_national_officer(secretary)
    national = SeatHolding.objects.current().get(seat__title="National Secretary")
    officer = User.objects.get(pk=national.holder_id)
    assert is_national_officer(officer)
    assert officer.check_password("seed")


@pytest.mark.django_db
def test_seeding_twice_is_refused() -> None:
    seed("--members", "20", "--branches", "2")
    with pytest.raises(CommandError, match="already holds an organisation"):
        seed("--members", "20", "--branches", "2")
    assert Membership.objects.count() == 20


@pytest.mark.django_db
def test_sizes_are_checked() -> None:
    with pytest.raises(CommandError, match="at least --branches"):
        seed("--members", "5", "--branches", "10")
    with pytest.raises(CommandError, match="at least 1"):
        seed("--members", "5", "--branches", "0")
    assert not Organisation.objects.exists()
