"""Erasing the order in which votes were stored, at the close (DESIGN.md invariant 2).

While a ballot is open each vote writes two rows in one transaction: the voter's mark (→ roll
entry → person) and the ballot (tracker and content). Neither row has a time or a sequence, but
the database itself keeps an order of writing:

- SQLite: a table's implicit ``rowid`` (gone: both tables are WITHOUT ROWID, migration 0003),
  the order in which cells were placed inside each page, and the write-ahead log, whose frames
  are appended in commit order;
- PostgreSQL: each row's physical place (``ctid``: rows are appended as they come) and ``xmin``,
  the id of the transaction that wrote it — the mark and the ballot of one vote share it.

So at the close, in the closing transaction, :func:`rewrite_in_random_order` deletes this
ballot's marks and ballots and writes them again in a random order with new random ids (on
PostgreSQL all of them then carry the closing transaction's ``xmin``). The deleted rows still
sit in the old pages until those are released, which cannot happen inside a transaction: after
the commit :func:`release_old_pages` rebuilds the tables (PostgreSQL ``VACUUM FULL`` of the two
tables) or the whole file (SQLite ``VACUUM``, then a checkpoint that empties the write-ahead
log). A copy of the database taken after that holds no order of voting. What it cannot erase —
the WAL already archived or streamed, backups and replicas taken during the ballot, blocks the
file system freed — is in docs/ballots.md.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

TABLES = ("ballots_votemark", "ballots_castballot")
# How long the rebuild may wait for the tables' lock on PostgreSQL. While it waits, new votes in
# other open ballots queue behind it; past this it gives up and the next sweep tries again.
LOCK_TIMEOUT = "3s"
# After a rebuild that had to keep the deleted rows (a transaction older than the close was
# still running somewhere on the server), wait this long before the next attempt: each attempt
# locks the two tables for as long as it takes to copy them.
RETRY_SECONDS = 60.0
_next_attempt = 0.0
_KEPT = re.compile(r"(\d+) dead row versions cannot be removed yet")


def rewrite_in_random_order(ballot_id: int) -> int:
    """Delete this ballot's marks and ballots and insert them again with new random ids, in the
    order of those ids (random). Runs inside the closing transaction (the caller holds the
    casting lock). Returns how many ballots were rewritten."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per table: the deleted rows come back from the DELETE and are
            # inserted in the order of their new ids (gen_random_uuid: a strong random source).
            cursor.execute(
                "WITH old AS (DELETE FROM ballots_votemark m USING ballots_rollentry r "
                "WHERE r.id = m.roll_entry_id AND r.ballot_id = %s RETURNING m.roll_entry_id) "
                "INSERT INTO ballots_votemark (id, roll_entry_id) "
                "SELECT gen_random_uuid(), roll_entry_id FROM old ORDER BY 1",
                [ballot_id],
            )
            cursor.execute(
                "WITH old AS (DELETE FROM ballots_castballot WHERE ballot_id = %s "
                "RETURNING tracker, content) "
                "INSERT INTO ballots_castballot (id, ballot_id, tracker, content) "
                "SELECT gen_random_uuid(), %s, tracker, content FROM old ORDER BY 1",
                [ballot_id, ballot_id],
            )
            return int(cursor.rowcount)
        cursor.execute(
            "SELECT m.roll_entry_id FROM ballots_votemark m "
            "JOIN ballots_rollentry r ON r.id = m.roll_entry_id WHERE r.ballot_id = %s",
            [ballot_id],
        )
        marks = sorted((uuid.uuid4().hex, row[0]) for row in cursor.fetchall())
        cursor.execute(
            "SELECT tracker, content FROM ballots_castballot WHERE ballot_id = %s", [ballot_id]
        )
        ballots = sorted(
            (uuid.uuid4().hex, ballot_id, tracker, content)
            for tracker, content in cursor.fetchall()
        )
        # Deleted cells are zeroed (PRAGMA secure_delete, set for every connection).
        cursor.execute(
            "DELETE FROM ballots_votemark WHERE roll_entry_id IN "
            "(SELECT id FROM ballots_rollentry WHERE ballot_id = %s)",
            [ballot_id],
        )
        cursor.execute("DELETE FROM ballots_castballot WHERE ballot_id = %s", [ballot_id])
        cursor.executemany(
            "INSERT INTO ballots_votemark (id, roll_entry_id) VALUES (%s, %s)", marks
        )
        cursor.executemany(
            "INSERT INTO ballots_castballot (id, ballot_id, tracker, content) "
            "VALUES (%s, %s, %s, %s)",
            ballots,
        )
        return len(ballots)


def release_old_pages(ballot_ids: list[int] | None = None) -> bool:
    """Rebuild the storage of marks and ballots so no page keeps rows deleted by
    :func:`rewrite_in_random_order`. Outside any transaction (after the close commits). Returns
    whether it finished; on failure (a lock not granted in time, a transaction older than the
    close still running, a reader holding the SQLite log) it logs why and the worker's next
    sweep tries again. ``ballot_ids``: the closed ballots whose deleted rows must go (on
    PostgreSQL, to wait until no transaction that could still see them is running)."""
    global _next_attempt
    if connection.in_atomic_block:
        raise RuntimeError("release_old_pages runs after the commit, outside a transaction")
    if time.monotonic() < _next_attempt:
        return False
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if not _old_rows_removable(cursor, ballot_ids or []):
                    logger.info(
                        "ballot storage: a transaction older than the close is still running "
                        "on the server; the old pages are released on a later sweep"
                    )
                    return False
                kept = _vacuum_full(cursor)
                if kept:
                    _next_attempt = time.monotonic() + RETRY_SECONDS
                    logger.warning(
                        "ballot storage: %s deleted rows kept by VACUUM FULL (a transaction "
                        "older than the close is still running on the server); retried later",
                        kept,
                    )
                    return False
                return True
            if connection.vendor == "sqlite":
                # VACUUM rebuilds the whole file from the tables' key order (deleted cells were
                # already zeroed: PRAGMA secure_delete is on for every connection); then the
                # write-ahead log, which received the rebuilt pages, is copied in and truncated.
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                row = cursor.fetchone()
                if row is not None and row[0]:
                    logger.warning(
                        "ballot storage: the write-ahead log is in use; it is emptied on a "
                        "later sweep"
                    )
                    return False
                return True
    except DatabaseError as exc:
        logger.warning("ballot storage: old pages not released yet (%s); retried later", exc)
        return False
    return True


def _old_rows_removable(cursor: Any, ballot_ids: list[int]) -> bool:
    """Whether every transaction that could still see the rows the close deleted has ended.
    VACUUM FULL copies such rows into the new file (with their old order and their casting
    transactions' ids), so it is not worth running before. Two things hold them: a transaction
    with an id older than the close, anywhere on the server (a snapshot's ``xmin`` is the
    oldest such id), and a snapshot older than the close in this database."""
    if not ballot_ids:
        return True
    cursor.execute(
        "SELECT min(age(xmin)) FROM ballots_castballot WHERE ballot_id = ANY(%s)", [ballot_ids]
    )
    (close_age,) = cursor.fetchone()
    if close_age is None:  # no ballot was cast: nothing of an order to keep
        return True
    cursor.execute(
        "SELECT age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint) % 4294967296)"
        "::text::xid), (SELECT max(age(backend_xmin)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend')"
    )
    running_age, snapshot_age = cursor.fetchone()
    return bool(running_age < close_age and (snapshot_age is None or snapshot_age < close_age))


def _vacuum_full(cursor: Any) -> int:
    """VACUUM FULL writes each table into a new file in its current (random) order, rebuilds
    its indexes and removes the old files. It locks the two tables while it runs: votes in
    other open ballots wait (measured in docs/ballots.md). It must also *leave out* the rows the
    close deleted — but it copies a deleted row that some transaction still running on the
    server might see (one that began before the close, even in another database of the same
    server). VERBOSE says how many it kept: returns that number (0: nothing of the old order
    is left in the new files)."""
    kept: list[int] = []

    def notice(diagnostic: Any) -> None:
        for text in (diagnostic.message_primary, diagnostic.message_detail):
            for count in _KEPT.findall(text or ""):
                kept.append(int(count))

    raw = connection.connection
    raw.add_notice_handler(notice)
    try:
        cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        try:
            cursor.execute(f"VACUUM (FULL, VERBOSE) {', '.join(TABLES)}")
        finally:
            cursor.execute("RESET lock_timeout")
    finally:
        raw.remove_notice_handler(notice)
    if len(kept) != len(TABLES):
        # A server whose messages are not in English: the check before the rebuild stands.
        logger.info("ballot storage: VACUUM FULL's report not understood; relying on the check")
    return sum(kept)
