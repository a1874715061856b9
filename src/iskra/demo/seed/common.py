"""What the demo's seeding shares: its logins and password, names, and helpers that make people and members."""

from __future__ import annotations

import functools
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from iskra.accounts.models import User
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.organisation.models import Unit

DEMO_PASSWORD = "demo"  # noqa: S105 - the demo's published password.
DEMO_LOGINS = [
    ("member@example.org", "an ordinary member of Riverside branch"),
    ("secretary@example.org", "secretary of Riverside branch"),
    ("officer@example.org", "national secretary (national officer)"),
    ("admin@example.org", "administrator (superuser)"),
    ("editor@example.org", "editor of The Spark, the organisation's paper"),
    (
        "scrutineer@example.org",
        "independent scrutineer of the Riverside ballots; trustee 1 and credential authority of the sealed ballot",
    ),
    ("trustee2@example.org", "trustee 2 of the sealed ballot"),
    ("trustee3@example.org", "trustee 3 of the sealed ballot"),
]

AIMS = """We organise workers and tenants to win better conditions and a say over our lives.

- **Freedom of discussion**: every member may argue their view inside the organisation.
- **Unity in action**: once we decide by majority, we act together.
- **Accountability**: every officer and delegate can be recalled by those who elected them.
"""

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Erin",
    "Farid",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kemi",
    "Liam",
    "Maya",
    "Niall",
    "Olu",
    "Priya",
    "Rory",
    "Sana",
    "Tom",
    "Uma",
    "Vik",
    "Wen",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Ahmed",
    "Brown",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murray",
    "Nowak",
    "O'Neill",
    "Patel",
    "Reid",
    "Singh",
    "Taylor",
    "Walsh",
]


@functools.cache
def _password_hash() -> str:
    # Hashing "demo" once (argon2 is deliberately slow) keeps seeding quick.
    return make_password(DEMO_PASSWORD)


def _votes(unit: Unit, share: float) -> int:
    """A meeting's figure as a share of the unit's members, so the figures never exceed them."""
    n = Membership.objects.filter(unit__path__startswith=unit.path, status=Status.MEMBER).count()
    return int(n * share)


def _person(email: str, name: str, **fields: object) -> User:
    user = User(email=email, full_name=name, password=_password_hash(), **fields)
    user.save()
    return user


def _member(
    user: User, unit: Unit, *, status: str = Status.MEMBER, days_ago: int = 400
) -> Membership:
    at = timezone.now() - timedelta(days=days_ago)
    membership = Membership.objects.create(
        user=user, unit=unit, status=status, status_changed_at=at, admitted_on=at.date()
    )
    membership.number = membership.house_number
    membership.save(update_fields=["number"])
    MembershipEvent.objects.create(
        membership=membership,
        from_status=Status.APPLICANT,
        to_status=status,
        at=at,
        reason="Admitted (joined before Iskra; imported)",
    )
    return membership
