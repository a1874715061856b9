"""Recall benchmark: a petition to recall a national officer, elected by all 100 000 members.

    uv run python bench/recall_bench.py                        # PostgreSQL: a new database
    uv run python bench/recall_bench.py --reuse DATABASE_URL   # an already seeded database

Without ``--reuse``, the PostgreSQL database ``iskra_bench_recall`` (or $BENCH_RECALL_DATABASE_URL)
is dropped, created, migrated and seeded with ``iskra seed``'s organisation (100 000 members in
5 000 branches). With it, any database seeded that way (the search bench's, SQLite or
PostgreSQL) is migrated to today's schema and used; the bench's petition is removed afterwards.

Measured, in one process with DEBUG off, as a request meets it (each person read afresh):

- starting the petition: the constituency's 100 000 members written as the eligible list;
- signing: ``--signatures`` members sign through the service, and ``--http`` more through the
  page (``POST /recall/<id>/sign/``, Django's test client: session, middleware, view, redirect);
- the signature that reaches the threshold, which opens the secret recall ballot of 100 000
  voters in the same transaction (roll frozen, scrutineer drawn, credentials queued);
- floors in the same run: a membership read by its primary key, and a one-row UPDATE.

Then a national conference's delegate entitlement, its delegate seats and their cards (the card
weights of a card vote) from the register today and 30 days ago.

Goals (issue 13): signing p95 <= 50 ms; the threshold check and the automatic ballot <= 2 s;
entitlement and card weights for a national conference <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The search bench's helpers: the machine's description, a PostgreSQL database made anew,
# percentiles (this folder is the script's, so its siblings import).
from search_bench import _percentiles, machine, recreate_database

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/iskra_bench_recall"


def _timed(n: int, act: Callable[[int], Any]) -> dict[str, Any]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        act(i)
        times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times)


def _profiled(profile: bool, act: Callable[[], Any]) -> Any:
    """Run ``act``; with ``profile``, under cProfile, its 25 costliest calls to stderr."""
    if not profile:
        return act()
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(act)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    return result


def measure(*, signatures: int, http: int, profile: bool = False) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings

    from iskra.accounts.models import User
    from iskra.members.models import Membership, Status
    from iskra.organisation.models import Body, SeatHolding, Unit
    from iskra.representation import services
    from iskra.representation.models import RecallPetition

    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    assert root is not None
    holding = (
        SeatHolding.objects.current()
        .filter(seat__body__unit=root, seat__grants_officer_rights=True)
        .select_related("seat")
        .order_by("pk")
        .first()
    )
    assert holding is not None, "the seeded organisation has no national officer"
    seat = holding.seat
    seat.constituency_unit = root
    seat.constituency_body = None
    seat.save(update_fields=["constituency_unit", "constituency_body"])
    Body.objects.filter(pk=seat.body_id).update(recall_threshold_percent=20, recall_spread_units=0)
    RecallPetition.objects.filter(holding=holding).delete()

    members = list(
        Membership.objects.filter(status=Status.MEMBER)
        .exclude(user_id=holding.holder_id)
        .values_list("user_id", flat=True)
    )
    rng = random.Random(1871)
    rng.shuffle(members)
    results: dict[str, Any] = {"constituency": len(members) + 1}

    starter = User.objects.get(pk=members[0])
    started = time.perf_counter()
    petition = _profiled(
        profile,
        lambda: services.start_petition(
            actor=starter, holding=holding, reason="Bench: the national officer ignored conference."
        ),
    )
    results["start a petition (100 000 eligible written), ms"] = round(
        (time.perf_counter() - started) * 1000, 1
    )
    results["required"] = petition.required

    signers = iter(members[1:])

    def sign(_: int) -> None:
        user = User.objects.get(pk=next(signers))  # as a request reads its user
        services.sign(actor=user, petition=petition)

    results["sign, service"] = _timed(signatures, sign)

    # Through the page, as a member's phone does it (CSRF checks off: the test client). One
    # client, as one server process: a new client would load the middleware for each request.
    client = Client()
    with override_settings(DEBUG=False):

        def sign_page(_: int) -> None:
            client.force_login(User.objects.get(pk=next(signers)))
            started_at = time.perf_counter()
            response = client.post(f"/recall/{petition.pk}/sign/")
            assert response.status_code == 302, response.status_code
            page_times.append((time.perf_counter() - started_at) * 1000)

        page_times: list[float] = []
        for i in range(http):
            sign_page(i)
        results["sign, page POST /recall/<id>/sign/"] = _percentiles(page_times)

    # The signature that reaches the threshold opens the recall ballot in its transaction.
    petition.refresh_from_db()
    RecallPetition.objects.filter(pk=petition.pk).update(required=petition.signatures + 1)
    user = User.objects.get(pk=next(signers))
    started = time.perf_counter()
    _profiled(profile, lambda: services.sign(actor=user, petition=petition))
    results["the signature reaching the threshold + the recall ballot opened, ms"] = round(
        (time.perf_counter() - started) * 1000, 1
    )
    petition.refresh_from_db()
    assert petition.ballot is not None
    results["recall ballot roll"] = petition.ballot.roll_size

    membership_ids = members[:500]
    results["floor: a membership by its primary key"] = _timed(
        200, lambda i: Membership.objects.filter(user_id=membership_ids[i % 500]).first()
    )

    def update(i: int) -> None:
        with transaction.atomic():
            RecallPetition.objects.filter(pk=petition.pk).update(eligible=petition.eligible)

    results["floor: a one-row UPDATE in a transaction"] = _timed(200, update)
    # Delegate entitlement of a national conference: every branch's members, the rule, seats.
    from datetime import timedelta

    from django.utils import timezone

    from iskra.representation.entitlement import entitlement, make_delegate_seats

    conference = Body.objects.filter(unit=root, name="Bench conference").first()
    if conference is None:
        conference = Body.objects.create(
            unit=root, kind=Body.Kind.CONFERENCE, name="Bench conference"
        )
    Body.objects.filter(pk=conference.pk).update(
        entitlement_rule="proportional", entitlement_step=10
    )
    conference.refresh_from_db()
    from iskra.organisation.models import Seat

    Seat.objects.filter(body=conference).delete()
    for label, on in (
        ("today", None),
        (
            "30 days ago (each member's standing from their history)",
            timezone.localdate() - timedelta(days=30),
        ),
    ):
        started = time.perf_counter()
        rows = entitlement(conference, on=on)
        results[f"entitlement of a national conference, register {label}, ms"] = round(
            (time.perf_counter() - started) * 1000, 1
        )
    results["entitlement: units, delegates"] = [len(rows), sum(r.delegates for r in rows)]
    officer = User.objects.get(pk=holding.holder_id)
    started = time.perf_counter()
    made = make_delegate_seats(actor=officer, body=conference)
    results["making the delegate seats (entitlement included), ms"] = round(
        (time.perf_counter() - started) * 1000, 1
    )
    results["delegate seats made"] = made.created
    # The cards of that conference at a card vote (public on its meeting's page): every
    # delegate seat's unit's members, from the register today and 30 days ago.
    from iskra.meetings.services import card_weights

    for label, day in (
        ("today", timezone.localdate()),
        ("30 days ago", timezone.localdate() - timedelta(days=30)),
    ):
        started = time.perf_counter()
        cards = card_weights(conference, day)
        results[f"card weights of a national conference, register {label}, ms"] = round(
            (time.perf_counter() - started) * 1000, 1
        )
    results["cards: delegations, members"] = [len(cards), float(sum(c.weight for c in cards))]
    Seat.objects.filter(body=conference).delete()
    results["engine"] = connection.vendor
    return results


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()
    from django.core.management import call_command

    from iskra.members.seeding import seed_organisation

    report: dict[str, Any] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    report["migrate_s"] = round(time.perf_counter() - started, 1)
    if not args.reuse:
        started = time.perf_counter()
        seed_organisation(members=args.members, branches=max(1, args.members // 20))
        report["seed_s"] = round(time.perf_counter() - started, 1)
    report["results"] = measure(signatures=args.signatures, http=args.http, profile=args.profile)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--signatures", type=int, default=200)
    parser.add_argument("--http", type=int, default=50)
    parser.add_argument("--reuse", metavar="DATABASE_URL")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the start and the threshold (stderr)."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args)))
        return 0
    url = args.reuse or os.environ.get("BENCH_RECALL_DATABASE_URL", DEFAULT_PG_URL)
    if not args.reuse:
        recreate_database(url)
    data_dir = tempfile.mkdtemp(prefix="iskra-recall-bench-")
    env = {**os.environ, "DATABASE_URL": url, "ISKRA_ENV": "development", "DEBUG": "0"}
    env["ISKRA_DATA_DIR"] = data_dir
    env.pop("DJANGO_SETTINGS_MODULE", None)
    argv = ["--members", str(args.members), "--signatures", str(args.signatures)]
    argv += ["--http", str(args.http), *(("--reuse", args.reuse) if args.reuse else ())]
    argv += ["--profile"] if args.profile else []
    report: dict[str, Any] = {"machine_at_start": machine()}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or args.profile:
        print(done.stderr, file=sys.stderr)
    if done.returncode != 0:
        return done.returncode
    report.update(json.loads(done.stdout.strip().splitlines()[-1]))
    report["wall_s"] = round(time.perf_counter() - started, 1)
    report["load_average_after"] = machine()["load_average"]
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
