"""A large synthetic organisation for benchmarks: ``iskra seed --members N --branches M``.

Unlike the demo, which goes through the officers' services one verb at a time, this writes in
bulk: units level by level (then their paths in one ``bulk_update`` per level), bodies, seats,
people, memberships and their events in batches, with one password hash shared by every seeded
person. 100 000 members in 5 000 branches take a few minutes at most on PostgreSQL.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.members.models import ACTIVE_STATUSES, Membership, MembershipEvent, Status
from iskra.organisation.models import Body, Organisation, Seat, SeatHolding, Unit, UnitKind

SEED_PASSWORD = "seed"  # noqa: S105 - published: seeded data is synthetic, for benchmarks.
BATCH_SIZE = 2000


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Aisha Ben Chloe Dev Erin Farid Grace Hamza Isla Jack Kemi Liam Maya Niall Olu Priya Rory "
    "Sana Tom Uma Vik Wen Yusuf Zoe Adam Beatriz Carlos Dana Eilidh Fatima Gareth Hannah Imran "
    "Jo Kasia Leon Marta Nadia Owen Paula Quentin Rosa Sean Tariq Ursula Valentina Will Xiu "
    "Yara Zainab Alex Bridget Connor Deepa Emeka Freya Gus Hui Ines Jamal Kirsty Luca Mei"
)
LAST = _words(
    "Ahmed Brown Campbell Davies Evans Fraser Gill Hughes Iqbal Jones Khan Lewis Murray Nowak "
    "O'Neill Patel Reid Singh Taylor Walsh Wilson Thomas Roberts Johnson Smith Williams Wright "
    "Robinson Thompson White Hall Green Wood Clarke Jackson Kowalski Mensah Okafor Nguyen Chen "
    "Kaur Begum Ali Hussain Rahman Murphy Kelly Byrne Doyle McDonald Stewart Scott Morrison "
    "Ferreira Silva Rossi Novak Horvat Popescu Yilmaz Haddad Mwangi Osei Adeyemi Lindqvist"
)
PLACES = _words(
    "Ashford Barking Carlton Dalston Eastfield Fairview Greenhill Harbour Ironbridge Jubilee "
    "Kingsway Lowfield Millbrook Northgate Oakwood Parkside Queensbury Riverside Southend "
    "Thornbury Upton Valley Westcliff Yardley Abbeywood Brookside Castlefield Deansgate "
    "Elmwood Foxhill Glenside Highfield Inchmore Kirkby Larkhill Meadowbank Newtown Orchard "
    "Pinewood Redbridge Stonehaven Tollcross Underhill Victoria Waterside Woodlands"
)
AREAS = _words(
    "North South East West Central Docks Hill Park Green Cross Common Bridge Market Heath "
    "Vale Quay Fields Works Row Yard"
)
REGIONS = _words(
    "Northern Southern Eastern Western Central Coastal Highland Lowland Metropolitan Valleys "
    "Borders Midland Islands Peninsula Forest Lakes Moorland Estuary Downs Fenland"
)
WORKPLACES = (
    ("City Hospital", "NHS Trust", "Nurse"),
    ("Central Library", "City Council", "Librarian"),
    ("Depot 4", "Metro Buses", "Driver"),
    ("Warehouse 12", "Fastship Logistics", "Picker"),
    ("St Anne's Primary", "Education Authority", "Teacher"),
    ("Call Centre", "Telco plc", "Adviser"),
    ("Main Street Café", "Bean Co", "Barista"),
    ("Riverside Care Home", "CarePlus", "Care worker"),
    ("University", "The University", "Lecturer"),
    ("Sorting Office", "Royal Mail", "Postal worker"),
    ("Tesco Extra", "Tesco", "Shop worker"),
    ("Building site", "BuildRight Ltd", "Electrician"),
)
# How seeded memberships are spread over the statuses (the rest are members).
STATUS_SHARES = ((Status.CANDIDATE, 0.06), (Status.LAPSED, 0.05), (Status.RESIGNED, 0.02))


class SeedError(DomainError):
    """Seeding cannot start (the database already holds an organisation, bad sizes…)."""


@dataclass(frozen=True)
class SeedReport:
    members: int
    branches: int
    districts: int
    national_secretary: str
    a_branch_secretary: str
    an_ordinary_member: str


M = TypeVar("M", bound=models.Model)


def _bulk_create(model: type[M], objects: Sequence[M]) -> list[M]:
    created: list[M] = []
    for start in range(0, len(objects), BATCH_SIZE):
        created += model._default_manager.bulk_create(objects[start : start + BATCH_SIZE])
    return created


def _set_paths(units: Sequence[Unit]) -> None:
    """Fill in the materialised path of units whose parents already have theirs."""
    for unit in units:
        prefix = unit.parent.path if unit.parent is not None else "/"
        unit.path = f"{prefix}{unit.pk}/"
        unit.depth = unit.path.count("/") - 2
    Unit.objects.bulk_update(units, ["path", "depth"], batch_size=BATCH_SIZE)


def _name(sequence: Sequence[str], second: Sequence[str], index: int) -> str:
    """A distinct name for each index: 'Ashford North', …, then 'Ashford North 2'."""
    first = sequence[index % len(sequence)]
    other = second[(index // len(sequence)) % len(second)]
    round_ = index // (len(sequence) * len(second))
    return f"{first} {other}" + (f" {round_ + 1}" if round_ else "")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _postcode(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUWYZ"
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1, 29)} "
        f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )


def _status(rng: random.Random) -> str:
    roll = rng.random()
    for status, share in STATUS_SHARES:
        if roll < share:
            return status
        roll -= share
    return Status.MEMBER


def seed_organisation(
    *,
    members: int,
    branches: int,
    seed: int = 1917,
    say: Callable[[str], None] | None = None,
) -> SeedReport:
    """Build the organisation in one transaction. Refuses if one already exists."""
    if branches < 1:
        raise SeedError("--branches must be at least 1.")
    if members < branches:
        raise SeedError(
            f"--members must be at least --branches ({branches}): "
            "every branch needs a member to be its secretary."
        )
    if Organisation.objects.exists():
        raise SeedError(
            "The database already holds an organisation; seed only into an empty database "
            "(e.g. a new DATABASE_URL)."
        )
    with transaction.atomic():
        return _seed(members=members, branches=branches, rng=random.Random(seed), say=say)


def _seed(
    *, members: int, branches: int, rng: random.Random, say: Callable[[str], None] | None
) -> SeedReport:
    def progress(message: str) -> None:
        if say is not None:
            say(message)

    now = timezone.now()
    today = timezone.localdate()
    organisation = Organisation.objects.create(
        name="Federation of Seeded Workers",
        short_name="FSW",
        statement_of_aims="Synthetic data for benchmarks.",
        # Officers sign in with a password alone, so benchmarks can act as them.
        require_2fa_for_officers=False,
    )
    national_kind = UnitKind.objects.create(name="National", plural="National", level=0)
    district_kind = UnitKind.objects.create(name="District", plural="Districts", level=1)
    branch_kind = UnitKind.objects.create(
        name="Branch", plural="Branches", level=2, holds_members=True
    )

    national = Unit.objects.create(name=organisation.name, kind=national_kind)
    _set_paths([national])
    district_count = max(1, min(branches, round(math.sqrt(branches))))
    districts = _bulk_create(
        Unit,
        [
            Unit(name=f"{_name(REGIONS, AREAS, i)} District", kind=district_kind, parent=national)
            for i in range(district_count)
        ],
    )
    _set_paths(districts)
    branch_units = _bulk_create(
        Unit,
        [
            Unit(
                name=f"{_name(PLACES, AREAS, i)} Branch",
                kind=branch_kind,
                parent=districts[i % district_count],
            )
            for i in range(branches)
        ],
    )
    _set_paths(branch_units)
    progress(f"units: 1 national, {district_count} districts, {branches} branches")

    committees = _bulk_create(
        Body,
        [
            Body(unit=unit, kind=Body.Kind.COMMITTEE, name=f"{unit.name} Committee")
            for unit in [national, *districts, *branch_units]
        ],
    )
    _bulk_create(
        Body,
        [
            Body(unit=unit, kind=Body.Kind.GENERAL_MEETING, name=f"{unit.name} General Meeting")
            for unit in branch_units
        ],
    )
    national_seat = Seat.objects.create(
        body=committees[0],
        role=Seat.Role.SECRETARY,
        title="National Secretary",
        grants_officer_rights=True,
        constituency_unit=national,
    )
    branch_seats = _bulk_create(
        Seat,
        [
            Seat(
                body=body,
                role=Seat.Role.SECRETARY,
                title=f"{body.unit.name} Secretary",
                grants_officer_rights=True,
                constituency_unit=body.unit,
            )
            for body in committees[1 + district_count :]
        ],
    )
    progress(f"bodies: {len(committees) + branches}, seats: {len(branch_seats) + 1}")

    # One hash for everyone: hashing 100 000 passwords would take far longer than the seeding.
    password = make_password(SEED_PASSWORD)
    users: list[User] = []
    homes: list[Unit] = []
    for i in range(members):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        place, employer, job = rng.choice(WORKPLACES)
        users.append(
            User(
                email=f"{_slug(first)}.{_slug(last)}.{i + 1}@seed.example.org",
                password=password,
                full_name=f"{first} {last}",
                phone=f"07700 {rng.randint(0, 999999):06d}",
                postcode=_postcode(rng),
                workplace=place,
                employer=employer,
                job_title=job,
                consent_email=rng.random() < 0.9,
                date_joined=now,
            )
        )
        # Every branch gets one member first (its secretary), then the rest at random.
        homes.append(branch_units[i] if i < branches else rng.choice(branch_units))
    users = _bulk_create(User, users)
    progress(f"people: {len(users)}")

    memberships: list[Membership] = []
    for i, (user, unit) in enumerate(zip(users, homes, strict=True)):
        # Secretaries (the first person of each branch) are members in good standing.
        status = Status.MEMBER if i < branches else _status(rng)
        joined = today - timedelta(days=rng.randint(30, 3650))
        memberships.append(
            Membership(
                user=user,
                unit=unit,
                number=f"S{i + 1:07d}",
                status=status,
                status_changed_at=timezone.make_aware(datetime.combine(joined, time(12))),
                admitted_on=joined,
                probation_ends_on=joined + timedelta(days=organisation.probation_days)
                if status == Status.CANDIDATE
                else None,
            )
        )
    memberships = _bulk_create(Membership, memberships)
    events: list[MembershipEvent] = []
    for membership in memberships:
        joined_at = membership.status_changed_at
        admitted_as = Status.CANDIDATE if membership.status == Status.CANDIDATE else Status.MEMBER
        events.append(
            MembershipEvent(
                membership=membership,
                from_status=Status.APPLICANT,
                to_status=admitted_as,
                at=joined_at,
                reason="Admitted (seeded)",
            )
        )
        if membership.status not in ACTIVE_STATUSES:
            left_at = min(joined_at + timedelta(days=rng.randint(30, 700)), now)
            membership.status_changed_at = left_at
            events.append(
                MembershipEvent(
                    membership=membership,
                    from_status=Status.MEMBER,
                    to_status=membership.status,
                    at=left_at,
                    reason="Seeded history",
                )
            )
    Membership.objects.bulk_update(
        [m for m in memberships if m.status not in ACTIVE_STATUSES],
        ["status_changed_at"],
        batch_size=BATCH_SIZE,
    )
    _bulk_create(MembershipEvent, events)
    progress(f"memberships: {len(memberships)}, events: {len(events)}")

    # The first person of each branch is its secretary; a member of the first branch who is
    # not its secretary is the national secretary.
    started = today - timedelta(days=200)
    holdings = [
        SeatHolding(seat=seat, holder=users[i], started_on=started)
        for i, seat in enumerate(branch_seats)
    ]
    national_secretary = (
        next(
            user
            for user, membership in zip(users[branches:], memberships[branches:], strict=True)
            if membership.status == Status.MEMBER
        )
        if members > branches
        else users[0]
    )
    holdings.append(SeatHolding(seat=national_seat, holder=national_secretary, started_on=started))
    _bulk_create(SeatHolding, holdings)
    ordinary = next(
        (
            user
            for user, membership in zip(users, memberships, strict=True)
            if membership.status == Status.MEMBER
            and user.pk != national_secretary.pk
            and membership.unit_id != branch_units[0].pk
        ),
        users[-1],
    )
    record(
        actor=None,
        action="organisation.seed",
        obj=organisation,
        unit=national,
        data={"members": members, "branches": branches, "districts": district_count},
    )
    return SeedReport(
        members=members,
        branches=branches,
        districts=district_count,
        national_secretary=national_secretary.email,
        a_branch_secretary=users[0].email,
        an_ordinary_member=ordinary.email,
    )


def seed_summary(report: SeedReport) -> list[str]:
    return [
        f"Seeded {report.members} members in {report.branches} branches "
        f"({report.districts} districts).",
        f"Sign in (password '{SEED_PASSWORD}') as {report.national_secretary} (national "
        f"secretary), {report.a_branch_secretary} (a branch secretary) or "
        f"{report.an_ordinary_member} (a member).",
    ]
