"""The events' benchmark (issue 15, part 1): an event page with 1 000 RSVPs, and checking a
name in at the door; on SQLite and PostgreSQL.

    uv run python bench/events_bench.py                       # both engines, about 3 minutes
    uv run python bench/events_bench.py --engine sqlite       # one engine

For each engine, a process of its own: a new database (a temporary SQLite file; the PostgreSQL
database ``iskra_bench_events``, dropped and created), migrated, seeded with ``iskra seed``'s
organisation (``--members``, default 2 000), then one public event of a branch with
``--rsvps`` (default 1 000) RSVPs: the branch's members first (as many as it has), the rest
people from the public; 50 on the waiting list past its capacity.

Measured in-process through Django's test client, DEBUG off, each page warmed up first:
- the event's page as the public (anonymous), as a member who is coming, and as its organiser;
- the door page (the organiser's list: the first 300 names) and the door page searched for a name;
- checking a name in: the htmx POST of the door page's button, ``--checkins`` different names
  (each a real check-in: the row locked, written, audited); and the refusal of a second tap;
- floors in the same run: ``/healthz`` (the whole stack and ``SELECT 1``) and one RSVP read by
  its primary key.

Targets (issue 15): the event page p95 <= 50 ms with 1 000 RSVPs; a check-in p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/iskra_bench_events"
PAGE_P95_MS = 50.0
CHECKIN_P95_MS = 100.0


def _percentiles(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
    }


def _timed(n: int, call: Callable[[int], Any], *, warmup: int = 10) -> dict[str, Any]:
    for i in range(warmup):
        call(i)
    times = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times)


def seed_event(rsvps: int) -> dict[str, Any]:
    import secrets

    from django.utils import timezone

    from iskra.campaigns import services
    from iskra.campaigns.models import Rsvp
    from iskra.members.models import Membership, Status
    from iskra.organisation.models import SeatHolding, Unit
    from iskra.organisation.permissions import officer_paths

    branch = Unit.objects.filter(kind__holds_members=True).order_by("pk").first()
    assert branch is not None
    organiser = next(
        h.holder
        for h in SeatHolding.objects.current().select_related("holder")
        if any(branch.path.startswith(p) for p in officer_paths(h.holder))
    )
    start = timezone.now() + timedelta(days=3)
    event = services.create_event(
        actor=organiser,
        unit=branch,
        kind="public_meeting",
        title="Public meeting: the energy bills",
        place="Town hall, room 1",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        description="Speakers from the branch and the tenants' union. " * 5,
        capacity=rsvps - 50,
        is_public=True,
    )
    now = timezone.now()
    members = list(
        Membership.objects.filter(unit=branch, status=Status.MEMBER)
        .select_related("user")
        .order_by("pk")[:rsvps]
    )
    rows = []
    for n in range(rsvps):
        member = members[n].user if n < len(members) else None
        rows.append(
            Rsvp(
                event=event,
                user=member,
                name=member.full_name if member else f"Reader {n}",
                email=member.email if member else f"reader{n}@example.net",
                consent=member is None,
                status="going" if n < rsvps - 50 else "waiting",
                queued_at=now + timedelta(microseconds=n),
                token=secrets.token_urlsafe(32),
                door_code=secrets.token_urlsafe(32),
                created_at=now,
            )
        )
    Rsvp.objects.bulk_create(rows, batch_size=500)
    return {
        "event_id": event.pk,
        "organiser_id": organiser.pk,
        "member_id": members[0].user_id,
        "members_coming": min(len(members), rsvps),
    }


def measure(seeded: dict[str, Any], *, requests: int, checkins: int) -> dict[str, Any]:
    from django.test import Client

    from iskra.accounts.models import User
    from iskra.campaigns.models import Rsvp

    event_id = seeded["event_id"]
    anon, member, organiser = Client(), Client(), Client()
    member.force_login(User.objects.get(pk=seeded["member_id"]))
    organiser.force_login(User.objects.get(pk=seeded["organiser_id"]))

    def get(client: Any, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    out: dict[str, Any] = {
        "event page (public)": _timed(requests, lambda i: get(anon, f"/events/{event_id}/")),
        "event page (a member coming)": _timed(
            requests, lambda i: get(member, f"/events/{event_id}/")
        ),
        "event page (its organiser)": _timed(
            requests, lambda i: get(organiser, f"/events/{event_id}/")
        ),
        "door page (the first 300 names)": _timed(
            max(20, requests // 10), lambda i: get(organiser, f"/events/{event_id}/door/"), warmup=3
        ),
        "door page (a name searched)": _timed(
            requests, lambda i: get(organiser, f"/events/{event_id}/door/?q=Reader 7{i % 10}")
        ),
    }
    ids = list(
        Rsvp.objects.filter(event_id=event_id, status="going", checked_in_at__isnull=True)
        .order_by("?")
        .values_list("pk", flat=True)[: checkins + 10]
    )

    def check(i: int) -> None:
        response = organiser.post(f"/events/{event_id}/check-in/{ids[i]}/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b"<strong>in</strong>" in response.content

    for i in range(5):
        check(len(ids) - 1 - i)  # warm-up on names not measured
    out["check-in of a name (htmx POST)"] = _timed(checkins, check, warmup=0)

    def again(i: int) -> None:
        response = organiser.post(f"/events/{event_id}/check-in/{ids[i]}/", HTTP_HX_REQUEST="true")
        assert b"already checked in" in response.content

    out["a second tap, refused"] = _timed(min(50, checkins), again, warmup=0)
    out["floor: /healthz"] = _timed(requests, lambda i: get(anon, "/healthz"))
    some = ids[:50]
    out["floor: an RSVP by its primary key"] = _timed(
        requests, lambda i: Rsvp.objects.filter(pk=some[i % len(some)]).first()
    )
    return out


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from iskra.members.seeding import seed_organisation

    report: dict[str, Any] = {"engine": connection.vendor}
    call_command("migrate", verbosity=0)
    seed_organisation(members=args.members, branches=max(1, args.members // 200))
    report["seed"] = seed_event(args.rsvps)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    report["results"] = measure(report["seed"], requests=args.requests, checkins=args.checkins)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--rsvps", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--checkins", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args)))
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from ballot_harness import recreate_database
    from ballot_load import machine

    report: dict[str, Any] = {"machine": machine(), "engines": []}
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    for engine in engines:
        data_dir = tempfile.mkdtemp(prefix="iskra-events-bench-")
        if engine == "sqlite":
            url = f"sqlite:///{data_dir}/bench.sqlite3"
        else:
            url = os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_PG_URL)
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
            *("--members", str(args.members), "--rsvps", str(args.rsvps)),
            *("--requests", str(args.requests), "--checkins", str(args.checkins)),
        ]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", *argv],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if done.returncode != 0:
            print(done.stderr[-5000:], file=sys.stderr)
            return done.returncode
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["wall_s"] = round(time.perf_counter() - started, 1)
        result["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        report["engines"].append(result)
    print(json.dumps(report, indent=2))
    for result in report["engines"]:
        rows = result["results"]
        floor = rows["floor: /healthz"]["p95_ms"]
        print(f"\n### {result['engine']} ({result['seed']}; load after {result['load_after']})\n")
        print("| measured | n | p50 ms | **p95 ms** | p99 ms | p95 ÷ /healthz |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, r in rows.items():
            print(
                f"| {name} | {r['n']} | {r['p50_ms']} | **{r['p95_ms']}** | {r['p99_ms']} | "
                f"{r['p95_ms'] / floor:.1f}x |"
            )
        page = max(rows[k]["p95_ms"] for k in rows if k.startswith("event page"))
        checkin = rows["check-in of a name (htmx POST)"]["p95_ms"]
        print(
            f"\n- the event page's worst p95 {page} ms: "
            f"{'met' if page <= PAGE_P95_MS else 'MISSED'} (<= 50); a check-in's p95 {checkin} "
            f"ms: {'met' if checkin <= CHECKIN_P95_MS else 'MISSED'} (<= 100)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
