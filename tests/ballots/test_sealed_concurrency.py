"""Concurrent sealed casts on PostgreSQL: threads cast at once (some revoting with the same
credential from two threads); the board stays one chain — every entry numbered in turn, every
hash linking to the one before, each revote replacing exactly the credential's counted ballot —
and every acknowledged ballot is on it: none lost, none twice."""

from __future__ import annotations

import threading

import pytest

from iskra import sealed
from iskra.ballots.models import Ballot
from iskra.ballots.services import sealed_voting as sv
from tests.api.test_sealed_api import opened
from tests.ballots.test_guarantees import add_voters, in_thread, needs_postgres
from tests.ballots.test_sealed_flow import sealed_ballot  # noqa: F401
from tests.conftest import World


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sealed_casts_keep_one_chain(world: World, sealed_ballot: Ballot) -> None:  # noqa: F811
    add_voters(world.branch_a, 24, "s")
    secrets = opened(world, sealed_ballot)
    ballot = Ballot.objects.get(pk=sealed_ballot.pk)
    election = ballot.sealed_election
    threads = 8
    # Thread i casts for its own voter, then for a voter it shares with thread i ^ 1 (a revote
    # race), then its own voter again (a revote).
    work = {
        i: [
            sealed.encrypt_ballot(election, [i % 2], secrets[i]),
            sealed.encrypt_ballot(election, [0], secrets[threads + i // 2]),
            sealed.encrypt_ballot(election, [1], secrets[i]),
        ]
        for i in range(threads)
    }
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    acknowledged: list[str] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        def body() -> None:
            barrier.wait(timeout=30)
            for data in work[i]:
                entry = sv.cast_sealed(ballot=ballot, data=data)
                with lock:
                    acknowledged.append(entry.tracker)

        try:
            in_thread(body)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert errors == []
    entries = sv.board_entries(ballot)
    board = sealed.Board(sealed.Election(election).fp, entries)  # raises if the chain breaks
    assert sorted(e["tracker"] for e in entries) == sorted(acknowledged)
    assert len(entries) == 3 * threads
    assert len(board.counted()) == threads + threads // 2
