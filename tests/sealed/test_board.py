"""The board: a voter's receipt finds their ballot, shows a replacement, and exposes a dropped
ballot or a rewritten history."""

from __future__ import annotations

import pytest

from iskra import sealed
from iskra.sealed.board import Board
from iskra.sealed.errors import SealedError

from .conftest import Scenario


def _board(scenario: Scenario, votes: list[tuple[int, list]]) -> tuple[Board, list[dict]]:  # type: ignore[type-arg]
    e = scenario.parsed
    board = Board(e.fp)
    receipts = []
    for voter, answers in votes:
        ballot = sealed.encrypt_ballot(e, answers, scenario.credentials[voter])
        receipts.append(sealed.receipt(board.append(ballot, sealed.check_ballot(e, ballot))))
    return board, receipts


VOTES = [
    (0, [0, 0, [], []]),
    (1, [1, 1, [2], [3]]),
    (2, [None, 2, [0], [0, 1]]),
    (0, [1, 2, [1], [2]]),
]


def test_receipts_find_ballots_and_show_replacements(scenario: Scenario) -> None:
    board, receipts = _board(scenario, VOTES)
    assert [sealed.check_receipt(board.entries, r) for r in receipts] == [
        "replaced",
        "counted",
        "counted",
        "counted",
    ]
    assert board.entries[3]["replaces"] == receipts[0]["tracker"]
    assert [sealed.tracker(b) for b in board.counted()] == [r["tracker"] for r in receipts[1:]]
    assert board.replaced() == [receipts[0]["tracker"]]
    # The board is rebuilt (and checked) from its entries, as a verifier does.
    assert Board(scenario.parsed.fp, board.entries).head == board.head


def test_a_dropped_ballot_is_detectable_by_its_voters_tracker(scenario: Scenario) -> None:
    board, receipts = _board(scenario, VOTES)
    # The server drops the second ballot and recomputes the chain, so the board itself looks
    # consistent: the voter's receipt shows their ballot is gone.
    rebuilt = Board(scenario.parsed.fp)
    for entry in board.entries:
        if entry["tracker"] != receipts[1]["tracker"]:
            rebuilt.append(entry["ballot"], entry["tracker"], entry["origin"])
    with pytest.raises(
        SealedError, match=f"your ballot \\(tracker {receipts[1]['tracker']}\\) is not on the board"
    ):
        sealed.check_receipt(rebuilt.entries, receipts[1])
    # A later voter sees that the history before their ballot was rewritten.
    with pytest.raises(SealedError, match="the board before it was changed after you voted"):
        sealed.check_receipt(rebuilt.entries, receipts[2])
    # Without recomputing, the chain itself breaks.
    entries = [e for e in board.entries if e["tracker"] != receipts[1]["tracker"]]
    with pytest.raises(SealedError, match="board entry 2: sequence number 3 out of order"):
        Board(scenario.parsed.fp, entries)
