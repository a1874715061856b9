"""The demo's secret ballots: one open, one closed and counted."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from iskra.accounts.models import User
from iskra.demo.seed.common import FIRST, LAST, _member, _person
from iskra.demo.seed.cycle import fresh
from iskra.members.models import Status
from iskra.organisation.models import Unit


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
        sealed=False,
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
        sealed=False,
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
