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
from iskra.ballots.services import sealed_audit as sa
from iskra.ballots.services import sealed_setup as ss
from iskra.ballots.services import sealed_voting as sv
from iskra.core.errors import DomainError, NotFound, PermissionDenied

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


class CredentialsIn(Input):
    batch: dict[str, Any] = Field(
        description="Batch 1, signed by the credential authority (creds.batch.json of "
        "`iskra trustee credentials`, or sealed.js's generateCredentials): type, batch, "
        "credentials (sorted public keys) and signature. Never a secret credential."
    )
    authority: dict[str, Any] = Field(
        description="The credential authority's public key (creds.authority.json): name and "
        "sign_key."
    )


class FurtherCredentialsIn(Input):
    batch: dict[str, Any] = Field(
        description="The next batch (2, 3, …; `iskra trustee credentials --batch N` with the "
        "same key file), signed with the key the election froze, holding between 1 and as many "
        "public credentials as voters are waiting (added on upheld roll challenges)."
    )


class CredentialsOut(Schema):
    issued: int = Field(description="Public credentials given so far, in every batch.")
    batches: int = Field(description="How many batches have been given.")
    awaiting: int = Field(
        description="Voters added to an open ballot's roll (upheld challenges) still waiting "
        "for a credential: the most the next batch may hold."
    )
    next_batch: int = Field(description="The number the next batch must carry.")
    added: list[str] = Field(
        description="The email addresses of the voters added on upheld challenges, in the "
        "order they were added (those waiting are the last `awaiting` of them)."
    )


def _credentials_out(ballot: Ballot) -> dict[str, Any]:
    count = ballot.credential_batches.count()
    added = ballot.roll.filter(added_on_challenge=True).order_by("pk")
    return {
        "issued": ss.credential_count(ballot),
        "batches": count,
        "awaiting": ss.awaiting_credentials(ballot),
        "next_batch": count + 1,
        "added": list(added.values_list("user__email", flat=True)),
    }


def _as_authority(request: HttpRequest, ballot_id: int) -> Ballot:
    ballot = _sealed(request, ballot_id)
    if not ss.is_credential_authority(request_user(request), ballot):
        raise PermissionDenied("Only the ballot's credential authority gives the credentials.")
    return ballot


@router.get("/ballots/{ballot_id}/sealed/credentials", response={200: CredentialsOut, **ERRORS})
def credentials(request: HttpRequest, ballot_id: PathId) -> Any:
    """The credential authority's view of the credentials given: how many, and whether voters
    added on upheld challenges are waiting for a further batch (and its number)."""
    return _credentials_out(_as_authority(request, ballot_id))


@router.post("/ballots/{ballot_id}/sealed/credentials", response={201: CredentialsOut, **ERRORS})
def give_credentials(request: HttpRequest, ballot_id: PathId, payload: CredentialsIn) -> Any:
    """The credential authority gives batch 1 (before the opening): one public credential per
    person entitled, signed; giving it again replaces it until the ballot opens. Checked and
    audited (``ballot.sealed.credentials``)."""
    ballot = _as_authority(request, ballot_id)
    ss.upload_credentials(
        actor=request_user(request), ballot=ballot, batch=payload.batch, authority=payload.authority
    )
    return Status(201, _credentials_out(ballot))


@router.post(
    "/ballots/{ballot_id}/sealed/credentials/further", response={201: CredentialsOut, **ERRORS}
)
def give_further_credentials(
    request: HttpRequest, ballot_id: PathId, payload: FurtherCredentialsIn
) -> Any:
    """The credential authority gives a further batch while the ballot is open, for voters
    added on upheld roll challenges. Refused (nothing stored) unless it is signed with the key
    the election froze, carries the next number, repeats no credential and holds between 1 and
    as many credentials as voters waiting. Audited (``ballot.sealed.credentials``)."""
    ballot = _as_authority(request, ballot_id)
    ss.upload_further_credentials(actor=request_user(request), ballot=ballot, batch=payload.batch)
    return Status(201, _credentials_out(ballot))


class AuditIn(Input):
    tracker: str = Field(
        min_length=43,
        max_length=43,
        pattern=r"^[A-Za-z0-9_-]{43}$",
        description="The tracker of a ballot the voter's device encrypted and then opened for "
        "Benaloh's audit (sealed.js's encryptBallot gives it in audit.tracker). Only the "
        "tracker: never the answers or the randomness.",
    )


class AuditOut(Schema):
    tracker: str
    audited: bool = Field(description="Always true: this tracker can never be cast.")


@router.post("/ballots/{ballot_id}/sealed/audits", response={201: AuditOut, **ERRORS})
def report_audit(request: HttpRequest, ballot_id: PathId, payload: AuditIn) -> Any:
    """A voter on the roll reports a ballot their device audited (docs/sealed.md, "Benaloh's
    audit"): the server will refuse to cast it, and the record lists it under "audited".
    Stored without the person or the time; limited per person (20 an hour); refused for a
    tracker already on the board."""
    ballot = _sealed(request, ballot_id)
    made = sa.report_audit(actor=request_user(request), ballot=ballot, tracker=payload.tracker)
    return Status(201, {"tracker": made.tracker, "audited": True})


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
