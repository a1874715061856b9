"""The organisation itself: its tree, bodies, officers, members, applicants and cases."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.demo.seed.ballots import seed_demo_ballots
from iskra.demo.seed.common import AIMS, DEMO_PASSWORD, FIRST, LAST, _member, _person
from iskra.demo.seed.cycle import seed_demo_cycle
from iskra.members import services as members
from iskra.members.models import Status
from iskra.organisation import services as org
from iskra.organisation.models import Body, Organisation, Seat, SeatHolding, UnitKind


def is_seeded() -> bool:
    return Organisation.objects.exists()


@transaction.atomic
def seed_demo(*, secrets_dir: Path | None = None) -> None:
    """The whole demo. ``secrets_dir``: where the demo's sealed ballot's trustee keys and
    voting credentials are written (``iskra demo``: the data folder's ``demo-sealed``)."""
    rng = random.Random(1917)
    admin = User.objects.create_superuser(
        email="admin@example.org", password=DEMO_PASSWORD, full_name="Ada Admin"
    )
    Organisation.objects.create(
        name="Demo Workers' Organisation",
        short_name="Demo Org",
        statement_of_aims=AIMS,
        probation_days=90,
        require_2fa_for_officers=False,
    )
    national_kind = UnitKind.objects.create(name="National", plural="National", level=0)
    district_kind = UnitKind.objects.create(name="District", plural="Districts", level=1)
    branch_kind = UnitKind.objects.create(
        name="Branch", plural="Branches", level=2, holds_members=True
    )
    UnitKind.objects.create(
        name="Workplace group", plural="Workplace groups", level=3, holds_members=False
    )

    national = org.create_unit(
        actor=admin, name="Demo Workers' Organisation", kind=national_kind, parent=None
    )
    north = org.create_unit(actor=admin, name="North District", kind=district_kind, parent=national)
    south = org.create_unit(actor=admin, name="South District", kind=district_kind, parent=national)
    branches = {
        "Riverside": org.create_unit(
            actor=admin, name="Riverside Branch", kind=branch_kind, parent=north
        ),
        "Hillside": org.create_unit(
            actor=admin, name="Hillside Branch", kind=branch_kind, parent=north
        ),
        "Docklands": org.create_unit(
            actor=admin, name="Docklands Branch", kind=branch_kind, parent=south
        ),
        "Old Town": org.create_unit(
            actor=admin, name="Old Town Branch", kind=branch_kind, parent=south
        ),
    }
    workplace = UnitKind.objects.get(name="Workplace group")
    org.create_unit(
        actor=admin, name="Riverside Hospital workers", kind=workplace, parent=branches["Riverside"]
    )

    # National bodies.
    nc = org.create_body(
        actor=admin, unit=national, kind=Body.Kind.COMMITTEE, name="National Committee"
    )
    org.create_body(
        actor=admin, unit=national, kind=Body.Kind.CONFERENCE, name="National Conference"
    )
    council = org.create_body(
        actor=admin, unit=national, kind=Body.Kind.COUNCIL, name="National Council"
    )
    nat_secretary = org.create_seat(
        actor=admin,
        body=nc,
        role=Seat.Role.SECRETARY,
        title="National Secretary",
        grants_officer_rights=True,
        term_months=24,
    )
    nat_chair = org.create_seat(
        actor=admin, body=nc, role=Seat.Role.CHAIR, title="National Chair", term_months=24
    )
    nat_treasurer = org.create_seat(
        actor=admin,
        body=nc,
        role=Seat.Role.TREASURER,
        title="National Treasurer",
        grants_officer_rights=True,
        term_months=24,
    )
    committee_seats = [
        org.create_seat(
            actor=admin,
            body=nc,
            role=Seat.Role.COMMITTEE_MEMBER,
            title=f"Committee member {n}",
            term_months=24,
        )
        for n in range(1, 4)
    ]
    district_seats = {}
    for district in (north, south):
        district_seats[district.pk] = org.create_seat(
            actor=admin,
            body=council,
            role=Seat.Role.DELEGATE,
            title=f"Delegate of {district.name}",
            constituency_unit=district,
            represents_unit=district,
            term_months=12,
        )

    # District and branch bodies.
    district_secretaries = {}
    for district in (north, south):
        committee = org.create_body(
            actor=admin, unit=district, kind=Body.Kind.COMMITTEE, name=f"{district.name} Committee"
        )
        district_secretaries[district.pk] = org.create_seat(
            actor=admin,
            body=committee,
            role=Seat.Role.SECRETARY,
            title=f"{district.name} Secretary",
            grants_officer_rights=True,
        )
    branch_secretaries = {}
    for key, branch in branches.items():
        org.create_body(
            actor=admin, unit=branch, kind=Body.Kind.GENERAL_MEETING, name=f"{key} Branch Meeting"
        )
        committee = org.create_body(
            actor=admin, unit=branch, kind=Body.Kind.COMMITTEE, name=f"{key} Branch Committee"
        )
        branch_secretaries[key] = org.create_seat(
            actor=admin,
            body=committee,
            role=Seat.Role.SECRETARY,
            title=f"{key} Branch Secretary",
            grants_officer_rights=True,
            constituency_unit=branch,
        )
        org.create_seat(
            actor=admin, body=committee, role=Seat.Role.TREASURER, title=f"{key} Branch Treasurer"
        )

    # The demo logins.
    member = _person(
        "member@example.org",
        "Mo Member",
        pronouns="they/them",
        workplace="Riverside Hospital",
        employer="Riverside NHS Trust",
        job_title="Porter",
        postcode="RV1 2AB",
    )
    secretary = _person(
        "secretary@example.org",
        "Sam Secretary",
        pronouns="she/her",
        workplace="Riverside Library",
        postcode="RV1 4CD",
    )
    officer = _person(
        "officer@example.org",
        "Olu Officer",
        pronouns="he/him",
        workplace="Docklands Depot",
        postcode="DK2 1EF",
    )
    _member(member, branches["Riverside"], days_ago=800)
    _member(secretary, branches["Riverside"], days_ago=2000)
    _member(officer, branches["Hillside"], days_ago=3000)
    start = timezone.localdate() - timedelta(days=200)
    org.appoint_to_seat(
        actor=admin, seat=branch_secretaries["Riverside"], holder=secretary, started_on=start
    )
    org.appoint_to_seat(actor=admin, seat=nat_secretary, holder=officer, started_on=start)

    # A few dozen more members, spread over the branches, some holding seats.
    people: list[User] = []
    for n in range(48):
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}"
        email = f"{name.lower().replace(' ', '.').replace(chr(39), '')}{n}@example.org"
        user = _person(
            email,
            name,
            workplace=rng.choice(
                [
                    "Riverside Hospital",
                    "Docklands Depot",
                    "Hillside School",
                    "Old Town Call Centre",
                    "",
                ]
            ),
        )
        branch = list(branches.values())[n % 4]
        status = Status.MEMBER if n % 12 else Status.LAPSED
        _member(user, branch, status=status, days_ago=rng.randint(100, 3000))
        people.append(user)
    for seat, person in zip([nat_chair, nat_treasurer, *committee_seats], people[:5], strict=True):
        org.appoint_to_seat(actor=admin, seat=seat, holder=person, started_on=start)
    for district in (north, south):
        holder = next(p for p in people[5:] if p.membership.unit.path.startswith(district.path))
        org.appoint_to_seat(
            actor=admin, seat=district_seats[district.pk], holder=holder, started_on=start
        )
    for key in ("Hillside", "Docklands", "Old Town"):
        holder = next(p for p in people[10:] if p.membership.unit_id == branches[key].pk)
        org.appoint_to_seat(
            actor=admin, seat=branch_secretaries[key], holder=holder, started_on=start
        )

    # History worth seeing: the previous National Secretary, whose term ended when Olu took over.
    SeatHolding.objects.create(
        seat=nat_secretary,
        holder=people[6],
        started_on=start - timedelta(days=730),
        ended_on=start,
        end_reason="term over; did not stand again",
    )
    # Pending work for the secretary: two applications and a transfer.
    members.apply_to_join(
        email="applicant@example.org",
        full_name="Ari Applicant",
        password="riverside-hospital-2026",
        unit=branches["Riverside"],
        agreed_to_aims=True,
        message="I work at the hospital and want to get involved.",
    )
    members.apply_to_join(
        email="newcomer@example.org",
        full_name="Nia Newcomer",
        password="tenants-together-2026",
        unit=branches["Riverside"],
        agreed_to_aims=True,
    )
    mover = next(
        p
        for p in people
        if p.membership.unit_id == branches["Hillside"].pk and p.membership.status == Status.MEMBER
    )
    members.request_transfer(
        actor=mover, to_unit=branches["Riverside"], reason="Moved house to Riverside."
    )
    seed_demo_cycle(admin=admin)
    seed_demo_ballots()
    from iskra.demo.seed.sealed import seed_demo_sealed_ballot

    seed_demo_sealed_ballot(secrets_dir=secrets_dir, person=_person, member=_member)
    from iskra.demo.seed.representation import (
        seed_demo_council,
        seed_demo_delegates,
        seed_demo_proxies,
        seed_demo_recall,
        seed_demo_requisition,
    )

    seed_demo_council()
    seed_demo_recall()
    seed_demo_delegates()
    seed_demo_requisition()
    seed_demo_proxies()
    from iskra.demo.seed.press import seed_demo_press

    seed_demo_press(person=_person, member=_member)
    from iskra.demo.seed.campaigns import seed_demo_campaigns

    seed_demo_campaigns()
