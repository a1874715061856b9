"""Search benchmark: 100 000 members and 50 000 motions and posts, on SQLite and PostgreSQL.

    uv run python bench/search_bench.py                      # both engines, the full size
    uv run python bench/search_bench.py --engine sqlite --members 20000 --motions 5000 --posts 5000

For each engine, a process of its own: a new database (a temporary SQLite file; the PostgreSQL
database ``iskra_bench_search``, or $BENCH_SEARCH_DATABASE_URL, dropped and created), migrated,
seeded with ``iskra seed``'s organisation (members in branches), then motions and posts written
with ``bulk_create`` from a fixed vocabulary (frequent words and rare ones, Zipf-like), the index
rebuilt with ``iskra search reindex``'s function, statistics refreshed. Then ``--searches``
searches (default 200) of common words, rare words, prefixes, several words, names and words
that are nowhere, each through the service (``iskra.search.selectors.search``: every kind's
count and its best five, as the page first shows them) as a national officer (every member in
scope), a branch secretary and an ordinary member, each search with the person read afresh, as
a request would. A few go through the page over HTTP (Django's test client, DEBUG off).

The floors, measured in the same run on the same data: a motion read by its primary key (what
no search can beat) and the member directory's existing ``icontains`` search of a surname (the
page the officer already uses), and a motion title ``icontains`` with its count (what a search
without a full-text index would do).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/iskra_bench_search"
GOAL_P95_MS = 100.0


def _words(text: str) -> list[str]:
    return text.split()


# The vocabulary of motions and posts, most frequent first.
VOCABULARY = _words(
    "the branch members union workers campaign strike pay meeting council committee national "
    "support motion housing rent hospital library school transport bus rail nurses teachers "
    "cuts budget public services local district conference delegates ballot vote action "
    "picket leaflet rally demonstration petition solidarity organise organising recruitment "
    "contract hours overtime safety health care wages pension jobs closure privatisation "
    "tenants landlord eviction repairs energy bills prices inflation food bank community "
    "workplace shop steward rep training education youth students climate water sewage "
    "parks pool youth-club childcare disability access equality racism migrants refugees "
    "asylum women equal-pay harassment policing protest rights democracy accountability "
    "recall election candidates manifesto newspaper paper sales distribution fund donations "
    "treasurer report minutes agenda quorum amendment composite remit emergency urgent "
    "regional warehouse logistics drivers couriers delivery gig platform app algorithm "
    "zero-hours agency outsourcing cleaners porters caterers security guards council-tax "
    "ward councillor mayor parliament government minister austerity funding grant levy "
    "dockers port seafarers airport cabin crew baggage handlers railway signallers guards "
    "buses depot garage mechanics engineers electricians builders scaffolders bricklayers "
    "carpenters plasterers painters roofers labourers apprentices graduates interns "
    "translators interpreters librarians archivists curators museum gallery theatre cinema "
    "musicians actors writers journalists printers typesetters designers programmers"
)
# Words in few documents: a rare search finds a handful.
RARE = _words(
    "quinquennial saltmarsh kittiwake ptarmigan basalt isthmus fjord marram samphire "
    "corncrake lapwing curlew bittern heron osprey merlin"
)
SURNAMES = ["Patel", "Nowak", "Okafor", "Murray", "Lindqvist", "Campbell", "Haddad", "Reid"]
SEARCHES: list[tuple[str, str]] = [
    ("common word", "branch"),
    ("common word", "strike"),
    ("common word", "hospital"),
    ("common word", "workers"),
    ("rare word", "kittiwake"),
    ("rare word", "saltmarsh"),
    ("rare word", "corncrake"),
    ("prefix", "hosp"),
    ("prefix", "organ"),
    ("prefix", "picke"),
    ("several words", "hospital strike ballot"),
    ("several words", "library closure campaign"),
    ("several words", "bus drivers pay"),
    ("name", "Patel"),
    ("name", "Nowak"),
    ("name", "Campbell Reid"),
    ("no hit", "xylophone"),
    ("no hit", "qwertyuiop asdf"),
    ("no hit", "zzz"),
    ("words and signs", 'NEAR("pay" -cuts'),
]


def _zipf_words(rng: random.Random, n: int) -> str:
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    words = rng.choices(VOCABULARY, weights=weights, k=n)
    if words and rng.random() < 0.02:
        words[rng.randrange(n)] = rng.choice(RARE)
    return " ".join(words)


def seed_content(*, motions: int, posts: int, rng: random.Random) -> dict[str, float]:
    """Motions before the organisation's bodies and posts on them, written in bulk."""
    from django.utils import timezone

    from iskra.accounts.models import User
    from iskra.motions.models import Motion, MotionStatus, Post
    from iskra.organisation.models import Body

    bodies = list(Body.objects.values_list("pk", flat=True))
    authors = list(User.objects.order_by("pk").values_list("pk", flat=True)[:5000])
    now = timezone.now()
    started = time.perf_counter()
    statuses = [MotionStatus.SUBMITTED, MotionStatus.IN_DISCUSSION, MotionStatus.CARRIED]
    batch = [
        Motion(
            body_id=rng.choice(bodies),
            title=_zipf_words(rng, rng.randint(4, 9)).capitalize()[:200],
            text=_zipf_words(rng, rng.randint(60, 160)),
            supporting_statement=_zipf_words(rng, rng.randint(0, 40)),
            status=rng.choice(statuses),
            created_by_id=rng.choice(authors),
            created_at=now,
        )
        for _ in range(motions)
    ]
    Motion.objects.bulk_create(batch, batch_size=2000)
    motion_ids = list(Motion.objects.values_list("pk", flat=True))
    motions_s = time.perf_counter() - started
    started = time.perf_counter()
    Post.objects.bulk_create(
        (
            Post(
                motion_id=rng.choice(motion_ids),
                author_id=rng.choice(authors),
                text=_zipf_words(rng, rng.randint(15, 80)),
                created_at=now,
                # One post in fifty hidden by a moderator: never found.
                hidden_at=now if rng.random() < 0.02 else None,
            )
            for _ in range(posts)
        ),
        batch_size=2000,
    )
    return {"motions_s": round(motions_s, 1), "posts_s": round(time.perf_counter() - started, 1)}


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)

    def at(share: float) -> float:
        return round(times[min(len(times) - 1, int(share * len(times)))], 2)

    return {"n": len(times), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def _timed(n: int, call: Callable[[int], Any]) -> dict[str, float]:
    for i in range(min(10, n)):  # warm the caches and the plans
        call(i)
    times = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times)


def measure(*, searches: int, http: int) -> dict[str, Any]:
    from django.test import Client

    from iskra.accounts.models import User
    from iskra.members import selectors as members
    from iskra.members.models import Membership, Status
    from iskra.motions.models import Motion
    from iskra.organisation.models import SeatHolding
    from iskra.search.selectors import search

    officers = SeatHolding.objects.current().filter(seat__grants_officer_rights=True)
    national = officers.filter(seat__body__unit__depth=0).order_by("pk").first()
    assert national is not None
    branch_secretaries = officers.filter(seat__body__unit__depth=2).order_by("pk")
    secretary = branch_secretaries[min(100, branch_secretaries.count() - 1)]
    ordinary = (
        Membership.objects.filter(status=Status.MEMBER)
        .exclude(user__seat_holdings__isnull=False)
        .order_by("pk")[500]
    )
    people = {
        "national officer": national.holder_id,
        "branch secretary": secretary.holder_id,
        "member": ordinary.user_id,
    }
    results: dict[str, Any] = {}
    by_search: dict[str, dict[str, list[float]]] = {}
    for persona, user_id in people.items():
        times: list[float] = []
        hits: dict[str, int] = {}
        for i in range(searches + 10):
            label, text = SEARCHES[i % len(SEARCHES)]
            started = time.perf_counter()
            user = User.objects.get(pk=user_id)  # as a request reads its user
            found = search(user, text=text)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= 10:  # the first ten warm up
                times.append(elapsed)
                by_search.setdefault(persona, {}).setdefault(label, []).append(elapsed)
            hits[text] = found.total
        results[f"service, {persona}"] = {**_percentiles(times), "results": hits}
        results[f"service, {persona}, by kind of search"] = {
            label: _percentiles(t)["p95_ms"] for label, t in by_search[persona].items()
        }
    one_kind = User.objects.get(pk=people["member"])
    results["service, member, motions only, page 2"] = _timed(
        searches,
        lambda i: search(
            User.objects.get(pk=one_kind.pk),
            text=SEARCHES[i % 4][1],
            kind="motion",
            page=2,
        ),
    )

    # The floors and the peer, on the same data in the same run.
    motion_ids = list(Motion.objects.order_by("?").values_list("pk", flat=True)[:500])
    results["floor: a motion by its primary key"] = _timed(
        searches, lambda i: Motion.objects.filter(pk=motion_ids[i % len(motion_ids)]).first()
    )

    def directory(i: int) -> None:
        user = User.objects.get(pk=people["national officer"])
        page = members.directory(user, query=SURNAMES[i % len(SURNAMES)])
        page.count()
        list(page[:50])

    results["peer: member directory icontains (count + 50), national officer"] = _timed(
        searches, directory
    )

    def naive(i: int) -> None:
        matches = Motion.objects.filter(title__icontains=SEARCHES[i % 4][1])
        matches.count()
        list(matches[:20])

    results["peer: motion title icontains (count + 20), no index"] = _timed(searches, naive)

    for persona in ("national officer", "member"):
        client = Client()
        client.force_login(User.objects.get(pk=people[persona]))
        results[f"HTTP page /search/, {persona}"] = _timed(
            http,
            lambda i, c=client: _get(c, SEARCHES[i % len(SEARCHES)][1]),
        )
    return results


def _get(client: Any, text: str) -> None:
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200, response.status_code


def run_engine(args: argparse.Namespace) -> dict[str, Any]:
    """In the child process: create, seed, index and measure one engine's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from iskra.members.seeding import seed_organisation
    from iskra.search.indexing import reindex
    from iskra.search.models import Entry

    report: dict[str, Any] = {"engine": connection.vendor}
    if args.reuse:
        report["entries"] = Entry.objects.count()
        report["results"] = measure(searches=args.searches, http=args.http)
        return report
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    report["migrate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    seed_organisation(members=args.members, branches=max(1, args.members // 20))
    report["seed_members_s"] = round(time.perf_counter() - started, 1)
    report.update(seed_content(motions=args.motions, posts=args.posts, rng=random.Random(1917)))
    started = time.perf_counter()
    report["indexed"] = reindex()
    report["reindex_s"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report["entries"] = Entry.objects.count()
    report["results"] = measure(searches=args.searches, http=args.http)
    return report


def machine() -> dict[str, str]:
    def sh(*command: str) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError:
            return "?"
        return result.stdout.strip()

    model = [r for r in sh("lscpu").splitlines() if r.startswith("Model name")]
    return {
        "nproc": sh("nproc"),
        "cpu": model[0].split(":", 1)[1].strip() if model else "?",
        "postgres": sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"),
        "python": platform.python_version(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--motions", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=30_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--http", type=int, default=40)
    parser.add_argument("--json", type=Path, help="Also write the report here.")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE_URL",
        help="Measure this already seeded database (one engine) instead of building one.",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args)))
        return 0

    report: dict[str, Any] = {"machine_at_start": machine(), "engines": []}
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    if args.reuse:
        engines = ["sqlite" if args.reuse.startswith("sqlite") else "postgresql"]
    for engine in engines:
        data_dir = tempfile.mkdtemp(prefix="iskra-search-bench-")
        if args.reuse:
            url = args.reuse
        elif engine == "sqlite":
            url = f"sqlite:///{data_dir}/bench.sqlite3"
        else:
            url = os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_PG_URL)
            recreate_database(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ISKRA_ENV": "development",
            "DEBUG": "0",
            "ISKRA_DATA_DIR": data_dir,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        argv = [
            *("--members", str(args.members), "--motions", str(args.motions)),
            *("--posts", str(args.posts), "--searches", str(args.searches)),
            *("--http", str(args.http)),
            *(("--reuse", args.reuse) if args.reuse else ()),
        ]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", *argv],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        engine_report = json.loads(done.stdout.strip().splitlines()[-1])
        engine_report["wall_s"] = round(time.perf_counter() - started, 1)
        engine_report["load_average_after"] = machine()["load_average"]
        report["engines"].append(engine_report)
        print(f"{engine}: done in {engine_report['wall_s']} s", file=sys.stderr)
    print(json.dumps(report, indent=2))
    print()
    print_tables(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def print_tables(report: dict[str, Any]) -> None:
    for engine in report["engines"]:
        results = engine["results"]
        print(f"### {engine['engine']}: {engine['entries']} entries")
        print()
        print("| what | n | p50 ms | p95 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|")
        for name, r in results.items():
            if "p95_ms" in r:
                print(f"| {name} | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |")
        floor = results["floor: a motion by its primary key"]["p95_ms"]
        peer = results["peer: member directory icontains (count + 50), national officer"]
        print()
        for name, r in results.items():
            if name.startswith("service") and "p95_ms" in r:
                goal = "met" if r["p95_ms"] <= GOAL_P95_MS else "MISSED"
                print(
                    f"- {name}: p95 {r['p95_ms']} ms ({goal}), "
                    f"{r['p95_ms'] / floor:.1f}x the primary-key floor, "
                    f"{r['p95_ms'] / peer['p95_ms']:.2f}x the directory search"
                )
        print()


if __name__ == "__main__":
    sys.exit(main())
