"""What erasing the casting order costs at the close, and what it does to votes in flight.

    uv run python bench/ballot_close.py --voters 100000             # PostgreSQL
    uv run python bench/ballot_close.py --voters 100000 --sqlite     # SQLite file (WAL)

1. A fresh database (``$BALLOT_BENCH_DATABASE_URL`` or iskra_ballot_close on 127.0.0.1 for
   PostgreSQL; a file in bench/out/close-data for SQLite), migrated.
2. A ballot of ``--voters`` members, opened, with every voter's mark and ballot written in
   batches of 1000 per transaction (the layout casting leaves: rows in casting order), and a
   second open ballot of 2000 voters.
3. One thread casts into the second ballot through ``services.cast_ballot`` without pause,
   timing every vote, while the main thread closes the first ballot: the close (count, board,
   rewriting the marks and ballots in random order), then the release of the old pages
   (``VACUUM FULL`` of the two tables / ``VACUUM`` and a log checkpoint).
4. Prints JSON: the seconds of each step, the size of the two tables (PostgreSQL) or of the
   file before and after, and the casting latencies in the other ballot before and during.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballot_harness as h

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/iskra_ballot_close"
OUT = Path(__file__).resolve().parent / "out"


def _fill(ballot: Any, question_id: int) -> int:
    """Every voter's mark and ballot, 1000 votes per transaction, in roll order."""
    import json as _json
    import random

    from django.db import connection, transaction

    from iskra.ballots import services
    from iskra.ballots.models import RollEntry

    native = connection.features.has_native_uuid_field
    ids = list(RollEntry.objects.filter(ballot=ballot).order_by("pk").values_list("pk", flat=True))
    rng = random.Random(1)
    for start in range(0, len(ids), 1000):
        with transaction.atomic(), connection.cursor() as cursor:
            chunk = ids[start : start + 1000]
            cursor.executemany(
                "INSERT INTO ballots_votemark (id, roll_entry_id) VALUES (%s, %s)",
                [(uuid.uuid4() if native else uuid.uuid4().hex, pk) for pk in chunk],
            )
            cursor.executemany(
                "INSERT INTO ballots_castballot (id, ballot_id, tracker, content) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (
                        uuid.uuid4() if native else uuid.uuid4().hex,
                        ballot.pk,
                        services.new_tracker(),
                        _json.dumps({str(question_id): rng.randint(0, 1)}),
                    )
                    for _ in chunk
                ],
            )
    return len(ids)


def _sizes() -> dict[str, int]:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, pg_relation_size(oid), pg_total_relation_size(oid), "
                "pg_relation_filenode(oid) FROM pg_class "
                "WHERE relname IN ('ballots_votemark', 'ballots_castballot')"
            )
            return {
                name: {"heap": int(heap), "with_indexes": int(total), "filenode": int(node)}
                for name, heap, total, node in cursor.fetchall()
            }
    path = Path(settings.DATABASES["default"]["NAME"])
    wal = Path(f"{path}-wal")
    return {
        "file_bytes": path.stat().st_size,
        "wal_bytes": wal.stat().st_size if wal.exists() else 0,
    }


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(voters: int, *, caster_on: bool = True) -> dict[str, Any]:
    h._django()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from iskra.ballots import services, storage
    from iskra.ballots.models import Ballot, RollEntry

    call_command("migrate", "--noinput", verbosity=0)
    admin, big = h._draft_ballot(voters)
    _, other = h._draft_ballot(2000)
    with transaction.atomic():
        services.open_ballot(actor=admin, ballot=big)
        services.open_ballot(actor=admin, ballot=other)
    DBTaskResult.objects.all().delete()
    started = time.perf_counter()
    cast = _fill(big, big.questions.get().pk)
    fill_s = time.perf_counter() - started
    other_q = str(other.questions.get().pk)
    other_voters = list(RollEntry.objects.filter(ballot=other).select_related("user"))

    phase = {"now": "before"}
    latencies: dict[str, list[float]] = {"before": [], "close": [], "release": [], "after": []}
    stop = threading.Event()

    def caster() -> None:
        try:
            for entry in other_voters:
                if stop.is_set():
                    return
                begun = time.perf_counter()
                services.cast_ballot(ballot=other, answers={other_q: 0}, user=entry.user)
                latencies[phase["now"]].append((time.perf_counter() - begun) * 1000)
        finally:
            connection.close()

    thread = threading.Thread(target=caster if caster_on else lambda: None)
    thread.start()
    time.sleep(3)
    before = _sizes()
    Ballot.objects.filter(pk=big.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    # The rewrite's share of the close, timed on its own.
    rewrite = storage.rewrite_in_random_order
    rewrite_s = [0.0]

    def timed_rewrite(ballot_id: int) -> int:
        begun = time.perf_counter()
        try:
            return rewrite(ballot_id)
        finally:
            rewrite_s[0] += time.perf_counter() - begun

    storage.rewrite_in_random_order = timed_rewrite  # type: ignore[assignment]
    phase["now"] = "close"
    started = time.perf_counter()
    assert services.close_ballot(ballot_id=big.pk, release_pages=False)
    close_s = time.perf_counter() - started
    # The release waits until no transaction older than the close runs anywhere on the server
    # (other databases included); what it costs is the last, successful attempt.
    waited = time.perf_counter()
    released = False
    while not released and time.perf_counter() - waited < 300:
        storage._next_attempt = 0.0
        phase["now"] = "release"
        started = time.perf_counter()
        released = storage.release_old_pages([big.pk])
        release_s = time.perf_counter() - started
        if not released:
            phase["now"] = "after"
            time.sleep(1)
    waited_s = time.perf_counter() - waited - release_s
    phase["now"] = "after"
    time.sleep(3)
    stop.set()
    thread.join()
    return {
        "engine": connection.vendor,
        "voters": voters,
        "ballots_cast": cast,
        "fill_s": round(fill_s, 1),
        "close_s (count, board, rewrite)": round(close_s, 2),
        "of_which_rewrite_s": round(rewrite_s[0], 2),
        "release_s": round(release_s, 2),
        "released": released,
        "waited_for_older_transactions_s": round(waited_s, 1),
        "sizes_before": before,
        "sizes_after": _sizes(),
        "other_ballot_cast_latency": {k: _stats(v) for k, v in latencies.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument(
        "--no-casting", action="store_true", help="no votes in another ballot during the close"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    data = OUT / "close-data"
    if args.sqlite:
        import shutil

        shutil.rmtree(data, ignore_errors=True)
        url = f"sqlite:///{data / 'iskra.sqlite3'}"
    else:
        url = os.environ.get("BALLOT_BENCH_DATABASE_URL", DEFAULT_URL)
        h.recreate_database(url)
    os.environ.update(h.production_env(url, str(data)))
    try:
        print(json.dumps(measure(args.voters, caster_on=not args.no_casting), indent=2))
    finally:
        if not args.sqlite:
            from django.db import connections

            connections.close_all()
            h.drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
