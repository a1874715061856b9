"""Cycle benchmark: motions, discussion and decisions in an organisation of 100 000 members.

    uv run python bench/cycle_bench.py                  # drop, create, migrate, seed, run, measure
    uv run python bench/cycle_bench.py --reuse          # skip drop/create/migrate/seed

The database (default ``postgres://postgres@127.0.0.1:5432/iskra_cycle_bench``, or
$CYCLE_BENCH_DATABASE_URL) is dropped and created again at the start unless ``--reuse`` is
given, migrated, and seeded with ``iskra seed --members N --branches M``. Then, in process and
through the services, the national secretary drafts motions in the national committee's name,
submits and admits them, and opens their discussion (timed: circulation to every branch and one
notification per member). Positions for 60% of branches are written in bulk, amendments and
posts through the services; the national committee meets, votes the amendments by show of
hands and the motion by roll call (timed: counting and recording the decision, which notifies
every member); the decision's actions are assigned to every district through the services and
to a few thousand branches in bulk, with commitments and reports.

Measured: the rollups (``motions.selectors.discussion_state``, ``decisions.selectors.dashboard``)
called directly, and the pages requested in-process through Django's test Client (DEBUG off):
each ``--warmup`` times first, then ``--requests`` times measured; the query count comes from
one more call under ``CaptureQueriesContext``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_bench import _env, client_for, iskra, machine, recreate_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/iskra_cycle_bench"
GOALS = {"circulation_s": 2.0, "rollup_p95_ms": 100.0, "page_p95_ms": 50.0}
# The goals: motion and decision pages p95 <= 50 ms; the state-of-discussion rollup and
# the accountability dashboard p95 <= 100 ms -- measured both called directly and as the pages
# that show them.
DASHBOARD_PAGES = (
    "decision's accountability table (htmx), national secretary",
    "state of discussion page",
    "accountability page, national",
)
MOTION_TEXT = """Conference notes the rise in rents across every district.

Conference resolves:

1. to launch a national campaign for rent controls, with a stall in every branch area each
   Saturday for three months;
2. to print and distribute 500 000 leaflets;
3. to ask every branch to hold a public meeting on housing before the end of the quarter.
"""


def timed(fn: Callable[[], Any], *, warmup: int, repeat: int) -> dict[str, Any]:
    """Call ``fn`` ``warmup`` times, then ``repeat`` times timed; query count from one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fn()
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
        "queries": len(queries.captured_queries),
        "sql": [q["sql"] for q in queries.captured_queries],
    }


def page(client: Any, url: str, *, warmup: int, repeat: int, htmx: bool = False) -> dict[str, Any]:
    headers = {"HX-Request": "true"} if htmx else {}

    def get() -> None:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)

    return {"url": url, **timed(get, warmup=warmup, repeat=repeat)}


def build_cycle(*, circulations: int, branch_actions: int, seed: int) -> dict[str, Any]:
    """Run the cycle through the services (bulk where the brief allows); return ids and timings."""
    from django.db import connection, transaction
    from django.utils import timezone

    from iskra.decisions import services as decisions
    from iskra.decisions.models import Action, Commitment, Decision, Report
    from iskra.meetings import services as meetings
    from iskra.meetings.models import Ballot, Vote
    from iskra.members.models import Membership, Status
    from iskra.motions import services as motions
    from iskra.motions.models import Amendment, Circulation, Position
    from iskra.organisation.models import Body, Seat, SeatHolding, Unit

    rng = random.Random(seed)
    national = Unit.objects.get(depth=0)
    committee = Body.objects.get(unit=national, kind=Body.Kind.COMMITTEE)
    # The bench calls its meeting for the next hour: its standing orders ask no notice.
    Body.objects.filter(pk=committee.pk).update(min_notice_days=0)
    secretary = (
        SeatHolding.objects.current()
        .filter(seat__body=committee, seat__grants_officer_rights=True)
        .select_related("holder")
        .first()
        .holder
    )
    # A national committee of 15: the secretary and 14 ordinary members elected to it (setup).
    if SeatHolding.objects.current().filter(seat__body=committee).count() < 15:
        candidates = list(
            Membership.objects.filter(status=Status.MEMBER)
            .exclude(user__seat_holdings__isnull=False)
            .order_by("pk")
            .values_list("user_id", flat=True)[:14]
        )
        seats = Seat.objects.bulk_create(
            [
                Seat(
                    body=committee,
                    role=Seat.Role.COMMITTEE_MEMBER,
                    title=f"National Committee member {i + 1}",
                    constituency_unit=national,
                )
                for i in range(len(candidates))
            ]
        )
        started_on = timezone.localdate() - timedelta(days=200)
        SeatHolding.objects.bulk_create(
            [
                SeatHolding(seat=seat, holder_id=uid, started_on=started_on)
                for seat, uid in zip(seats, candidates, strict=True)
            ]
        )
    committee_members = list(meetings.body_members(committee))

    out: dict[str, Any] = {"open_discussion_s": [], "notified": []}
    motion_list = []
    for n in range(circulations):
        motion = motions.create_motion(
            actor=secretary,
            body=committee,
            title=f"Rent controls now ({n + 1})" if n else "Rent controls now",
            text=MOTION_TEXT,
            supporting_statement="Rents have risen faster than wages for ten years.",
            by_body=True,
            authority="National Committee, 3 March",
        )
        motions.submit_motion(actor=secretary, motion=motion)
        motions.admit_motion(actor=secretary, motion=motion)
        started = time.perf_counter()
        notified = motions.open_discussion(actor=secretary, motion=motion)
        out["open_discussion_s"].append(round(time.perf_counter() - started, 3))
        out["notified"].append(notified)
        motion_list.append(motion)
    motion = motion_list[0]
    out["motion_id"] = motion.pk
    out["circulations"] = Circulation.objects.filter(motion=motion).count()

    # Amendments and a discussion thread through the services.
    amendments = [
        motions.table_amendment(
            actor=secretary,
            motion=motion,
            kind=kind,
            passage=passage,
            new_text=new,
            explanation="From the discussion.",
        )
        for kind, passage, new in (
            ("replace", "500 000 leaflets", "750 000 leaflets"),
            ("insert", "rent controls", " and a tenants' union in every town"),
            ("delete", " before the end of the quarter", ""),
        )
    ]
    speakers = list(
        Membership.objects.filter(status=Status.MEMBER)
        .select_related("user", "unit")
        .order_by("?")[:30]
    )
    parent = None
    for i, membership in enumerate(speakers):
        post = motions.post_to_discussion(
            actor=membership.user,
            motion=motion,
            text=f"Our branch discussed this at length; point {i + 1}: we agree with the aim.",
            parent=parent if i % 3 else None,
        )
        parent = post if i % 3 == 0 else parent

    # Positions of 60% of the branches, in bulk (as if each branch secretary recorded it).
    circulated = list(Circulation.objects.filter(motion=motion).values_list("unit_id", "members"))
    chosen = rng.sample(circulated, k=int(0.6 * len(circulated)))
    now = timezone.now()
    stances = [Position.Stance.SUPPORT] * 5 + [Position.Stance.OPPOSE] * 3
    stances += [Position.Stance.SUPPORT_IF_AMENDED] * 2
    positions = []
    for unit_id, members in chosen:
        present = max(1, members // 3)
        votes_for = rng.randint(0, present)
        positions.append(
            Position(
                motion=motion,
                unit_id=unit_id,
                stance=rng.choice(stances),
                votes_for=votes_for,
                votes_against=present - votes_for,
                mandate=rng.choice(Position.Mandate.values),
                recorded_by=secretary,
                recorded_at=now - timedelta(minutes=rng.randint(0, 20000)),
            )
        )
    # Some corrections: the superseded rows are kept.
    superseded = [
        Position(
            motion=motion,
            unit_id=p.unit_id,
            stance=Position.Stance.OPPOSE,
            recorded_by=secretary,
            recorded_at=p.recorded_at - timedelta(days=1),
            is_current=False,
        )
        for p in positions[: len(positions) // 20]
    ]
    Position.objects.bulk_create(positions + superseded, batch_size=2000)
    out["positions"] = len(positions)

    # The national committee meets: amendments first (show of hands), the motion by roll call.
    meeting = meetings.schedule_meeting(
        actor=secretary,
        body=committee,
        title="National Committee",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    for user in committee_members:
        meetings.mark_attendance(actor=secretary, meeting=meeting, user=user)
    meetings.open_meeting(actor=secretary, meeting=meeting, reason="opened at once (bench)")
    present = len(committee_members)
    for i, amendment in enumerate(amendments):
        meetings.take_show_of_hands(
            actor=secretary,
            meeting=meeting,
            motion=motion,
            amendment=amendment,
            votes_for=present - 3 if i == 0 else 3,
            votes_against=3 if i == 0 else present - 3,
        )
    vote = meetings.open_vote(
        actor=secretary, meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    for i, user in enumerate(committee_members):
        choice = Ballot.Choice.AGAINST if i % 4 == 3 else Ballot.Choice.FOR
        meetings.cast_named_vote(actor=user, vote=vote, choice=choice)
    started = time.perf_counter()
    meetings.close_vote(actor=secretary, vote=vote)
    out["close_vote_and_record_decision_s"] = round(time.perf_counter() - started, 3)
    meetings.close_meeting(actor=secretary, meeting=meeting)
    decision = Decision.objects.get(motion=motion)
    out["decision_id"] = decision.pk
    against = Ballot.objects.filter(vote=vote, choice=Ballot.Choice.AGAINST).select_related("user")
    for ballot in against[:2]:
        decisions.add_dissent(
            actor=ballot.user, decision=decision, text="We think this overstretches the branches."
        )
    out["amendments_carried"] = Amendment.objects.filter(
        motion=motion, status=Amendment.Status.CARRIED
    ).count()

    # Actions: one per district through the services, then a few thousand branch actions,
    # commitments and reports in bulk.
    due = timezone.localdate() + timedelta(days=30)
    districts = list(Unit.objects.filter(depth=1).order_by("pk"))
    district_actions = {
        d.pk: decisions.create_action(
            actor=secretary,
            decision=decision,
            title=f"Leaflet {d.name}",
            due_on=due,
            target=10000,
            measure="leaflets",
            unit=d,
        )
        for d in districts
    }
    branches = list(Unit.objects.filter(depth=2).values_list("pk", "path", "parent_id"))
    picked = rng.sample(branches, k=min(branch_actions, len(branches)))
    yesterday = timezone.localdate() - timedelta(days=1)
    with transaction.atomic():
        actions = Action.objects.bulk_create(
            [
                Action(
                    decision=decision,
                    parent=district_actions[parent_id],
                    title="Saturday stalls and leaflets",
                    due_on=yesterday if i % 10 == 0 else due,
                    target=rng.choice((200, 500, 1000)),
                    measure="leaflets",
                    unit_id=pk,
                    unit_path=path,
                    created_by=secretary,
                    created_at=now,
                )
                for i, (pk, path, parent_id) in enumerate(picked)
            ],
            batch_size=2000,
        )
        # A few actions for individual members (their branch's officers follow them up).
        assignees = [m.user for m in speakers[:20]]
        actions += Action.objects.bulk_create(
            [
                Action(
                    decision=decision,
                    title="Write the campaign's leaflet text",
                    due_on=due,
                    target=1,
                    assignee=user,
                    created_by=secretary,
                    created_at=now,
                )
                for user in assignees
            ]
        )
        members_by_unit: dict[int, list[int]] = defaultdict(list)
        for unit_id, user_id in Membership.objects.filter(status=Status.MEMBER).values_list(
            "unit_id", "user_id"
        ):
            members_by_unit[unit_id].append(user_id)
        commitments = []
        for action in actions:
            pool = members_by_unit.get(action.unit_id or 0) or [action.assignee_id]
            for user_id in rng.sample(pool, k=min(len(pool), rng.randint(0, 4))):
                commitments.append(
                    Commitment(
                        action=action,
                        user_id=user_id,
                        description="Leaflet Saturday, 2 hours",
                        amount=rng.choice((50, 100, 200)),
                        due_on=action.due_on,
                        created_at=now,
                    )
                )
        commitments = Commitment.objects.bulk_create(commitments, batch_size=5000)
        reports = [
            Report(
                action_id=c.action_id,
                unit_id=c.action.unit_id,
                commitment=c,
                figure=c.amount,
                text="Done.",
                reported_by_id=c.user_id,
                created_at=now,
            )
            for c in commitments
            if rng.random() < 0.5
        ]
        reports += [
            Report(
                action=a,
                unit_id=a.unit_id,
                figure=rng.randint(50, 500),
                text="Branch report.",
                reported_by=secretary,
                created_at=now,
            )
            for a in actions
            if a.unit_id and rng.random() < 0.4
        ]
        Report.objects.bulk_create(reports, batch_size=5000)
    out.update(
        district_actions=len(district_actions),
        branch_and_member_actions=len(actions),
        commitments=len(commitments),
        reports=len(reports),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return out


def measure(*, ids: dict[str, Any], warmup: int, requests: int) -> dict[str, Any]:

    from iskra.decisions.models import Decision
    from iskra.decisions.selectors import dashboard
    from iskra.members.models import Membership, Status
    from iskra.motions.models import Motion
    from iskra.motions.selectors import discussion_state
    from iskra.organisation.models import SeatHolding, Unit

    motion = Motion.objects.select_related("body__unit").get(pk=ids["motion_id"])
    decision = Decision.objects.select_related("body__unit", "scope").get(pk=ids["decision_id"])
    national = Unit.objects.get(depth=0)
    district = Unit.objects.filter(depth=1).order_by("pk").first()
    secretary = (
        SeatHolding.objects.current()
        .filter(seat__body__unit=national, seat__grants_officer_rights=True)
        .select_related("holder")
        .first()
        .holder
    )
    member = (
        Membership.objects.filter(status=Status.MEMBER)
        .exclude(user__seat_holdings__isnull=False)
        .select_related("user")
        .order_by("pk")[500]
    )

    rollups = {
        "discussion_state(motion)": timed(
            lambda: discussion_state(motion), warmup=warmup, repeat=requests
        ),
        "dashboard(decision, national)": timed(
            lambda: dashboard(decision=decision, unit=national), warmup=warmup, repeat=requests
        ),
        "dashboard(national)": timed(
            lambda: dashboard(unit=national), warmup=warmup, repeat=requests
        ),
        "dashboard(a district)": timed(
            lambda: dashboard(unit=district), warmup=warmup, repeat=requests
        ),
    }
    as_member, as_secretary = client_for(member.user), client_for(secretary)
    pages = {
        "motion page, member": page(
            as_member, f"/motions/{motion.pk}/", warmup=warmup, repeat=requests
        ),
        "motion page, national secretary": page(
            as_secretary, f"/motions/{motion.pk}/", warmup=warmup, repeat=requests
        ),
        "decision page, member": page(
            as_member, f"/decisions/{decision.pk}/", warmup=warmup, repeat=requests
        ),
        "decision page, national secretary": page(
            as_secretary, f"/decisions/{decision.pk}/", warmup=warmup, repeat=requests
        ),
        # What the decision page loads into itself with htmx once it is shown.
        "decision's accountability table (htmx), national secretary": page(
            as_secretary,
            f"/decisions/{decision.pk}/accountability/",
            warmup=warmup,
            repeat=requests,
            htmx=True,
        ),
        "state of discussion page": page(
            as_member, f"/motions/{motion.pk}/state/", warmup=warmup, repeat=requests
        ),
        "accountability page, national": page(
            as_secretary, f"/units/{national.pk}/accountability/", warmup=warmup, repeat=requests
        ),
    }
    return {"rollups": rollups, "pages": pages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument("--circulations", type=int, default=3, help="Motions circulated (timed).")
    parser.add_argument("--branch-actions", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="Skip drop/create/migrate/seed.")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="With --reuse: skip building the cycle too; measure the latest decided motion.",
    )
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()

    url = os.environ.get("CYCLE_BENCH_DATABASE_URL", DEFAULT_URL)
    data_dir = tempfile.mkdtemp(prefix="iskra-cycle-bench-")
    env = _env(url, data_dir)
    env["EMAIL_URL"] = "dummy://"
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "ISKRA_ENV", "DEBUG", "ISKRA_DATA_DIR", "EMAIL_URL")}
    )
    report: dict[str, Any] = {"machine": machine(), "database": url}
    if not args.reuse:
        recreate_database(url)
        migrate_s, _ = iskra(env, "migrate", "-v0")
        seed_s, seed_out = iskra(
            env, "seed", "--members", str(args.members), "--branches", str(args.branches)
        )
        print(seed_out, end="", flush=True)
        report["migrate_s"] = round(migrate_s, 1)
        report["seed_s"] = round(seed_s, 1)
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()
    from iskra.members.models import Membership
    from iskra.organisation.models import Unit

    report["data"] = {
        "memberships": Membership.objects.count(),
        "branches": Unit.objects.filter(depth=2).count(),
        "districts": Unit.objects.filter(depth=1).count(),
    }
    if args.measure_only:
        from iskra.decisions.models import Decision

        latest = Decision.objects.order_by("-pk").first()
        assert latest is not None, "no decision yet: run without --measure-only first"
        report["cycle"] = {"motion_id": latest.motion_id, "decision_id": latest.pk}
    else:
        started = time.perf_counter()
        report["cycle"] = build_cycle(
            circulations=args.circulations, branch_actions=args.branch_actions, seed=1
        )
        report["cycle"]["build_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2), flush=True)
    report.update(measure(ids=report["cycle"], warmup=args.warmup, requests=args.requests))
    if not args.show_sql:
        for group in ("rollups", "pages"):
            for result in report[group].values():
                result.pop("sql")
    print(json.dumps({k: report[k] for k in ("rollups", "pages")}, indent=2))
    print()
    circ = report["cycle"].get("open_discussion_s")
    if circ:
        ok = "met" if max(circ) <= GOALS["circulation_s"] else "MISSED"
        print(f"open_discussion: {circ} s (goal ≤ {GOALS['circulation_s']} s: {ok})")
    print()
    print("| Measure | p50 ms | p95 ms | queries | goal |")
    print("|---|---:|---:|---:|---|")
    for group, goal in (("rollups", "rollup_p95_ms"), ("pages", "page_p95_ms")):
        for name, result in report[group].items():
            limit = GOALS["rollup_p95_ms" if name in DASHBOARD_PAGES else goal]
            ok = "met" if result["p95_ms"] <= limit else "MISSED"
            print(
                f"| {name} | {result['p50_ms']} | {result['p95_ms']} | {result['queries']} "
                f"| p95 ≤ {limit:g} ms: {ok} |"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
