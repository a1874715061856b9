"""A sealed ballot before it opens (docs/sealed.md): the trustees and the threshold, their key
generation in three rounds, the credential authority's signed batch of public credentials, and
the election parameters frozen at the opening.

The server only ever relays and checks public messages: each trustee's key stays on their own
device (their browser's download, or ``iskra trustee keygen``), and each voter's credential
goes from the credential authority to the voter, never through the server."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from iskra import sealed
from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.ballots.models import Ballot, Question, SealedCredentialBatch, Trustee
from iskra.ballots.permissions import can_manage, holds_office_in
from iskra.ballots.services.common import _lock_draft, questions_data
from iskra.core.errors import DomainError, PermissionDenied
from iskra.sealed import group as grp
from iskra.sealed import setup as st
from iskra.sealed.cli import ROUND_FORMAT
from iskra.sealed.election import PRESETS, uuid_context
from iskra.sealed.proofs import pair_parse, schnorr_verify

STEPS = ("certificate", "polynomial", "verification")


def sealed_uuid(ballot: Ballot) -> str:
    return ballot.sealed_uuid


def credential_authority(ballot: Ballot) -> User | None:
    """Who makes the voters' credentials: the one named, else the scrutineer."""
    return ballot.credential_authority or ballot.scrutineer


def is_trustee(user: Any, ballot: Ballot) -> bool:
    return ballot.trustees.filter(user_id=getattr(user, "pk", None) or 0).exists()


def is_credential_authority(user: Any, ballot: Ballot) -> bool:
    ca = credential_authority(ballot)
    return ca is not None and ca.pk == getattr(user, "pk", None)


def trustee_for(user: Any, ballot: Ballot) -> Trustee:
    trustee = ballot.trustees.filter(user_id=getattr(user, "pk", None) or 0).first()
    if trustee is None:
        raise PermissionDenied("Only this ballot's trustees do this.")
    return trustee


def keygen_started(ballot: Ballot) -> bool:
    return ballot.trustees.exclude(certificate=None).exists()


# --- Defining ----------------------------------------------------------------------------------


@transaction.atomic
def configure_sealed(
    *,
    actor: Any,
    ballot: Ballot,
    sealed_on: bool,
    trustees: list[User],
    threshold: int = 2,
    authority: User | None = None,
) -> Ballot:
    """Make a draft ballot sealed (or not), with its trustees (numbered in the order given),
    the threshold k of them needed to open the result, and the credential authority (None:
    the scrutineer). Changing trustees or threshold after the key generation began restarts
    it."""
    ballot = _lock_draft(actor, ballot)
    if not sealed_on:
        ballot.trustees.all().delete()
        ballot.credential_batches.all().delete()
        ballot.sealed = False
        ballot.sealed_transcript = None
        ballot.save(update_fields=["sealed", "sealed_transcript"])
        record(actor=actor, action="ballot.sealed.off", obj=ballot, unit=ballot.unit)
        return ballot
    people = list(dict.fromkeys(trustees))
    if len(people) != len(trustees):
        raise DomainError("The same person is named twice as a trustee.")
    if not 1 <= len(people) <= 20:
        raise DomainError("Name between 1 and 20 trustees.")
    if not 1 <= threshold <= len(people):
        raise DomainError(
            f"The threshold is how many trustees together open the result: between 1 and {len(people)}."
        )
    if authority is not None and holds_office_in(authority, ballot):
        raise DomainError(
            f"{authority} holds an office in {ballot.unit.name}; the credential authority must be independent of it."
        )
    same = [t.user_id for t in ballot.trustees.all()] == [p.pk for p in people]
    if not (same and ballot.threshold == threshold):
        ballot.trustees.all().delete()
        Trustee.objects.bulk_create(
            [Trustee(ballot=ballot, user=p, number=i + 1) for i, p in enumerate(people)]
        )
        ballot.sealed_transcript = None
    if not ballot.sealed_uuid:
        ballot.sealed_uuid = str(uuidlib.uuid4())
    ballot.sealed = True
    ballot.threshold = threshold
    ballot.credential_authority = authority
    ballot.save(
        update_fields=[
            "sealed",
            "sealed_uuid",
            "threshold",
            "credential_authority",
            "sealed_transcript",
        ]
    )
    record(
        actor=actor,
        action="ballot.sealed.configure",
        obj=ballot,
        unit=ballot.unit,
        data={
            "trustees": [p.pk for p in people],
            "threshold": threshold,
            "credential_authority": authority.pk if authority else None,
        },
    )
    return ballot


# --- Key generation ------------------------------------------------------------------------------


def setup_context(ballot: Ballot) -> dict[str, Any]:
    names = [t.user.full_name or t.user.email for t in ballot.trustees.select_related("user")]
    return sealed.setup_context(uuid=ballot.sealed_uuid, trustees=names, threshold=ballot.threshold)


def keygen_step(ballot: Ballot) -> str | None:
    """The round under way: the first of the three that some trustee has not answered (None:
    the key generation is complete)."""
    trustees = list(ballot.trustees.all())
    for step in STEPS:
        if not trustees or any(getattr(t, step) is None for t in trustees):
            return step
    return None


def round_file(ballot: Ballot, trustee: Trustee) -> dict[str, Any]:
    """The round file ``iskra trustee keygen`` (and the browser) answers."""
    trustees = list(ballot.trustees.all())
    step = keygen_step(ballot)
    out: dict[str, Any] = {
        "format": ROUND_FORMAT,
        "step": step,
        "trustee": trustee.number,
        "context": setup_context(ballot),
    }
    if step in ("polynomial", "verification"):
        out["certificates"] = [t.certificate for t in trustees]
    if step == "verification":
        out["polynomials"] = [t.polynomial for t in trustees]
    return out


def _check_message(ballot: Ballot, trustee: Trustee, step: str, message: Any) -> None:
    """Check one trustee's message of a round on its own (signature, proofs, shape), so that
    a bad one is refused when it is sent, naming what is wrong."""
    context = setup_context(ballot)
    sfp, n, k = st.check_context(context)
    what = f"trustee {trustee.number}'s {step}"
    if not isinstance(message, dict) or message.get("type") != step:
        raise sealed.SetupError(f"this is not a {step} message (the round under way is '{step}')")
    if message.get("trustee") != trustee.number:
        raise sealed.SetupError(
            f"this {step} is trustee {message.get('trustee')}'s; you are trustee {trustee.number}"
        )
    if step == "certificate":
        sign_key = grp.point(message.get("sign_key"), f"{what} sign_key")
        enc_key = grp.point(message.get("enc_key"), f"{what} enc_key")
        st.check_signature("sig-setup", sfp, sign_key, message, what)
        if not schnorr_verify(
            "pok-enc", sfp, enc_key, pair_parse(message.get("enc_proof"), f"{what} proof")
        ):
            raise sealed.SetupError(f"{what}: the proof of knowledge of the encryption key fails")
        return
    certs = [t.certificate for t in ballot.trustees.all()]
    keys = st.check_certificates(context, certs)
    if step == "polynomial":
        st.check_signature("sig-setup", sfp, keys[trustee.number - 1][0], message, what)
        commits = message.get("commitments")
        if not isinstance(commits, list) or len(commits) != k:
            raise sealed.SetupError(f"{what}: expected {k} commitments (threshold {k})")
        first = grp.point(commits[0], f"{what} commitment 0")
        for t, c in enumerate(commits):
            grp.point(c, f"{what} commitment {t}")
        if not schnorr_verify("pok-poly", sfp, first, pair_parse(message.get("proof"), what)):
            raise sealed.SetupError(f"{what}: the proof of knowledge of its constant term fails")
        shares = message.get("shares")
        if not isinstance(shares, list) or [
            s.get("to") if isinstance(s, dict) else None for s in shares
        ] != list(range(1, n + 1)):
            raise sealed.SetupError(f"{what}: expected one encrypted share for each trustee")
        return
    polys = [t.polynomial for t in ballot.trustees.all()]
    commitments = st.check_polynomials(context, certs, polys)
    st.check_signature("sig-setup", sfp, keys[trustee.number - 1][0], message, what)
    vk = grp.point(message.get("verification_key"), what)
    if vk != st.expected_verification_key(commitments, trustee.number):
        raise sealed.SetupError(f"{what} does not match the trustees' commitments")
    if not schnorr_verify("pok-share", sfp, vk, pair_parse(message.get("proof"), what)):
        raise sealed.SetupError(f"{what}: the proof of knowledge of the key share fails")


@transaction.atomic
def submit_keygen(*, actor: Any, ballot: Ballot, message: Any) -> str | None:
    """A trustee's answer to the round under way, checked before it is kept. Returns the
    round under way afterwards (None once the key generation is complete and checked)."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    trustee = trustee_for(actor, ballot)
    if ballot.state != Ballot.State.DRAFT or not ballot.sealed:
        raise DomainError("The key generation is over: the ballot has opened.")
    step = keygen_step(ballot)
    if step is None:
        raise DomainError("The key generation is complete; nothing more is needed from you.")
    if getattr(trustee, step) is not None:
        raise DomainError(f"You have already sent your {step}; wait for the other trustees.")
    try:
        _check_message(ballot, trustee, step, message)
    except (sealed.SealedError, TypeError, AttributeError, KeyError, ValueError) as exc:
        raise DomainError(f"Your {step} was refused: {exc}") from None
    setattr(trustee, step, message)
    trustee.save(update_fields=[step])
    record(
        actor=actor,
        action="ballot.sealed.keygen",
        obj=ballot,
        unit=ballot.unit,
        data={"trustee": trustee.number, "step": step},
    )
    after = keygen_step(ballot)
    if after is None:
        trustees = list(ballot.trustees.all())
        transcript = {
            "context": setup_context(ballot),
            "certificates": [t.certificate for t in trustees],
            "polynomials": [t.polynomial for t in trustees],
            "verifications": [t.verification for t in trustees],
        }
        try:
            outcome = sealed.check_setup(transcript)
        except sealed.SealedError as exc:
            raise DomainError(f"The key generation failed its final check: {exc}") from None
        ballot.sealed_transcript = transcript
        ballot.save(update_fields=["sealed_transcript"])
        record(
            actor=None,
            action="ballot.sealed.keygen_complete",
            obj=ballot,
            unit=ballot.unit,
            data={"public_key": outcome["public_key"], "setup": outcome["setup"]},
        )
    return after


@transaction.atomic
def restart_keygen(*, actor: Any, ballot: Ballot) -> None:
    """Start the key generation again (a trustee's message was wrong, or a key was lost)."""
    ballot = _lock_draft(actor, ballot)
    ballot.trustees.update(certificate=None, polynomial=None, verification=None)
    ballot.sealed_transcript = None
    ballot.save(update_fields=["sealed_transcript"])
    record(actor=actor, action="ballot.sealed.keygen_restart", obj=ballot, unit=ballot.unit)


# --- Credentials ---------------------------------------------------------------------------------


class _Authority:
    """What ``check_credential_batches`` reads from an election, before the election exists."""

    def __init__(self, uuid: str, authority: dict[str, Any]) -> None:
        self.uctx = uuid_context(uuid)
        self.ca_key = grp.point(authority.get("sign_key"), "credential authority key")


@transaction.atomic
def upload_credentials(
    *, actor: Any, ballot: Ballot, batch: Any, authority: Any
) -> SealedCredentialBatch:
    """The credential authority's signed batch of public credentials (``creds.batch.json``)
    and its public key (``creds.authority.json``), checked; a new upload replaces the last
    while the ballot is a draft."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    if not is_credential_authority(actor, ballot):
        raise PermissionDenied("Only the ballot's credential authority gives the credentials.")
    if not ballot.sealed or ballot.state != Ballot.State.DRAFT:
        raise DomainError("Credentials are given before a sealed ballot opens.")
    if not isinstance(authority, dict) or not isinstance(authority.get("name"), str):
        raise DomainError(
            "The authority file is not a credential authority's public key "
            "(creds.authority.json: name and sign_key)."
        )
    try:
        shim = cast(sealed.Election, _Authority(ballot.sealed_uuid, authority))
        found = sealed.check_credential_batches(shim, [batch])
    except (sealed.SealedError, TypeError, AttributeError, KeyError, ValueError) as exc:
        raise DomainError(f"The credentials were refused: {exc}") from None
    ballot.credential_batches.all().delete()
    made = SealedCredentialBatch.objects.create(
        ballot=ballot,
        number=1,
        batch=batch,
        authority={"name": authority["name"], "sign_key": authority["sign_key"]},
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    record(
        actor=actor,
        action="ballot.sealed.credentials",
        obj=ballot,
        unit=ballot.unit,
        data={"count": len(found), "authority_key": authority["sign_key"]},
    )
    return made


def awaiting_credentials(ballot: Ballot) -> int:
    """Voters on an open sealed ballot's roll (added on an upheld challenge) for whom the
    credential authority has not yet given a credential."""
    if ballot.state == Ballot.State.DRAFT:
        return 0
    return max(0, ballot.roll_size - credential_count(ballot))


@transaction.atomic
def upload_further_credentials(*, actor: Any, ballot: Ballot, batch: Any) -> SealedCredentialBatch:
    """A further signed batch (number 2, 3, …) for voters added to an open sealed ballot's roll
    on an upheld challenge: signed with the key frozen in the election, no credential repeated,
    never more credentials than voters awaiting one."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    if not is_credential_authority(actor, ballot):
        raise PermissionDenied("Only the ballot's credential authority gives the credentials.")
    if not ballot.sealed or ballot.state != Ballot.State.OPEN or ballot.sealed_election is None:
        raise DomainError("A further batch of credentials is given while the ballot is open.")
    if ballot.closes_at <= timezone.now():
        raise DomainError("The ballot has closed; no more credentials can be given.")
    waiting = awaiting_credentials(ballot)
    if waiting == 0:
        raise DomainError("Nobody added to the roll is waiting for a credential.")
    existing = [b.batch for b in ballot.credential_batches.order_by("number")]
    number = len(existing) + 1
    if not isinstance(batch, dict) or batch.get("batch") != number:
        raise DomainError(f"This must be credential batch {number}: make it with --batch {number}.")
    credentials = batch.get("credentials")
    if not isinstance(credentials, list) or not 1 <= len(credentials) <= waiting:
        raise DomainError(
            f"The batch must hold between 1 and {waiting} credentials (the voters waiting)."
        )
    try:
        election = sealed.Election(ballot.sealed_election)
        sealed.check_credential_batches(election, [*existing, batch])
    except (sealed.SealedError, TypeError, AttributeError, KeyError, ValueError) as exc:
        raise DomainError(f"The credentials were refused: {exc}") from None
    made = SealedCredentialBatch.objects.create(
        ballot=ballot,
        number=number,
        batch=batch,
        authority=ballot.credential_batches.get(number=1).authority,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    record(
        actor=actor,
        action="ballot.sealed.credentials",
        obj=ballot,
        unit=ballot.unit,
        data={"batch": number, "count": len(credentials)},
    )
    return made


def credential_count(ballot: Ballot) -> int:
    return sum(len(b.batch.get("credentials", [])) for b in ballot.credential_batches.all())


# --- Opening -------------------------------------------------------------------------------------


def sealed_problems(ballot: Ballot, entitled: int) -> list[str]:
    """What stops a sealed ballot from opening (added to ``problems``)."""
    found = []
    trustees = list(ballot.trustees.select_related("user"))
    if not trustees:
        found.append("A sealed ballot needs its trustees.")
    elif ballot.sealed_transcript is None:
        waiting = [
            t.user.full_name or t.user.email
            for t in trustees
            if getattr(t, keygen_step(ballot) or "verification") is None
        ]
        found.append(
            f"The trustees' key generation is not finished (round '{keygen_step(ballot)}'; "
            f"waiting for {', '.join(waiting)})."
        )
    if credential_authority(ballot) is None:
        found.append("A sealed ballot needs a credential authority (by default the scrutineer).")
    count = credential_count(ballot)
    if count == 0:
        found.append("The credential authority has not given the voters' credentials yet.")
    elif count != entitled:
        found.append(
            f"The credential authority gave {count} credentials, but {entitled} people are "
            "entitled to vote: it must make them again for the roll as it now stands."
        )
    return found


def election_questions(ballot: Ballot) -> list[dict[str, Any]]:
    out = []
    for q in questions_data(ballot):
        item: dict[str, Any] = {
            "kind": q["kind"],
            "text": q["text"],
            "options": q["options"],
            "blank": True,
            "id": q["id"],
        }
        if q["kind"] == Question.Kind.APPROVAL:
            item["max_choices"] = q["max_choices"]
        if q["kind"] == Question.Kind.STV:
            item["seats"] = q["seats"]
        out.append(item)
    return out


def freeze_election(ballot: Ballot, opened_on: str) -> dict[str, Any]:
    """The election parameters every ballot is bound to (made in ``open_ballot``)."""
    assert ballot.sealed_transcript is not None
    outcome = sealed.check_setup(ballot.sealed_transcript)
    authority = ballot.credential_batches.get(number=1).authority
    preset = ballot.preset if ballot.preset in PRESETS else "simple_majority"
    return sealed.make_election(
        uuid=ballot.sealed_uuid,
        title=ballot.title,
        questions=election_questions(ballot),
        setup=outcome,
        credential_authority=authority,
        rule={
            "preset": preset,
            "opened_on": opened_on,
            "important_public_service": ballot.important_public_service,
            "turnout_rule_repealed": ballot.turnout_rule_repealed,
        },
    )


def can_configure(user: Any, ballot: Ballot) -> bool:
    return can_manage(user, ballot) and ballot.state == Ballot.State.DRAFT
