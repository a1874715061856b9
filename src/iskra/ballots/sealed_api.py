"""The sealed-ballot API (docs/sealed.md): the election parameters, casting an encrypted ballot,
and the board of encrypted ballots, through the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_IN_PATH, Input, PathId
from iskra.apikit.pagination import MAX_PAGE_SIZE, Paged, Pages
from iskra.ballots.models import Ballot, SealedBoardEntry
from iskra.ballots.permissions import load_ballot
from iskra.ballots.services import sealed_voting as sv
from iskra.core.errors import DomainError, NotFound

router = Router(tags=["sealed ballots"])


class SealedBallotIn(Input):
    ballot: dict[str, Any] = Field(
        description="The encrypted ballot as sealed.js makes it: election (fingerprint), "
        "credential (public key), answers (ciphertexts with proofs) and signature "
        "(docs/sealed.md, 'Ballots'). Never the answers in clear, never the credential's secret."
    )


class ReceiptOut(Schema):
    tracker: str = Field(description="SHA-256 of the ballot's canonical JSON (base64url).")
    seq: int = Field(description="Its place on the board.")
    hash: str = Field(description="The board's chain hash after it: the voter's receipt.")
    replaces: str | None = Field(
        description="The tracker of the same credential's earlier ballot, which no longer counts."
    )
    origin: str


class SealedEntryOut(Schema):
    seq: int
    tracker: str
    ballot: dict[str, Any]
    origin: str = Field(description="'browser', or 'server' for a ballot the server encrypted.")
    replaces: str | None
    replaced: bool
    hash: str


def _sealed(request: HttpRequest, ballot_id: int) -> Ballot:
    ballot = load_ballot(request_user(request), ballot_id)
    if not ballot.sealed:
        raise NotFound("This ballot is not sealed.")
    return ballot


@router.get("/ballots/{ballot_id}/sealed/election", response={200: dict[str, Any], **ERRORS})
def election(request: HttpRequest, ballot_id: PathId) -> Any:
    """The election parameters every ballot is bound to (format iskra-sealed-election/1),
    frozen when the ballot opens: the questions, the election key, the trustees' public keys,
    the credential authority's key."""
    ballot = _sealed(request, ballot_id)
    if ballot.sealed_election is None:
        raise NotFound("The election parameters are frozen when the ballot opens.")
    return ballot.sealed_election


@router.post("/ballots/{ballot_id}/sealed/ballots", response={201: ReceiptOut, **ERRORS})
def cast(request: HttpRequest, ballot_id: PathId, payload: SealedBallotIn) -> Any:
    """Cast an encrypted ballot. Its signature (with a credential the credential authority
    issued) and every proof are checked before it goes on the board; a later ballot with the
    same credential replaces the earlier one. Returns the receipt."""
    ballot = _sealed(request, ballot_id)
    entry = sv.cast_sealed(ballot=ballot, data=payload.ballot, origin="browser")
    return Status(
        201,
        {
            "tracker": entry.tracker,
            "seq": entry.seq,
            "hash": entry.chain_hash,
            "replaces": entry.replaces or None,
            "origin": entry.origin,
        },
    )


def _entry(e: SealedBoardEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "tracker": e.tracker,
        "ballot": e.content,
        "origin": e.origin,
        "replaces": e.replaces or None,
        "replaced": e.replaced,
        "hash": e.chain_hash,
    }


@router.get("/ballots/{ballot_id}/sealed/board", response={200: list[SealedEntryOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=MAX_PAGE_SIZE)
def board(request: HttpRequest, ballot_id: int = ID_IN_PATH) -> Any:
    """The board of encrypted ballots, in board order, from the opening (paged)."""
    ballot = _sealed(request, ballot_id)
    if ballot.state == Ballot.State.DRAFT:
        raise DomainError("The board opens with the ballot.")
    return Paged(ballot.sealed_board.order_by("seq"), _entry)
