"""Foundation benchmark: seed 100 000 members in 5 000 branches on PostgreSQL, time the pages.

    uv run python bench/foundation_bench.py                 # drop, create, migrate, seed, measure
    uv run python bench/foundation_bench.py --reuse         # measure an already seeded database

The database (default ``postgres://postgres@127.0.0.1:5432/iskra_bench``, or $BENCH_DATABASE_URL)
is dropped and created again at the start unless ``--reuse`` is given. Pages are requested
in-process through Django's test Client; "server time" is the wall time around ``client.get``
(middleware, view, queries, template rendering), with DEBUG off. Each page is requested
``--warmup`` times first, then ``--requests`` times measured; the query count comes from one more
request under ``CaptureQueriesContext``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/iskra_bench"
GOAL_MS = 50.0
# Surnames the seeder uses; searches cycle through them so no single plan or cache decides.
SURNAMES = ["Patel", "Nowak", "Okafor", "Murray", "Lindqvist", "Campbell", "Haddad", "Reid"]


def _env(url: str, data_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ISKRA_ENV": "development",
        "DEBUG": "0",
        "ISKRA_DATA_DIR": data_dir,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def iskra(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "iskra.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, result.stdout


def measure(
    client: Any, urls: Callable[[int], str], *, warmup: int, requests: int
) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warmup):
        response = client.get(urls(i))
        assert response.status_code == 200, (urls(i), response.status_code)
    times: list[float] = []
    for i in range(requests):
        url = urls(i)
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(urls(0))
    times.sort()
    return {
        "url": urls(0),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
        "queries": len(queries.captured_queries),
        "sql": [q["sql"] for q in queries.captured_queries],
    }


def client_for(user: Any) -> Any:
    """A test client signed in as ``user``, past the two-factor step."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def pages(*, warmup: int, requests: int, show_sql: bool) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()

    from iskra.accounts.models import User
    from iskra.members.models import Membership, Status
    from iskra.organisation.models import SeatHolding

    national = (
        SeatHolding.objects.current()
        .filter(seat__grants_officer_rights=True, seat__body__unit__depth=0)
        .select_related("holder")
        .first()
    )
    assert national is not None, "no national secretary: is the database seeded?"
    # A secretary of a typical branch (not the first one, which also holds the national officer).
    secretaries = SeatHolding.objects.current().filter(
        seat__grants_officer_rights=True, seat__body__unit__depth=2
    )
    secretary_holding = secretaries.select_related("holder").order_by("pk")[
        min(100, secretaries.count() - 1)
    ]
    members = Membership.objects.filter(status=Status.MEMBER).exclude(
        user__seat_holdings__isnull=False
    )
    member = members.select_related("user").order_by("pk")[min(500, members.count() - 1)]
    branch_id = member.unit_id
    counts = {
        "members": Membership.objects.count(),
        "people": User.objects.count(),
    }

    member_client = client_for(member.user)
    results = {
        "member home (/)": measure(member_client, lambda i: "/", warmup=warmup, requests=requests),
        "branch page (/units/<id>/)": measure(
            member_client, lambda i: f"/units/{branch_id}/", warmup=warmup, requests=requests
        ),
        "directory search, national officer": measure(
            client_for(national.holder),
            lambda i: f"/members/?q={SURNAMES[i % len(SURNAMES)]}",
            warmup=warmup,
            requests=requests,
        ),
        "directory search, branch secretary": measure(
            client_for(secretary_holding.holder),
            lambda i: f"/members/?q={SURNAMES[i % len(SURNAMES)]}",
            warmup=warmup,
            requests=requests,
        ),
    }
    if not show_sql:
        for result in results.values():
            result.pop("sql")
    return {"data": counts, "pages": results}


def machine() -> dict[str, str]:
    def sh(*command: str) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError:
            return "?"
        return result.stdout.strip()

    def field(text: str, start: str) -> str:
        found = [row for row in text.splitlines() if row.startswith(start)]
        return found[0].split(":", 1)[1].strip() if found else "?"

    return {
        "nproc": sh("nproc"),
        "cpu": field(sh("lscpu"), "Model name"),
        "memory_gb": field(sh("free", "-g"), "Mem").split()[0],
        "postgres": sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"),
        "python": platform.python_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="Skip drop/create/migrate/seed.")
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    data_dir = tempfile.mkdtemp(prefix="iskra-bench-")
    env = _env(url, data_dir)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "ISKRA_ENV", "DEBUG", "ISKRA_DATA_DIR")})
    report: dict[str, Any] = {"machine": machine(), "database": url}
    if not args.reuse:
        recreate_database(url)
        migrate_s, _ = iskra(env, "migrate", "-v0")
        seed_s, seed_out = iskra(
            env, "seed", "--members", str(args.members), "--branches", str(args.branches)
        )
        print(seed_out, end="")
        report["migrate_s"] = round(migrate_s, 1)
        report["seed_s"] = round(seed_s, 1)
        # Fresh statistics, as autovacuum would soon give a real installation.
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    report.update(pages(warmup=args.warmup, requests=args.requests, show_sql=args.show_sql))
    print(json.dumps(report, indent=2))
    print()
    print("| Page | p50 ms | p95 ms | queries | goal p95 ≤ 50 ms |")
    print("|---|---:|---:|---:|---|")
    for name, result in report["pages"].items():
        ok = "met" if result["p95_ms"] <= GOAL_MS else "MISSED"
        print(f"| {name} | {result['p50_ms']} | {result['p95_ms']} | {result['queries']} | {ok} |")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
