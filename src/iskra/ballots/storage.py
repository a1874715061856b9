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
import random
import uuid

from django.db import DatabaseError, connection

from iskra.ballots.models import CastBallot, VoteMark

logger = logging.getLogger(__name__)

TABLES = ("ballots_votemark", "ballots_castballot")
# How long the rebuild may wait for the tables' lock on PostgreSQL. While it waits, new votes in
# other open ballots queue behind it; past this it gives up and the next sweep tries again.
LOCK_TIMEOUT = "3s"


def rewrite_in_random_order(ballot_id: int) -> int:
    """Delete this ballot's marks and ballots and insert them again, shuffled, with new ids.
    Runs inside the closing transaction (the caller holds the casting lock). Returns how many
    ballots were rewritten."""
    rng = random.SystemRandom()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.roll_entry_id FROM ballots_votemark m "
            "JOIN ballots_rollentry r ON r.id = m.roll_entry_id WHERE r.ballot_id = %s",
            [ballot_id],
        )
        marks = [row[0] for row in cursor.fetchall()]
        ballots = list(
            CastBallot.objects.filter(ballot_id=ballot_id).values_list("tracker", "content")
        )
        cursor.execute(
            "DELETE FROM ballots_votemark WHERE roll_entry_id IN "
            "(SELECT id FROM ballots_rollentry WHERE ballot_id = %s)",
            [ballot_id],
        )
        cursor.execute("DELETE FROM ballots_castballot WHERE ballot_id = %s", [ballot_id])
    rng.shuffle(marks)
    rng.shuffle(ballots)
    VoteMark.objects.bulk_create(
        [VoteMark(id=uuid.uuid4(), roll_entry_id=entry) for entry in marks], batch_size=5000
    )
    CastBallot.objects.bulk_create(
        [
            CastBallot(id=uuid.uuid4(), ballot_id=ballot_id, tracker=tracker, content=content)
            for tracker, content in ballots
        ],
        batch_size=5000,
    )
    return len(ballots)


def release_old_pages() -> bool:
    """Rebuild the storage of marks and ballots so no page keeps rows deleted by
    :func:`rewrite_in_random_order`. Outside any transaction (after the close commits). Returns
    whether it finished; on failure (a lock not granted in time, a reader holding the SQLite
    log) it logs why and the worker's next sweep tries again."""
    if connection.in_atomic_block:
        raise RuntimeError("release_old_pages runs after the commit, outside a transaction")
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # VACUUM FULL writes each table into a new file in its current (random) order,
                # rebuilds its indexes and removes the old files. It locks the two tables while
                # it runs: votes in other open ballots wait (measured in docs/ballots.md).
                cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                try:
                    cursor.execute(f"VACUUM FULL {', '.join(TABLES)}")
                finally:
                    cursor.execute("RESET lock_timeout")
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
