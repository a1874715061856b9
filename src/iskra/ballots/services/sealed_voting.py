"""A sealed ballot once it opens (docs/sealed.md): encrypted ballots checked and put on the
hash-chained board (a revote replaces the earlier ballot), the close (the homomorphic tally,
the record the trustees decrypt from), the trustees' decryption shares, and the count.

Nothing here stores a plaintext vote or a credential: a ballot encrypted by the server (for a
voter without JavaScript) is encrypted in memory and only the ciphertext is kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from iskra import sealed
from iskra.audit.services import record
from iskra.ballots.models import Ballot, SealedBoardEntry
from iskra.ballots.services.sealed_audit import audited_trackers
from iskra.ballots.services.sealed_setup import trustee_for
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.sealed import export as sexport
from iskra.sealed.board import genesis, link
from iskra.sealed.election import RANKED
from iskra.sealed.proofs import ct_parse
from iskra.sealed.tally import check_decryption_share, check_mixes, decryption_list, mix_input

# Parsed elections and their credential sets, per process (the parameters never change once
# the ballot has opened): checking a ballot must not re-parse them on every cast.
_ELECTIONS: dict[tuple[int, str], tuple[sealed.Election, set[bytes]]] = {}


def election_of(ballot: Ballot) -> tuple[sealed.Election, set[bytes]]:
    if ballot.sealed_election is None:
        raise DomainError("This sealed ballot has not opened yet.")
    key = (ballot.pk, ballot.sealed_uuid)
    found = _ELECTIONS.get(key)
    if found is None or found[0].data != ballot.sealed_election:
        election = sealed.Election(ballot.sealed_election)
        creds = sealed.check_credential_batches(election, batches(ballot))
        if len(_ELECTIONS) > 100:
            _ELECTIONS.clear()
        found = _ELECTIONS[key] = (election, creds)
    return found


def batches(ballot: Ballot) -> list[dict[str, Any]]:
    return [b.batch for b in ballot.credential_batches.all()]


def answers_for_election(
    ballot: Ballot, election: sealed.Election, paper: dict[str, Any]
) -> list[Any]:
    """A voting paper as the plain ballot's form reads it (question id → option number, list,
    or "blank") in the sealed order: one answer per question, None for blank."""
    out: list[Any] = []
    for q in election.questions:
        answer = paper.get(str(q["id"]))
        out.append(None if answer == "blank" else answer)
    return out


# --- Casting -------------------------------------------------------------------------------------


def check_cast(ballot: Ballot, data: Any) -> str:
    """Check an encrypted ballot (signature, proofs, credential issued); return its tracker.
    Runs outside any transaction: the checks are the slow part."""
    if ballot.state != Ballot.State.OPEN or ballot.closes_at <= timezone.now():
        raise DomainError("This ballot is not open for voting.")
    election, creds = election_of(ballot)
    try:
        try:
            return sealed.check_ballot(election, data, creds)
        except sealed.SealedError as exc:
            if "not on the roll" not in str(exc):
                raise
            # A further batch (an upheld challenge) may have come since this process read
            # the credentials: read them again, once.
            _ELECTIONS.pop((ballot.pk, ballot.sealed_uuid), None)
            election, creds = election_of(ballot)
            return sealed.check_ballot(election, data, creds)
    except sealed.SealedError as exc:
        raise DomainError(f"Your ballot was refused: {exc}") from None


def encrypt_on_server(ballot: Ballot, paper: dict[str, Any], credential: str) -> dict[str, Any]:
    """For a voter without JavaScript: encrypt, prove and sign in memory (nothing kept but the
    encrypted ballot, which is then checked like any other)."""
    election, _ = election_of(ballot)
    try:
        return sealed.encrypt_ballot(
            election, answers_for_election(ballot, election, paper), credential
        )
    except sealed.SealedError as exc:
        raise DomainError(str(exc)) from None


# The hot path of a sealed ballot under load, in plain SQL as the plain cast is (the ORM's
# query building cost more CPU than the checks): the ballot row locked (PostgreSQL; SQLite
# runs one writing transaction at a time), the board's head, the credential's counted ballot.
_LOCK_SQL = "SELECT state, closes_at FROM ballots_ballot WHERE id = %s"
_HEAD_SQL = (
    "SELECT seq, chain_hash FROM ballots_sealedboardentry WHERE ballot_id = %s "
    "ORDER BY seq DESC LIMIT 1"
)
_LIVE_SQL = (
    "SELECT id, tracker FROM ballots_sealedboardentry "
    "WHERE ballot_id = %s AND credential = %s AND replaced = %s LIMIT 1"
)
_REPLACED_SQL = "UPDATE ballots_sealedboardentry SET replaced = %s WHERE id = %s"
_AUDITED_SQL = "SELECT 1 FROM ballots_sealedaudit WHERE ballot_id = %s AND tracker = %s"


def cast_sealed(*, ballot: Ballot, data: Any, origin: str = "browser") -> SealedBoardEntry:
    """Put a checked encrypted ballot on the board; a later ballot with the same credential
    replaces the earlier one (the last counts). Returns the board entry (the voter's receipt:
    tracker, seq, hash). The checks run before the transaction: they are the slow part."""
    tracker = check_cast(ballot, data)
    election, _ = election_of(ballot)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
            cursor.execute(_LOCK_SQL + lock, [ballot.pk])
            state, closes_at = cursor.fetchone()
            if isinstance(closes_at, str):  # SQLite without the converters of the ORM
                closes_at = datetime.fromisoformat(closes_at)
            if timezone.is_naive(closes_at):
                closes_at = timezone.make_aware(closes_at, UTC)
            if state != Ballot.State.OPEN or closes_at <= timezone.now():
                raise DomainError("This ballot is not open for voting.")
            cursor.execute(_AUDITED_SQL, [ballot.pk, tracker])
            if cursor.fetchone() is not None:
                raise DomainError(
                    "This ballot was opened for an audit, and an audited ballot is never cast: "
                    "encrypt your vote afresh."
                )
            cursor.execute(_HEAD_SQL, [ballot.pk])
            last = cursor.fetchone()
            cursor.execute(_LIVE_SQL, [ballot.pk, data["credential"], False])
            previous = cursor.fetchone()
            head = bytes.fromhex(last[1]) if last else genesis(election.fp)
            entry: dict[str, Any] = {
                "seq": (last[0] if last else 0) + 1,
                "tracker": tracker,
                "ballot": data,
                "origin": origin,
                "replaces": previous[1] if previous else None,
            }
            entry["hash"] = link(head, entry).hex()
            if previous is not None:
                cursor.execute(_REPLACED_SQL, [True, previous[0]])
            return SealedBoardEntry.objects.create(
                ballot_id=ballot.pk,
                seq=entry["seq"],
                tracker=tracker,
                credential=data["credential"],
                content=data,
                origin=origin,
                replaces=entry["replaces"] or "",
                chain_hash=entry["hash"],
            )
    except IntegrityError:
        raise DomainError(
            "This very ballot is already on the board (a ballot is cast once)."
        ) from None


def board_entries(ballot: Ballot) -> list[dict[str, Any]]:
    return [e.as_entry() for e in ballot.sealed_board.order_by("seq")]


def board_head(ballot: Ballot) -> str:
    last = ballot.sealed_board.order_by("-seq").first()
    if last is not None:
        return last.chain_hash
    election, _ = election_of(ballot)
    return genesis(election.fp).hex()


# --- Closing -------------------------------------------------------------------------------------


def close_sealed(ballot: Ballot, now: datetime) -> None:
    """At the close (inside ``close_ballot``'s transaction): the record before decryption —
    the board checked as a whole, the homomorphic tally — for the trustees to decrypt."""
    election, _ = election_of(ballot)
    board = sealed.Board(election.fp, board_entries(ballot))
    data = sexport.build_export(
        election=ballot.sealed_election or {},
        transcript=ballot.sealed_transcript or {},
        credentials=batches(ballot),
        entitled=ballot.roll_size,
        board=board,
        mixes=[[] if q["kind"] in RANKED else None for q in election.questions],
        audited=audited_trackers(ballot),
    )
    ballot.state = Ballot.State.TALLYING
    ballot.closed_at = now
    ballot.board_hash = board.head.hex()
    ballot.sealed_record = data
    ballot.save(update_fields=["state", "closed_at", "board_hash", "sealed_record"])
    record(
        actor=None,
        action="ballot.sealed.close",
        obj=ballot,
        unit=ballot.unit,
        data={
            "board_entries": len(board.entries),
            "counted": len(board.counted()),
            "board_hash": ballot.board_hash,
        },
    )
    trustees = list(ballot.trustees.values_list("user_id", flat=True))
    notify(
        users=trustees,
        kind="ballot.decrypt",
        title=f"Decrypt the result: {ballot.title}",
        url=reverse("ballots:sealed_trustee", args=[ballot.pk]),
    )


def _mix_inputs(ballot: Ballot, election: sealed.Election, qi: int) -> list[Any]:
    """The counted ballots' rankings of question ``qi`` (the first mix's input)."""
    assert ballot.sealed_record is not None
    board = sealed.Board(election.fp, ballot.sealed_record["board"])
    return mix_input(election, board.counted(), qi)


def mixes_needed(ballot: Ballot) -> dict[int, int]:
    """Per ranked question still short of mixes: how many more distinct trustees must mix."""
    if ballot.sealed_record is None:
        return {}
    election, _ = election_of(ballot)
    out = {}
    for qi, chain in enumerate(ballot.sealed_record["mixes"]):
        if chain is not None:
            short = election.k - len({m["trustee"] for m in chain})
            if short > 0:
                out[qi] = short
    return out


def _last_mixes(ballot: Ballot) -> dict[int, list[Any]]:
    assert ballot.sealed_record is not None
    return {
        qi: [[ct_parse(c, "mix") for c in row] for row in chain[-1]["ciphertexts"]]
        for qi, chain in enumerate(ballot.sealed_record["mixes"])
        if chain
    }


def decryption_targets(ballot: Ballot) -> list[Any]:
    assert ballot.sealed_record is not None
    if mixes_needed(ballot):
        raise DomainError("The ranked questions are not yet shuffled by enough trustees.")
    election, _ = election_of(ballot)
    tally = [
        None if t is None else [ct_parse(c, "tally") for c in t]
        for t in ballot.sealed_record["tally"]
    ]
    return decryption_list(election, tally, _last_mixes(ballot))


@transaction.atomic
def submit_mix(*, actor: Any, ballot: Ballot, mix: Any) -> None:
    """A trustee's shuffle of a ranked question's ballots (``iskra trustee mix``, or the
    browser), its proof checked against the chain so far; at least k distinct trustees mix
    each ranked question before anyone decrypts."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    trustee = trustee_for(actor, ballot)
    if ballot.state != Ballot.State.TALLYING or ballot.sealed_record is None:
        raise DomainError("Ranked questions are shuffled after the close, before decryption.")
    if ballot.trustees.exclude(decryption=None).exists():
        raise DomainError("Decryption has begun: the shuffles are complete.")
    election, _ = election_of(ballot)
    qi = mix.get("question") if isinstance(mix, dict) else None
    record_ = ballot.sealed_record
    if (
        not isinstance(qi, int)
        or not 0 <= qi < len(election.questions)
        or record_["mixes"][qi] is None
    ):
        raise DomainError("This is not a shuffle of one of this ballot's ranked questions.")
    chain = record_["mixes"][qi]
    if any(m.get("trustee") == trustee.number for m in chain):
        raise DomainError(f"You have already shuffled question {qi + 1}.")
    if mix.get("trustee") != trustee.number:
        raise DomainError(
            f"This is not trustee {trustee.number}'s shuffle (check the key file you used)."
        )
    try:
        check_mixes(election, qi, _mix_inputs(ballot, election, qi), [*chain, mix], complete=False)
    except (sealed.SealedError, TypeError, AttributeError, KeyError, ValueError) as exc:
        raise DomainError(f"Your shuffle was refused: {exc}") from None
    chain.append(mix)
    ballot.sealed_record = record_
    ballot.save(update_fields=["sealed_record"])
    record(
        actor=actor,
        action="ballot.sealed.mix",
        obj=ballot,
        unit=ballot.unit,
        data={"trustee": trustee.number, "question": qi + 1, "index": len(chain) - 1},
    )


@transaction.atomic
def submit_decryption(*, actor: Any, ballot: Ballot, share: Any) -> bool:
    """A trustee's decryption share, its proofs checked against the record; with k of them
    the result is opened, counted and published. Returns whether the ballot is now counted."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    trustee = trustee_for(actor, ballot)
    if ballot.state != Ballot.State.TALLYING:
        raise DomainError("Decryption shares are given after the close, until the result is out.")
    if trustee.decryption is not None:
        raise DomainError("You have already given your decryption share.")
    short = mixes_needed(ballot)
    if short:
        qi, more = next(iter(short.items()))
        raise DomainError(
            f"Question {qi + 1} must be shuffled by {more} more trustee(s) before anyone decrypts."
        )
    election, _ = election_of(ballot)
    if not isinstance(share, dict) or share.get("trustee") != trustee.number:
        raise DomainError(
            f"This is not trustee {trustee.number}'s decryption share (check the key file you used)."
        )
    try:
        check_decryption_share(election, share, decryption_targets(ballot))
    except (sealed.SealedError, TypeError, AttributeError, KeyError, ValueError) as exc:
        raise DomainError(f"Your decryption share was refused: {exc}") from None
    trustee.decryption = share
    trustee.save(update_fields=["decryption"])
    record(
        actor=actor,
        action="ballot.sealed.decryption",
        obj=ballot,
        unit=ballot.unit,
        data={"trustee": trustee.number},
    )
    shares = [t.decryption for t in ballot.trustees.exclude(decryption=None)]
    if len(shares) < ballot.threshold:
        return False
    _count(ballot, shares)
    return True


def _count(ballot: Ballot, shares: list[Any]) -> None:
    from iskra.ballots.services.closing import announce_result

    assert ballot.sealed_record is not None
    try:
        finished = sexport.finish_export(ballot.sealed_record, shares)
    except sealed.SealedError as exc:
        # The record fails the verifier's checks (e.g. an audited ballot on the board): a
        # count from it would fail `iskra ballot verify`, so none is made; the share is not kept.
        raise DomainError(
            f"The record fails its checks, so it is not counted: {exc}. Tell the scrutineer."
        ) from None
    result = json.loads(json.dumps(finished["result"]))
    result["board_hash"] = ballot.board_hash
    result["sealed"] = True
    ballot.sealed_record = finished
    ballot.result = result
    ballot.state = Ballot.State.CLOSED
    ballot.save(update_fields=["sealed_record", "result", "state"])
    record(
        actor=None,
        action="ballot.close",
        obj=ballot,
        unit=ballot.unit,
        data={
            "cast": result["cast"],
            "entitled": result["entitled"],
            "board_hash": ballot.board_hash,
            "sealed": True,
            "trustees": sorted(s["trustee"] for s in shares),
        },
    )
    announce_result(ballot, result)


def sealed_export(ballot: Ballot, *, viewer: Any = None) -> dict[str, Any]:
    """The record: before the count, what the trustees decrypt from; after, the whole
    ``iskra-sealed-export/1`` that ``iskra ballot verify`` checks. Below the publication
    minimum the figures are withheld (as for any ballot): the record then stops before the
    decryption, except for the trustees."""
    from iskra.ballots.services.publishing import board_is_public
    from iskra.ballots.services.sealed_setup import is_trustee

    if ballot.sealed_record is None:
        raise DomainError("The record is published when the ballot closes.")
    record_: dict[str, Any] = ballot.sealed_record
    if (
        ballot.state == Ballot.State.CLOSED
        and not board_is_public(ballot)
        and not (viewer is not None and is_trustee(viewer, ballot))
    ):
        return {k: v for k, v in record_.items() if k not in ("decryptions", "result")}
    return record_
