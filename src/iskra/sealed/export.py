"""The published record of a sealed ballot, and its verifier.

``verify_export`` needs nothing but this package (no Django, no server). It checks, in this
order, and names the first thing that fails: the trustees' key generation; the credential
batches (signed by the credential authority); the board's hash chain and its replacements;
every ballot's signature, credential and proofs; the homomorphic tally; every mix's proof of
shuffle; every trustee's decryption proofs; and it recounts the result with ``iskra.voting``.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from . import shuffle as shf
from .ballot import check_ballot
from .board import Board
from .count import result as count_result
from .election import RANKED, Election, check_credential_batches
from .encoding import need
from .errors import FormatError, SealedError, VerifyError
from .proofs import ONE, Ciphertext, ct_json, ct_mul, ct_parse
from .setup import check_setup
from .tally import (
    check_mixes,
    combine,
    decryption_list,
    homomorphic_tally,
    plaintexts,
)

EXPORT_FORMAT = "iskra-sealed-export/1"


@dataclass
class Checked:
    """What the verifier established before decryption (the trustee tools start from here)."""

    election: Election
    entitled: int
    counted: list[dict[str, Any]]
    tally: list[list[Ciphertext] | None]
    mixed: dict[int, list[shf.Row]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def decryption_list(self) -> list[Ciphertext]:
        return decryption_list(self.election, self.tally, self.mixed)


# The ballots to check, shared with worker processes by fork (not pickled to each of them).
_SHARED: dict[str, Any] = {}


def _check_range(bounds: tuple[int, int]) -> tuple[tuple[int, str] | None, list[Any]]:
    """Check entries [start, stop): each ballot's signature, proofs and tracker; and the
    product of the counted ones' homomorphic ciphertexts (partial tallies)."""
    election: Election = _SHARED["election"]
    entries: list[dict[str, Any]] = _SHARED["entries"]
    counted: set[int] = _SHARED["counted"]
    start, stop = bounds
    for entry in entries[start:stop]:
        try:
            if check_ballot(election, entry["ballot"]) != entry["tracker"]:
                return (entry["seq"], "its tracker is not its ballot's hash"), []
        except SealedError as exc:
            return (entry["seq"], str(exc)), []
    ballots = [e["ballot"] for e in entries[start:stop] if e["seq"] in counted]
    partial = homomorphic_tally(election, ballots)
    return None, [None if t is None else [ct_json(c) for c in t] for t in partial]


class BallotChecks:
    """Every ballot's signature, proofs and tracker, and the homomorphic tally of the
    ``counted`` entries (by sequence number), on ``workers`` processes (default: every core).

    The worker processes start at once; the caller checks other parts of the record (the
    credentials, the board's chain) meanwhile and then asks for ``result()``, which raises
    the first failing ballot's error. With one worker, or a small board, the checks run in
    ``result()`` itself."""

    def __init__(
        self,
        election: Election,
        entries: list[dict[str, Any]],
        counted: set[int],
        workers: int | None = None,
    ) -> None:
        workers = workers or os.cpu_count() or 1
        self.election, self.entries, self.counted = election, entries, counted
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[tuple[tuple[int, str] | None, list[Any]]]] = []
        if workers > 1 and len(entries) >= 200 and "fork" in mp.get_all_start_methods():
            # The ballots are shared with the worker processes by fork, not pickled to each.
            _SHARED.update(election=election, entries=entries, counted=counted)
            size = max(50, len(entries) // (workers * 8))
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
            try:
                self._futures = [
                    self._pool.submit(_check_range, (i, min(i + size, len(entries))))
                    for i in range(0, len(entries), size)
                ]
            finally:
                _SHARED.clear()  # the workers forked with it; this process needs it no more

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def result(self) -> list[list[Ciphertext] | None]:
        if self._pool is None:
            _SHARED.update(election=self.election, entries=self.entries, counted=self.counted)
            try:
                results = [_check_range((0, len(self.entries)))]
            finally:
                _SHARED.clear()
        else:
            try:
                results = [f.result() for f in self._futures]
            finally:
                self.cancel()
        failures = [f for f, _ in results if f]
        if failures:
            seq, message = min(failures)
            tracker = self.entries[seq - 1]["tracker"]
            raise VerifyError(f"board entry {seq} (tracker {tracker}): {message}")
        tally: list[list[Ciphertext] | None] = []
        for qi in range(len(self.election.questions)):
            parts = [p[qi] for _, p in results]
            if parts[0] is None:
                tally.append(None)
                continue
            total = [ONE] * len(parts[0])
            for part in parts:
                total = [ct_mul(t, ct_parse(c, "tally")) for t, c in zip(total, part, strict=True)]
            tally.append(total)
        return tally


def check_ballots(
    election: Election,
    entries: list[dict[str, Any]],
    counted: set[int],
    workers: int | None = None,
) -> list[list[Ciphertext] | None]:
    """Every ballot's signature, proofs and tracker, on ``workers`` processes (default: every
    core); returns the homomorphic tally of the ``counted`` entries (by sequence number)."""
    return BallotChecks(election, entries, counted, workers).result()


def _last_per_credential(entries: list[dict[str, Any]]) -> set[int]:
    """The sequence numbers of the entries that count if the board is sound: each
    credential's last ballot (revoting replaces). The board's chain, checked afterwards,
    must agree."""
    last: dict[str, Any] = {}
    for entry in entries:
        ballot = entry.get("ballot") if isinstance(entry, dict) else None
        if isinstance(ballot, dict):  # a malformed entry is named by the chain's check
            last[str(ballot.get("credential"))] = entry.get("seq")
    return set(last.values())


def verify_before_decryption(
    data: Any, *, workers: int | None = None, mixes_complete: bool = True
) -> Checked:
    if need(data, "format", str, "export") != EXPORT_FORMAT:
        raise VerifyError(f"not a sealed ballot export (format {EXPORT_FORMAT})")
    try:
        election = Election(need(data, "election", dict, "export"))
        lines = [
            f"Sealed ballot: {election.data['title']}",
            f"Election fingerprint {election.fp_hex}",
        ]
        outcome = check_setup(need(data, "setup", dict, "export"))
        for key in ("setup", "threshold", "trustees", "public_key"):
            if outcome[key] != election.data[key]:
                raise VerifyError(f"the election's {key} differs from the trustees' key generation")
        lines.append(
            f"Key generation: {len(outcome['trustees'])} trustees, threshold {outcome['threshold']}, "
            "every proof and share commitment verified"
        )
        entries = need(data, "board", list, "export")
        # The ballots' proofs are most of the work: the worker processes start on them now, and
        # this process checks the credentials and the board's chain meanwhile. Failures are
        # still reported in the record's order: set-up, credentials, chain, then ballots.
        checks = BallotChecks(election, entries, _last_per_credential(entries), workers)
        try:
            credentials = check_credential_batches(
                election, need(data, "credentials", list, "export")
            )
            entitled = need(data, "entitled", int, "export")
            if len(credentials) != entitled:
                raise VerifyError(
                    f"{len(credentials)} credentials were issued for {entitled} voters entitled"
                )
            lines.append(f"Credentials: {len(credentials)}, signed by the credential authority")
            board = Board(election.fp, [])
            for entry in entries:
                board._accept(entry)
                cred = entry["ballot"].get("credential")
                try:
                    known = bytes.fromhex(cred) in credentials
                except (TypeError, ValueError):
                    known = False
                if not known:
                    raise VerifyError(
                        f"board entry {entry['seq']} (tracker {entry['tracker']}): "
                        "its credential is not one the credential authority issued"
                    )
            if need(data, "board_hash", str, "export") != board.head.hex():
                raise VerifyError(
                    f"final board hash {board.head.hex()} differs from the published one"
                )
            live = set(board.live.values())
            counted_seqs = {e["seq"] for e in entries if e["tracker"] in live}
            if counted_seqs != checks.counted:
                raise VerifyError("the board's last ballot per credential is not the one it counts")
            tally = checks.result()
        except BaseException:
            checks.cancel()
            raise
        audited = set(data.get("audited", []))
        for e in entries:
            if e["tracker"] in audited:
                raise VerifyError(f"board entry {e['seq']}: an audited ballot was cast")
        counted = board.counted()
        lines.append(
            f"Board: {len(entries)} entries, hash chain intact (final hash {board.head.hex()}); "
            f"{len(board.replaced())} replaced by a later vote, {len(counted)} counted; "
            "every signature and proof verified"
        )
        published = need(data, "tally", list, "export")
        recomputed = [None if t is None else [ct_json(c) for c in t] for t in tally]
        if published != recomputed:
            raise VerifyError(
                "the published homomorphic tally is not the product of the counted ballots"
            )
        checked = Checked(election, entitled, counted, tally, lines=lines)
        mixes = need(data, "mixes", list, "export")
        if len(mixes) != len(election.questions):
            raise FormatError("export: one entry in 'mixes' per question")
        for qi, q in enumerate(election.questions):
            if q["kind"] in RANKED:
                inputs = [
                    [ct_parse(c, "ranking") for c in b["answers"][qi]["ranking"]] for b in counted
                ]
                checked.mixed[qi] = check_mixes(
                    election, qi, inputs, mixes[qi] or [], complete=mixes_complete
                )
                lines.append(
                    f"Question {qi + 1}: {len(mixes[qi] or [])} mixes by trustees "
                    f"{', '.join(str(m['trustee']) for m in mixes[qi] or [])}, every proof of shuffle verified"
                )
            elif mixes[qi] is not None:
                raise FormatError(f"export: question {qi + 1} is not ranked and has no mix")
        return checked
    except VerifyError:
        raise
    except SealedError as exc:
        raise VerifyError(str(exc)) from exc
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise VerifyError(f"the record is not in the expected format ({exc!r})") from exc


def decrypt_and_count(checked: Checked, decryptions: Any) -> dict[str, Any]:
    targets = checked.decryption_list()
    points = combine(
        checked.election, need({"d": decryptions}, "d", list, "export decryptions"), targets
    )
    plain = plaintexts(
        checked.election,
        points,
        len(checked.counted),
        {qi: len(rows) for qi, rows in checked.mixed.items()},
    )
    return count_result(
        checked.election, plain, cast=len(checked.counted), entitled=checked.entitled
    )


def verify_export(data: Any, *, workers: int | None = None) -> list[str]:
    """Check a sealed export completely; return the report lines, or raise VerifyError naming
    the first thing that fails."""
    checked = verify_before_decryption(data, workers=workers)
    try:
        trustees = sorted(d.get("trustee") for d in need(data, "decryptions", list, "export"))
        recount = decrypt_and_count(checked, data["decryptions"])
    except VerifyError:
        raise
    except SealedError as exc:
        raise VerifyError(str(exc)) from exc
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise VerifyError(f"the record is not in the expected format ({exc!r})") from exc
    checked.lines.append(
        f"Decryption: shares of trustees {', '.join(map(str, trustees))}, every proof verified"
    )
    published = need(data, "result", dict, "export")
    if json.loads(json.dumps(recount)) != json.loads(json.dumps(published)):
        raise VerifyError("the recount differs from the published result")
    checked.lines.append(
        f"Recount: {recount['cast']} ballots of {recount['entitled']} entitled "
        f"(turnout {recount['turnout']}) — same result as published."
    )
    for q in recount["questions"]:
        summary = ", ".join(f"{name}: {n}" for name, n in q["votes"].items())
        outcome = (
            ("passed" if q["passed"] else "not passed")
            if "passed" in q
            else ("elected " + ", ".join(q.get("elected", [])))
        )
        checked.lines.append(f"  {q['question']}: {summary}; blank {q['blank']} — {outcome}")
    return checked.lines


def build_export(
    *,
    election: dict[str, Any],
    transcript: dict[str, Any],
    credentials: list[dict[str, Any]],
    entitled: int,
    board: Board,
    mixes: list[list[dict[str, Any]] | None],
    audited: list[str] | None = None,
) -> dict[str, Any]:
    """The record before decryption (what trustees decrypt from): everything but the shares
    and the result. ``mixes`` has one entry per question (None for non-ranked questions)."""
    parsed = Election(election)
    tally = homomorphic_tally(parsed, board.counted())
    return {
        "format": EXPORT_FORMAT,
        "election": election,
        "setup": transcript,
        "credentials": credentials,
        "entitled": entitled,
        "board": board.entries,
        "board_hash": board.head.hex(),
        "audited": list(audited or []),
        "tally": [None if t is None else [ct_json(c) for c in t] for t in tally],
        "mixes": mixes,
    }


def finish_export(
    data: dict[str, Any],
    decryptions: list[dict[str, Any]],
    *,
    checked: Checked | None = None,
    workers: int | None = 1,
) -> dict[str, Any]:
    """Add the trustees' shares and the result they give (checking everything first, unless
    ``checked`` is what :func:`verify_before_decryption` already returned for ``data``)."""
    checked = checked or verify_before_decryption(data, workers=workers)
    recount = decrypt_and_count(checked, decryptions)
    return {**data, "decryptions": decryptions, "result": json.loads(json.dumps(recount))}
