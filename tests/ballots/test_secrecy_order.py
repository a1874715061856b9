"""Ballot secrecy against whoever holds the database: the attacker's test (DESIGN.md invariant 2).

The schema test (test_secrecy_schema.py) proves that no column links a ballot to its voter. This
one proves that no *order* does either. It plays the attacker: 60 known voters cast in a known
order (shuffled against the roll, as real voters are), then it reads the marks (who voted) and
the ballots (what was voted) back in every order the database engine offers —

- SQLite: ``rowid`` (where the table has one), a plain ``SELECT`` (the engine's physical order),
  the scan of each index, the primary key; after the close also the raw bytes of the database
  (where each tracker code sits in the file's pages);
- PostgreSQL, after the close: ``ctid`` (the physical position of the row), ``xmin`` (the id of
  the transaction that wrote it), a plain ``SELECT``, the primary key —

and fails if any of them correlates with the true casting order, or pairs the n-th mark with the
n-th ballot more often than chance would. On the code before the fix this test failed at once:
on SQLite both tables had a ``rowid`` running in casting order (every pair found), and on
PostgreSQL ``ctid`` did the same after the close.

During the ballot PostgreSQL's ``xmin`` pairs each mark with its ballot exactly (they are written
in one transaction); docs/ballots.md says so, and what the close does about it.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from iskra.ballots import services, storage
from iskra.ballots.models import Ballot, RollEntry
from tests.ballots.test_guarantees import add_voters, open_ballot_with_credentials
from tests.conftest import World

VOTERS = 60
# Thresholds far beyond chance for 60 items (Spearman's rho has a standard deviation of about
# 0.13 when nothing correlates; pairing the n-th with the n-th finds 1 true pair on average,
# and 8 or more with a probability of about 1 in 100 000).
MAX_RHO = 0.6
MAX_PAIRS = 8


@dataclass
class Cast:
    ballot: Ballot
    # (roll entry id, tracker) in the order the votes were cast.
    order: list[tuple[int, str]]

    @property
    def entry_position(self) -> dict[int, int]:
        return {entry: i for i, (entry, _) in enumerate(self.order)}

    @property
    def tracker_position(self) -> dict[str, int]:
        return {tracker: i for i, (_, tracker) in enumerate(self.order)}


def cast_in_known_order(world: World) -> Cast:
    add_voters(world.branch_a, VOTERS, "order")
    ballot, qid = open_ballot_with_credentials(world, title="Order")
    entries = list(RollEntry.objects.filter(ballot=ballot).values_list("pk", flat=True))
    random.Random(1917).shuffle(entries)
    order = []
    for n, entry in enumerate(entries):
        tracker = services.cast_ballot(
            ballot=ballot, answers={qid: n % 2}, credential=f"tok-{entry}"
        )
        order.append((entry, tracker))
    return Cast(ballot=ballot, order=order)


# --- Measuring -----------------------------------------------------------------------------------


def _ranks(values: Sequence[Any]) -> list[float]:
    """Ranks from 1, ties sharing their average rank."""
    ordered = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and values[ordered[j + 1]] == values[ordered[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[ordered[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(keys: Sequence[Any], positions: Sequence[int]) -> float:
    """Spearman's rho between an ordering key and the true casting position (0 if the key
    cannot order anything, e.g. every row has the same one)."""
    a, b = _ranks(keys), _ranks(positions)
    n = len(a)
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    var_a = sum((x - mean_a) ** 2 for x in a)
    var_b = sum((y - mean_b) ** 2 for y in b)
    return 0.0 if var_a == 0 or var_b == 0 else cov / (var_a * var_b) ** 0.5


@dataclass
class Ordering:
    """One way the attacker can order the rows: each mark's roll entry with its key, each
    ballot's tracker with its key (keys from the same engine feature, e.g. ctid)."""

    name: str
    marks: list[tuple[Any, int]]  # (key, roll entry id)
    ballots: list[tuple[Any, str]]  # (key, tracker)


def judge(cast: Cast, ordering: Ordering) -> list[str]:
    """What this ordering gives away, as a list of findings (empty: nothing beyond chance)."""
    true_pair = dict(cast.order)
    by_entry, by_tracker = cast.entry_position, cast.tracker_position
    found = []
    if ordering.marks:
        rho = spearman([k for k, _ in ordering.marks], [by_entry[e] for _, e in ordering.marks])
        if abs(rho) >= MAX_RHO:
            found.append(f"marks by {ordering.name} follow the casting order (rho={rho:.2f})")
    if ordering.ballots:
        rho = spearman(
            [k for k, _ in ordering.ballots], [by_tracker[t] for _, t in ordering.ballots]
        )
        if abs(rho) >= MAX_RHO:
            found.append(f"ballots by {ordering.name} follow the casting order (rho={rho:.2f})")
    if ordering.marks and ordering.ballots:
        # The n-th mark with the n-th ballot (ties broken at random, as an attacker would).
        shuffle = random.Random(5).random
        marks = [e for _, _, e in sorted((k, shuffle(), e) for k, e in ordering.marks)]
        ballots = [t for _, _, t in sorted((k, shuffle(), t) for k, t in ordering.ballots)]
        pairs = sum(1 for e, t in zip(marks, ballots, strict=False) if true_pair[e] == t)
        if pairs >= MAX_PAIRS:
            found.append(f"the n-th mark by {ordering.name} is the n-th ballot {pairs} times")
        # A key shared by exactly one mark and one ballot (the same transaction id, say).
        ballot_keys: dict[Any, list[str]] = {}
        for k, t in ordering.ballots:
            ballot_keys.setdefault(k, []).append(t)
        mark_keys: dict[Any, int] = {}
        for k, _ in ordering.marks:
            mark_keys[k] = mark_keys.get(k, 0) + 1
        exact = sum(
            1
            for k, e in ordering.marks
            if mark_keys[k] == 1 and ballot_keys.get(k, [None]) == [true_pair[e]]
        )
        if exact >= MAX_PAIRS:
            found.append(f"{exact} marks share their {ordering.name} with their ballot alone")
    return found


def test_the_judge_finds_what_it_should() -> None:
    """The measure itself: a perfect leak, a reversed one and a shared key are caught; a random
    order is not."""
    order = [(n, f"T{n}") for n in range(VOTERS)]
    cast = Cast(ballot=Ballot(), order=order)
    leak = Ordering("leak", [(n, n) for n in range(VOTERS)], [(n, f"T{n}") for n in range(VOTERS)])
    assert len(judge(cast, leak)) == 4
    reverse = Ordering("reverse", [(-n, n) for n in range(VOTERS)], [])
    assert judge(cast, reverse) == ["marks by reverse follow the casting order (rho=-1.00)"]
    shuffled = list(range(VOTERS))
    random.Random(3).shuffle(shuffled)
    shared = Ordering(
        "xmin",
        [(shuffled[n], n) for n in range(VOTERS)],
        [(shuffled[n], f"T{n}") for n in range(VOTERS)],
    )
    assert judge(cast, shared) != []
    other = list(range(VOTERS))
    random.Random(4).shuffle(other)
    fine = Ordering(
        "random",
        [(shuffled[n], n) for n in range(VOTERS)],
        [(other[n], f"T{n}") for n in range(VOTERS)],
    )
    assert judge(cast, fine) == []
    same = Ordering(
        "one xmin", [(7, n) for n in range(VOTERS)], [(7, f"T{n}") for n in range(VOTERS)]
    )
    assert judge(cast, same) == []


# --- Reading the rows as an attacker would -------------------------------------------------------


def _rows(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]] | None:
    """The rows of a query, or None when the engine does not offer what it asks for (a table
    without a rowid has no ``rowid`` column)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall())
    except OperationalError as exc:
        if "rowid" in str(exc):
            return None
        raise


MARKS = (
    "SELECT {key} FROM ballots_votemark m WHERE m.roll_entry_id IN "
    "(SELECT r.id FROM ballots_rollentry r WHERE r.ballot_id = %s)"
)
BALLOTS = "SELECT {key} FROM ballots_castballot c WHERE c.ballot_id = %s"


def _keyed(sql: str, ballot_id: int) -> list[tuple[Any, Any]]:
    rows = _rows(sql, [ballot_id])
    return [] if rows is None else [(row[0], row[1]) for row in rows]


def _in_returned_order(sql: str, params: Sequence[Any] = ()) -> list[tuple[int, Any]]:
    rows = _rows(sql, params) or []
    return [(n, row[0]) for n, row in enumerate(rows)]


def sqlite_orderings(ballot_id: int) -> list[Ordering]:
    orderings = [
        Ordering(
            "rowid",
            _keyed(MARKS.format(key="m.rowid, m.roll_entry_id"), ballot_id),
            _keyed(BALLOTS.format(key="c.rowid, c.tracker"), ballot_id),
        ),
        Ordering(
            "plain SELECT (physical order)",
            _in_returned_order("SELECT roll_entry_id FROM ballots_votemark"),
            _in_returned_order("SELECT tracker FROM ballots_castballot"),
        ),
        Ordering(
            "plain SELECT of every column",
            _in_returned_order("SELECT roll_entry_id, id FROM ballots_votemark"),
            _in_returned_order("SELECT tracker, id, ballot_id, content FROM ballots_castballot"),
        ),
        Ordering(
            "the ballot's index",
            _in_returned_order(MARKS.format(key="m.roll_entry_id"), [ballot_id]),
            _in_returned_order(BALLOTS.format(key="c.tracker"), [ballot_id]),
        ),
        Ordering(
            "primary key",
            _keyed(MARKS.format(key="m.id, m.roll_entry_id"), ballot_id),
            _keyed(BALLOTS.format(key="c.id, c.tracker"), ballot_id),
        ),
        Ordering(
            "the roll entry and the tracker (the unique indexes)",
            _keyed(MARKS.format(key="m.roll_entry_id, m.roll_entry_id"), ballot_id),
            _keyed(BALLOTS.format(key="c.tracker, c.tracker"), ballot_id),
        ),
    ]
    # Every index on the two tables, scanned in its own order.
    with connection.cursor() as cursor:
        for table, column, into in (
            ("ballots_votemark", "roll_entry_id", "marks"),
            ("ballots_castballot", "tracker", "ballots"),
        ):
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table]
            )
            for (index,) in cursor.fetchall():
                rows = _in_returned_order(f'SELECT {column} FROM {table} INDEXED BY "{index}"')  # noqa: S608
                orderings.append(
                    Ordering(
                        f"index {index}",
                        rows if into == "marks" else [],
                        rows if into == "ballots" else [],
                    )
                )
    return orderings


def _ctid(value: str) -> tuple[int, int]:
    page, item = re.fullmatch(r"\((\d+),(\d+)\)", value).groups()  # type: ignore[union-attr]
    return int(page), int(item)


def postgresql_orderings(ballot_id: int) -> list[Ordering]:
    def ctid(sql: str) -> list[tuple[Any, Any]]:
        return [(_ctid(k), v) for k, v in _keyed(sql, ballot_id)]

    return [
        Ordering(
            "ctid (physical position)",
            ctid(MARKS.format(key="m.ctid::text, m.roll_entry_id")),
            ctid(BALLOTS.format(key="c.ctid::text, c.tracker")),
        ),
        Ordering(
            "xmin (writing transaction)",
            _keyed(MARKS.format(key="m.xmin::text::bigint, m.roll_entry_id"), ballot_id),
            _keyed(BALLOTS.format(key="c.xmin::text::bigint, c.tracker"), ballot_id),
        ),
        Ordering(
            "plain SELECT (physical order)",
            _in_returned_order("SELECT roll_entry_id FROM ballots_votemark"),
            _in_returned_order("SELECT tracker FROM ballots_castballot"),
        ),
        Ordering(
            "primary key",
            _keyed(MARKS.format(key="m.id, m.roll_entry_id"), ballot_id),
            _keyed(BALLOTS.format(key="c.id, c.tracker"), ballot_id),
        ),
    ]


def every_finding(cast: Cast, orderings: list[Ordering]) -> list[str]:
    return [finding for ordering in orderings for finding in judge(cast, ordering)]


# --- The tests -----------------------------------------------------------------------------------


needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's rowid and file pages (run without DATABASE_URL)"
)


@needs_sqlite
@pytest.mark.django_db
def test_sqlite_during_the_ballot_no_order_pairs_marks_with_ballots(world: World) -> None:
    cast = cast_in_known_order(world)
    orderings = sqlite_orderings(cast.ballot.pk)
    assert every_finding(cast, orderings) == []
    # The tables have no rowid at all (WITHOUT ROWID): their only order is the random key's.
    assert not orderings[0].marks and not orderings[0].ballots


def close(cast: Cast) -> None:
    assert services.close_ballot(ballot_id=cast.ballot.pk, now=timezone.now() + timedelta(days=8))
    cast.ballot.refresh_from_db()


def assert_compacted(cast: Cast) -> None:
    assert cast.ballot.storage_compacted_at is not None, "the close did not release the old pages"


def tracker_order_in_bytes(image: bytes, trackers: list[str], page_size: int) -> list[list[str]]:
    """For each page of a database image, the trackers it holds in the order of their bytes."""
    pattern = re.compile(rb"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
    wanted = {t.encode() for t in trackers}
    pages: dict[int, list[str]] = {}
    for match in pattern.finditer(image):
        if match.group() in wanted:
            pages.setdefault(match.start() // page_size, []).append(match.group().decode())
    return list(pages.values())


def kendall_z(sequences: list[list[str]], position: Callable[[str], int]) -> float:
    """How far the byte order within pages agrees with the casting order, in standard
    deviations (Kendall's S summed over the pages; about N(0, 1) when nothing is ordered)."""
    s, variance = 0, 0.0
    for seq in sequences:
        n = len(seq)
        for i in range(n):
            for j in range(i + 1, n):
                a, b = position(seq[i]), position(seq[j])
                s += 1 if a < b else -1 if a > b else 0
        variance += n * (n - 1) * (2 * n + 5) / 18
    return 0.0 if variance == 0 else s / variance**0.5


def database_image() -> bytes:
    """The bytes of the whole SQLite database, as a copy of its file would hold them."""
    raw = connection.connection
    assert raw is not None
    if connection.settings_dict["NAME"].startswith("file:memory"):
        return bytes(raw.serialize())
    with open(connection.settings_dict["NAME"], "rb") as db_file:
        return db_file.read()


def page_order_z(cast: Cast) -> float:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_size")
        (page_size,) = cursor.fetchone()
    trackers = [t for _, t in cast.order]
    pages = tracker_order_in_bytes(database_image(), trackers, page_size)
    assert sum(len(p) for p in pages) >= VOTERS
    return kendall_z(pages, cast.tracker_position.__getitem__)


@needs_sqlite
@pytest.mark.django_db
def test_sqlite_during_the_ballot_the_raw_pages_do_keep_an_order(world: World) -> None:
    """What docs/ballots.md says a copy of the file taken *during* the ballot holds: SQLite
    places each new cell in a page where free space begins, so within a page the bytes of the
    trackers follow the casting order, whatever the key order. (This is also the proof that
    the check after the close below can see such an order.)"""
    cast = cast_in_known_order(world)
    assert abs(page_order_z(cast)) >= 5


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_after_the_close_no_order_and_no_page_keeps_one(world: World) -> None:
    cast = cast_in_known_order(world)
    close(cast)
    assert every_finding(cast, sqlite_orderings(cast.ballot.pk)) == []
    assert_compacted(cast)
    # The raw pages of the database, as a copy of the file would hold them: cells are written
    # into a page in the order they arrive, so before the close each page of the ballots table
    # listed its trackers in casting order. After the close the rows were rewritten in random
    # order and the file rebuilt (VACUUM): no page keeps the old order.
    z = page_order_z(cast)
    assert abs(z) < 5, f"the trackers' places in the file follow the casting order (z={z:.1f})"


CLOSE_IN_A_SERVER_PROCESS = """
import json, os, shutil, sys
import django

django.setup()
from datetime import timedelta

from django.utils import timezone

from iskra.ballots import services, storage
from iskra.ballots.models import Ballot

ballot_id, path, copy = int(sys.argv[1]), sys.argv[2], sys.argv[3]
closed = services.close_ballot(ballot_id=ballot_id, now=timezone.now() + timedelta(days=8))
wal = path + "-wal"
# A copy of the files taken while the server still has the database open, as a file-level
# backup would take it.
shutil.copy(path, copy)
if os.path.exists(wal):
    shutil.copy(wal, copy + "-wal")
print(json.dumps({
    "closed": closed,
    "wal_bytes": os.path.getsize(wal) if os.path.exists(wal) else None,
    "compacted": Ballot.objects.get(pk=ballot_id).storage_compacted_at is not None,
}))
"""


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_file_and_its_log_hold_no_order_after_the_close(world: World, tmp_path: Any) -> None:
    """The embedded default as deployed: a database file in WAL mode, closed by a separate
    process. The votes are copied into a file (page for page, so each page keeps its cells in
    casting order), a server process closes the ballot, and a copy of the file and its
    write-ahead log taken right after the close, with the server still running, is read
    byte by byte."""
    import json
    import sqlite3
    import subprocess
    import sys

    cast = cast_in_known_order(world)
    path = tmp_path / "data" / "iskra.sqlite3"
    path.parent.mkdir()
    target = sqlite3.connect(path)
    raw = connection.connection
    assert raw is not None
    raw.backup(target)
    target.close()
    assert (
        abs(kendall_z(_file_pages(path.read_bytes(), cast), cast.tracker_position.__getitem__)) >= 5
    )
    copy = tmp_path / "copy.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iskra.settings",
        "ISKRA_ENV": "development",
        "ISKRA_DATA_DIR": str(path.parent),
        "DATABASE_URL": f"sqlite:///{path}",
        "EMAIL_URL": "console://",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CLOSE_IN_A_SERVER_PROCESS,
            str(cast.ballot.pk),
            str(path),
            str(copy),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["closed"] and outcome["compacted"]
    # The log was emptied after the rebuild; what it holds now is the one page written since
    # (the ballot's row, marking its storage settled), and no ballot.
    log = tmp_path / "copy.sqlite3-wal"
    written = log.read_bytes() if log.exists() else b""
    assert outcome["wal_bytes"] == len(written) <= 32 + 2 * (24 + 65536)
    assert not any(t.encode() in written for _, t in cast.order)
    z = kendall_z(_file_pages(copy.read_bytes(), cast), cast.tracker_position.__getitem__)
    assert abs(z) < 5, f"the copy's pages follow the casting order (z={z:.1f})"


def _file_pages(image: bytes, cast: Cast) -> list[list[str]]:
    page_size = int.from_bytes(image[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    return tracker_order_in_bytes(image, [t for _, t in cast.order], page_size)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ctid and xmin")
@pytest.mark.django_db(transaction=True)
def test_postgresql_after_the_close_no_order_pairs_marks_with_ballots(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cast = cast_in_known_order(world)

    def filenodes() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_relation_filenode('ballots_votemark'), "
                "pg_relation_filenode('ballots_castballot')"
            )
            row = cursor.fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    before = filenodes()
    # A transaction that began before the close, in another database of the same server: while
    # it runs, VACUUM FULL would copy the deleted rows into the new files. The close leaves the
    # pages alone until it has ended.
    import psycopg

    settings = connection.settings_dict
    holder = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
    )
    holder.execute("SELECT pg_current_xact_id()")
    try:
        close(cast)
        assert every_finding(cast, postgresql_orderings(cast.ballot.pk)) == []
        assert cast.ballot.storage_compacted_at is None
        assert services.compact_closed_ballots() == 0
        assert filenodes() == before
    finally:
        holder.rollback()
        holder.close()
    # The old pages can only go once every transaction that began before the close has ended,
    # anywhere on the server (the suite's other workers run theirs): the worker's sweep keeps
    # trying. Here, once a second, for up to two minutes.
    deadline = time.monotonic() + 120
    while cast.ballot.storage_compacted_at is None and time.monotonic() < deadline:
        time.sleep(1)
        monkeypatch.setattr(storage, "_next_attempt", 0.0)
        services.compact_closed_ballots()
        cast.ballot.refresh_from_db()
    assert_compacted(cast)
    # The old pages, which held the rows in casting order with their casting transactions'
    # ids, were released: both tables live in new files, which hold no deleted row.
    after = filenodes()
    assert before[0] != after[0] and before[1] != after[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pgstattuple'")
        if cursor.fetchone() is not None:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
            for table in storage.TABLES:
                cursor.execute("SELECT dead_tuple_count FROM pgstattuple(%s)", [table])
                assert cursor.fetchone() == (0,), f"{table} kept deleted rows"


@pytest.mark.django_db
def test_ballots_closed_before_the_rewrite_are_rewritten_by_the_migration(world: World) -> None:
    """Migration ballots 0005 rewrites the rows of ballots closed before the close did it (and
    leaves their pages to the worker's next sweep, which sees storage_compacted_at empty)."""
    import importlib

    from django.apps import apps

    from iskra.ballots.models import CastBallot, VoteMark

    migration = importlib.import_module(
        "iskra.ballots.migrations.0005_rewrite_closed_ballots_in_random_order"
    )
    cast = cast_in_known_order(world)
    Ballot.objects.filter(pk=cast.ballot.pk).update(state=Ballot.State.CLOSED)
    old_marks = set(VoteMark.objects.values_list("id", flat=True))
    old_ballots = set(CastBallot.objects.values_list("id", flat=True))
    contents = sorted(CastBallot.objects.values_list("tracker", "content"))
    migration.forwards(apps, None)
    assert set(VoteMark.objects.values_list("id", flat=True)).isdisjoint(old_marks)
    assert set(CastBallot.objects.values_list("id", flat=True)).isdisjoint(old_ballots)
    assert sorted(CastBallot.objects.values_list("tracker", "content")) == contents
    assert VoteMark.objects.count() == len(cast.order)
    orderings = (sqlite_orderings if connection.vendor == "sqlite" else postgresql_orderings)(
        cast.ballot.pk
    )
    if connection.vendor == "postgresql":
        orderings = [o for o in orderings if not o.name.startswith("xmin")]  # one transaction
    assert every_finding(cast, orderings) == []
    assert Ballot.objects.get(pk=cast.ballot.pk).storage_compacted_at is None
