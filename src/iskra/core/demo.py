"""The demo organisation: a small but realistic tree, bodies, officers, members and cases.

Seeded through the same services officers use, so the audit log and histories are real.
"""

from __future__ import annotations

import functools
import random
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.members import services as members
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.organisation import services as org
from iskra.organisation.models import Body, Organisation, Seat, SeatHolding, Unit, UnitKind

DEMO_PASSWORD = "demo"  # noqa: S105 - the demo's published password.
DEMO_LOGINS = [
    ("member@example.org", "an ordinary member of Riverside branch"),
    ("secretary@example.org", "secretary of Riverside branch"),
    ("officer@example.org", "national secretary (national officer)"),
    ("admin@example.org", "administrator (superuser)"),
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


def is_seeded() -> bool:
    return Organisation.objects.exists()


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
    from iskra.core.demo_sealed import seed_demo_sealed_ballot

    seed_demo_sealed_ballot(secrets_dir=secrets_dir, person=_person, member=_member)


def seed_demo_cycle(*, admin: User) -> None:
    """A realistic discussion period: motions in every state, branch positions, a meeting
    that decided a motion by roll call with a dissent, and actions being carried out."""
    from iskra.decisions import services as decisions
    from iskra.meetings import services as meetings
    from iskra.meetings.models import Meeting, Vote
    from iskra.motions import services as motions
    from iskra.motions.models import Amendment, Position

    def person(email: str) -> User:
        return User.objects.get(email=email)

    nc = Body.objects.get(name="National Committee")
    branch = {
        u.name.removesuffix(" Branch"): u for u in Unit.objects.filter(kind__holds_members=True)
    }
    member, secretary, officer = (
        person("member@example.org"),
        person("secretary@example.org"),
        person("officer@example.org"),
    )
    riverside = list(
        User.objects.filter(
            membership__unit=branch["Riverside"], membership__status=Status.MEMBER
        ).exclude(pk__in=[member.pk, secretary.pk])
    )
    secretaries = {
        key: SeatHolding.objects.current().get(seat__title=f"{key} Branch Secretary").holder
        for key in ("Hillside", "Docklands", "Old Town")
    }
    today = timezone.localdate()

    # 1. Decided: carried at last month's National Committee by roll call, with a dissent.
    old = motions.create_motion(
        actor=officer,
        body=nc,
        title="A winter leafleting drive on energy bills",
        text="The organisation will run a leafleting drive on energy bills in every district this winter, "
        "with a target of **1,000 leaflets** per district, and report back at the next meeting.",
        by_body=True,
        authority="National Committee, September meeting",
    )
    motions.submit_motion(actor=officer, motion=old)
    motions.admit_motion(actor=officer, motion=old)
    motions.open_discussion(actor=officer, motion=old, deadline=today + timedelta(days=1))
    motions.record_position(
        actor=fresh(secretary),
        motion=old,
        unit=branch["Riverside"],
        stance=Position.Stance.SUPPORT,
        votes_for=_votes(branch["Riverside"], 0.8),
        votes_against=_votes(branch["Riverside"], 0.1),
        mandate=Position.Mandate.INSTRUCTED,
        mandate_note="Vote for.",
    )
    motions.record_position(
        actor=fresh(secretaries["Docklands"]),
        motion=old,
        unit=branch["Docklands"],
        stance=Position.Stance.OPPOSE,
        votes_for=_votes(branch["Docklands"], 0.3),
        votes_against=_votes(branch["Docklands"], 0.6),
        mandate=Position.Mandate.FREE,
    )
    meeting = meetings.schedule_meeting(
        actor=officer,
        body=nc,
        title="October meeting",
        starts_at=timezone.now() + timedelta(minutes=5),
        location="Union hall, Riverside",
        motions=[old],
    )
    meetings.open_meeting(actor=officer, meeting=meeting)
    committee = list(meetings.body_members(nc))
    for someone in committee:
        meetings.sign_in(actor=someone, meeting=meeting)
    vote = meetings.open_vote(
        actor=officer, meeting=meeting, motion=old, method=Vote.Method.ROLL_CALL
    )
    dissenter = next(p for p in committee if p.pk != officer.pk)
    for someone in committee:
        meetings.cast_named_vote(
            actor=someone, vote=vote, choice="against" if someone == dissenter else "for"
        )
    meetings.close_vote(actor=officer, vote=vote)
    meetings.close_meeting(actor=officer, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=30),
        opened_at=timezone.now() - timedelta(days=30),
        closed_at=timezone.now() - timedelta(days=30),
    )
    old.refresh_from_db()
    decision = old.decision
    decisions.add_dissent(
        actor=dissenter,
        decision=decision,
        text="Leaflets alone will not move anyone; we should have put the effort into door-knocking.",
    )
    decisions.add_dissent(
        actor=fresh(secretaries["Docklands"]),
        decision=decision,
        unit=branch["Docklands"],
        text="Docklands branch voted 9 to 4 against: our members are already stretched by the depot dispute.",
    )
    due = today + timedelta(days=21)
    for district in Unit.objects.filter(kind__name="District"):
        parent = decisions.create_action(
            actor=officer,
            decision=decision,
            title=f"Energy-bills leaflets in {district.name}",
            due_on=due,
            target=1000,
            measure="leaflets",
            unit=district,
        )
        for b in district.children.filter(kind__holds_members=True):
            decisions.create_action(
                actor=officer,
                decision=decision,
                title=f"Energy-bills leaflets: {b.name}",
                due_on=due - timedelta(days=7),
                target=500,
                measure="leaflets",
                unit=b,
                parent=parent,
            )
    from iskra.decisions.models import Action

    riverside_action = Action.objects.get(decision=decision, unit=branch["Riverside"])
    pledge = decisions.commit_to_action(
        actor=fresh(member),
        action=riverside_action,
        description="I'll leaflet the Riverside estate on Saturday, 2 hours",
        amount=200,
    )
    decisions.report_back(
        actor=fresh(member),
        action=riverside_action,
        figure=220,
        text="Done, 220 through doors; good response on Elm Road.",
        commitment=pledge,
    )
    for helper in riverside[:3]:
        decisions.commit_to_action(
            actor=fresh(helper),
            action=riverside_action,
            description="Sunday morning, market stall",
            amount=60,
        )
    decisions.report_back(
        actor=fresh(secretaries["Hillside"]),
        action=Action.objects.get(decision=decision, unit=branch["Hillside"]),
        figure=310,
        text="Three sessions at the school gates.",
    )

    # 2. In discussion: a member's motion with an amendment from Riverside and positions.
    live = motions.create_motion(
        actor=fresh(member),
        body=nc,
        title="Defend Riverside Library",
        text="This organisation opposes the closure of Riverside Library and will campaign, with library "
        "workers and users, to keep it open every day.\n\nWe call on every branch to organise a public "
        "meeting on the closures before the council's budget vote.",
        supporting_statement="The library is the only free, warm public space on the estate. The council plans to close it four days a week.",
    )
    for supporter in riverside[:5]:
        motions.support_motion(actor=fresh(supporter), motion=live)
    motions.submit_motion(actor=fresh(member), motion=live)
    motions.admit_motion(actor=officer, motion=live)
    motions.open_discussion(actor=officer, motion=live, deadline=today + timedelta(days=18))
    motions.table_amendment(
        actor=fresh(secretary),
        motion=live,
        kind=Amendment.Kind.REPLACE,
        passage="every day",
        new_text="seven days a week, with its current staff",
        explanation="Opening hours without staff would be a closure by another name.",
        proposing_unit=branch["Riverside"],
    )
    motions.record_position(
        actor=fresh(secretary),
        motion=live,
        unit=branch["Riverside"],
        stance=Position.Stance.SUPPORT_IF_AMENDED,
        votes_for=_votes(branch["Riverside"], 0.8),
        votes_against=_votes(branch["Riverside"], 0),
        abstentions=_votes(branch["Riverside"], 0.1),
        mandate=Position.Mandate.INSTRUCTED,
        mandate_note="Support amendment 1, then the motion.",
    )
    motions.record_position(
        actor=fresh(secretaries["Hillside"]),
        motion=live,
        unit=branch["Hillside"],
        stance=Position.Stance.SUPPORT,
        votes_for=_votes(branch["Hillside"], 0.7),
        votes_against=_votes(branch["Hillside"], 0.2),
        mandate=Position.Mandate.FREE,
    )
    first = motions.post_to_discussion(
        actor=fresh(member),
        motion=live,
        text="I use the library every week with my kids. Closing it four days a week is closing it.",
    )
    motions.post_to_discussion(
        actor=fresh(riverside[0]),
        motion=live,
        text="Agreed — and the staff are with us. Their union branch has already voted to resist the cuts.",
        parent=first,
    )
    motions.post_to_discussion(
        actor=fresh(secretaries["Docklands"]),
        motion=live,
        text="Docklands will discuss this on the 12th. Is there a model leaflet for the public meeting?",
    )

    # 3. Gathering support (a draft), 4. awaiting admission, 5. ruled out of order.
    draft = motions.create_motion(
        actor=fresh(riverside[1]),
        body=nc,
        title="A rent-strike fund",
        text="The organisation will set up a hardship fund for tenants taking part in rent strikes.",
    )
    for supporter in riverside[2:5]:
        motions.support_motion(actor=fresh(supporter), motion=draft)
    waiting = motions.create_motion(
        actor=fresh(secretary),
        body=nc,
        title="Affiliate to the city trades council",
        text="The organisation will affiliate to the city trades council.",
        proposing_unit=branch["Riverside"],
        authority="Riverside branch meeting, 2 November",
    )
    motions.submit_motion(actor=fresh(secretary), motion=waiting)
    out = motions.create_motion(
        actor=fresh(secretaries["Old Town"]),
        body=nc,
        title="Change the name of the organisation",
        text="The organisation will change its name.",
        proposing_unit=branch["Old Town"],
        authority="Old Town branch meeting, 28 October",
    )
    motions.submit_motion(actor=fresh(secretaries["Old Town"]), motion=out)
    motions.rule_out_of_order(
        actor=officer,
        motion=out,
        reason="A change of name is a constitutional matter for conference, not the National Committee.",
    )

    # An upcoming branch meeting with the live motion to debate.
    riverside_meeting = Body.objects.get(name="Riverside Branch Meeting")
    meetings.schedule_meeting(
        actor=fresh(secretary),
        body=riverside_meeting,
        title="December branch meeting",
        starts_at=timezone.now() + timedelta(days=9),
        location="Riverside Library, community room",
        notice="We will debate the library motion and our amendment, and plan the leafleting.",
    )
    motions.create_bulletin(
        actor=officer,
        body=nc,
        title="Discussion bulletin: winter 2026",
        opens_on=today,
        closes_on=today + timedelta(days=14),
    )


def fresh(user: User) -> User:
    """The same person with no cached rights (rights are cached per request/object)."""
    return User.objects.get(pk=user.pk)


def seed_demo_ballots() -> None:
    """Two secret ballots in Riverside: a strike ballot at the hospital, closed and counted with
    its board published and the scrutineer's report signed, and a branch committee election
    (STV) that is open and that the demo member has not voted in yet."""
    from iskra.ballots import services as ballots
    from iskra.ballots.models import Ballot, Preset, Question, RollEntry

    riverside = Unit.objects.get(name="Riverside Branch")
    hillside = Unit.objects.get(name="Hillside Branch")
    secretary = User.objects.get(email="secretary@example.org")
    rng = random.Random(1926)
    hospital = "Riverside Hospital"
    # The hospital is the branch's biggest workplace: every seeded Riverside member works there,
    # and enough more join them for the board to be published (a roll of at least 20).
    User.objects.filter(membership__unit=riverside).exclude(email="secretary@example.org").exclude(
        workplace=hospital
    ).update(workplace=hospital)
    jobs = ["Porter", "Nurse", "Healthcare assistant", "Cleaner", "Cook", "Radiographer"]
    for n in range(18):
        name = f"{FIRST[(n * 5 + 3) % len(FIRST)]} {LAST[(n * 3 + 11) % len(LAST)]}"
        email = f"{name.lower().replace(' ', '.').replace(chr(39), '')}.h{n}@example.org"
        user = _person(
            email, name, workplace=hospital, employer="Riverside NHS Trust", job_title=jobs[n % 6]
        )
        _member(user, riverside, days_ago=rng.randint(60, 2500))
    scrutineer = _person(
        "scrutineer@example.org", "Sky Scrutineer", pronouns="she/her", workplace="Hillside School"
    )
    _member(scrutineer, hillside, days_ago=1500)

    # 1. Closed: the hospital strike ballot, counted, published and signed off.
    now = timezone.now()
    strike = ballots.create_ballot(
        actor=fresh(secretary),
        unit=riverside,
        title="Riverside Hospital: strike ballot on the pay cut",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(minutes=30),
        description="The Trust plans to cut unsocial-hours pay by a third from April. "
        "The branch meeting voted to ballot every member at the hospital for strike action.",
        question="Are you prepared to take part in strike action?",
        filter_workplace=hospital,
    )
    ballots.appoint_scrutineer(actor=fresh(secretary), ballot=strike, scrutineer=scrutineer)
    ballots.open_ballot(actor=fresh(secretary), ballot=strike)
    question = strike.questions.get()
    entries = list(RollEntry.objects.filter(ballot=strike).select_related("user").order_by("pk"))
    rng.shuffle(entries)
    voters = entries[: max(1, round(len(entries) * 0.78))]
    for i, entry in enumerate(voters):
        # About five in six vote yes; one paper is returned blank.
        answer = "blank" if i == 3 else (1 if i % 6 == 5 else 0)
        ballots.cast_ballot(ballot=strike, answers={str(question.pk): answer}, user=entry.user)
    opened = now - timedelta(days=17)
    closed = now - timedelta(days=3)
    Ballot.objects.filter(pk=strike.pk).update(
        opens_at=opened, opened_at=opened, closes_at=closed, created_at=opened
    )
    ballots.close_ballot(ballot_id=strike.pk, now=closed)
    ballots.sign_report(actor=fresh(scrutineer), ballot=strike)

    # 2. Open: the branch committee election, which the demo member can vote in.
    election = ballots.create_ballot(
        actor=fresh(secretary),
        unit=riverside,
        title="Riverside Branch Committee election",
        preset=Preset.STV_COMMITTEE,
        opens_at=now,
        closes_at=now + timedelta(days=10),
        description="Three seats on the branch committee, for a year. "
        "Number the candidates in your order of preference.",
    )
    candidates = list(
        User.objects.filter(membership__unit=riverside, membership__status=Status.MEMBER)
        .exclude(email__in=["member@example.org", "secretary@example.org"])
        .order_by("full_name")
        .values_list("full_name", flat=True)[:5]
    )
    committee = ballots.add_question(
        actor=fresh(secretary),
        ballot=election,
        kind=Question.Kind.STV,
        text="Elect three members of the Riverside Branch Committee",
        options=candidates,
        seats=3,
    )
    ballots.appoint_scrutineer(actor=fresh(secretary), ballot=election, scrutineer=scrutineer)
    ballots.open_ballot(actor=fresh(secretary), ballot=election)
    early = (
        RollEntry.objects.filter(ballot=election)
        .exclude(user__email="member@example.org")
        .select_related("user")
        .order_by("pk")[:7]
    )
    for entry in early:
        ranking = rng.sample(range(len(candidates)), k=rng.randint(1, len(candidates)))
        ballots.cast_ballot(ballot=election, answers={str(committee.pk): ranking}, user=entry.user)
