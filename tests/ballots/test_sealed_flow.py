"""A sealed strike ballot through the services: trustees' key generation (played here by the
offline tools' Python functions), credentials, encrypted votes and a revote, the close, the
decryption shares, the count and a verified export."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from iskra import sealed
from iskra.audit.models import AuditEntry
from iskra.ballots import services
from iskra.ballots.models import Ballot, Preset, Question, SealedBoardEntry
from iskra.ballots.services import sealed_setup as ss
from iskra.ballots.services import sealed_voting as sv
from iskra.core.errors import DomainError, PermissionDenied
from iskra.sealed import setup as st
from iskra.sealed.cli import verify_file
from tests.conftest import World, fresh, make_member


@pytest.fixture
def sealed_ballot(world: World) -> Ballot:
    for n in range(3):
        make_member(f"nurse{n}@example.org", f"Nurse {n}", world.branch_a)
    now = timezone.now()
    secretary = fresh(world.secretary)
    ballot = services.create_ballot(
        actor=secretary,
        unit=world.branch_a,
        title="Nurses: sealed strike ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        sealed=True,
    )
    services.appoint_scrutineer(
        actor=secretary, ballot=ballot, scrutineer=fresh(world.other_secretary)
    )
    return ballot


def trustees_of(world: World) -> list[Any]:
    return [fresh(world.other_secretary), fresh(world.committee_member), fresh(world.outsider)]


def run_keygen(ballot: Ballot, people: list[Any]) -> dict[int, dict[str, Any]]:
    """Each trustee answers each round from the round file, as ``iskra trustee keygen``."""
    keys: dict[int, dict[str, Any]] = {}
    for step in ss.STEPS:
        for person in people:
            trustee = ss.trustee_for(person, ballot)
            rf = ss.round_file(ballot, trustee)
            assert rf["step"] == step
            if step == "certificate":
                keys[trustee.number] = st.new_trustee_key(rf["context"], trustee.number)
                message = st.certificate(rf["context"], keys[trustee.number])
            elif step == "polynomial":
                message = st.polynomial(rf["context"], keys[trustee.number], rf["certificates"])
            else:
                message = st.verification(
                    rf["context"], keys[trustee.number], rf["certificates"], rf["polynomials"]
                )
            ss.submit_keygen(actor=person, ballot=ballot, message=message)
    return keys


def test_sealed_strike_ballot_end_to_end(
    world: World, sealed_ballot: Ballot, tmp_path: Path
) -> None:
    secretary = fresh(world.secretary)
    people = trustees_of(world)
    assert any("needs its trustees" in p for p in services.problems(sealed_ballot))
    ss.configure_sealed(actor=secretary, ballot=sealed_ballot, sealed_on=True, trustees=people)
    sealed_ballot.refresh_from_db()
    assert any("key generation is not finished" in p for p in services.problems(sealed_ballot))
    # Only trustees answer rounds; a message for the wrong round is refused and not kept.
    with pytest.raises(PermissionDenied):
        ss.submit_keygen(actor=fresh(world.member), ballot=sealed_ballot, message={})
    with pytest.raises(DomainError, match="not a certificate"):
        ss.submit_keygen(actor=people[0], ballot=sealed_ballot, message={"type": "polynomial"})
    keys = run_keygen(sealed_ballot, people)
    sealed_ballot.refresh_from_db()
    assert sealed_ballot.sealed_transcript is not None
    assert ss.keygen_step(sealed_ballot) is None

    # Credentials: the credential authority (the scrutineer by default) only.
    entitled = services.constituency(sealed_ballot).count()
    ca_key = sealed.new_ca_key(sealed_ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(ca_key, entitled)
    authority = sealed.ca_public(ca_key, "The scrutineer")
    with pytest.raises(PermissionDenied):
        ss.upload_credentials(
            actor=secretary, ballot=sealed_ballot, batch=batch, authority=authority
        )
    forged = sealed.ca_public(sealed.new_ca_key(sealed_ballot.sealed_uuid), "Someone else")
    with pytest.raises(DomainError, match="not signed by the credential authority"):
        ss.upload_credentials(actor=people[0], ballot=sealed_ballot, batch=batch, authority=forged)
    ss.upload_credentials(actor=people[0], ballot=sealed_ballot, batch=batch, authority=authority)
    assert services.problems(sealed_ballot) == []
    services.open_ballot(actor=secretary, ballot=sealed_ballot)
    sealed_ballot.refresh_from_db()
    assert (
        sealed_ballot.sealed_election["public_key"] == sealed_ballot.sealed_election["public_key"]
    )

    # Votes: two yes, one no, then the "no" voter changes their mind; a ballot from a
    # credential the authority did not issue is refused.
    election = sealed_ballot.sealed_election
    e1 = sv.cast_sealed(ballot=sealed_ballot, data=sealed.encrypt_ballot(election, [0], secrets[0]))
    sv.cast_sealed(ballot=sealed_ballot, data=sealed.encrypt_ballot(election, [0], secrets[1]))
    no = sv.cast_sealed(ballot=sealed_ballot, data=sealed.encrypt_ballot(election, [1], secrets[2]))
    paper = {str(sealed_ballot.questions.get().pk): 0}
    server = sv.cast_sealed(
        ballot=sealed_ballot,
        data=sv.encrypt_on_server(sealed_ballot, paper, secrets[2]),
        origin="server",
    )
    assert server.replaces == no.tracker
    assert SealedBoardEntry.objects.get(pk=no.pk).replaced
    with pytest.raises(DomainError, match="not on the roll"):
        sv.cast_sealed(
            ballot=sealed_ballot, data=sealed.encrypt_ballot(election, [1], sealed.new_credential())
        )
    with pytest.raises(DomainError, match="already on the board"):
        sv.cast_sealed(ballot=sealed_ballot, data=e1.content)

    # Close: the trustees decrypt; one share is not enough, a forged one is refused.
    with time_machine.travel(sealed_ballot.closes_at + timedelta(minutes=1)):
        assert services.close_ballot(ballot_id=sealed_ballot.pk)
    sealed_ballot.refresh_from_db()
    assert sealed_ballot.state == Ballot.State.TALLYING
    record = sv.sealed_export(sealed_ballot)
    e = sealed.Election(election)
    targets = sv.decryption_targets(sealed_ballot)
    transcript = sealed_ballot.sealed_transcript
    shares = {
        j: sealed.decryption_share(
            e, j, sealed.key_share(transcript["context"], keys[j], transcript), targets
        )
        for j in (1, 2, 3)
    }
    wrong = {**shares[1], "factors": shares[3]["factors"]}
    with pytest.raises(DomainError, match="refused"):
        sv.submit_decryption(actor=people[0], ballot=sealed_ballot, share=wrong)
    assert not sv.submit_decryption(actor=people[0], ballot=sealed_ballot, share=shares[1])
    with pytest.raises(DomainError, match="not trustee 3"):
        sv.submit_decryption(actor=people[2], ballot=sealed_ballot, share=shares[2])
    assert sv.submit_decryption(actor=people[2], ballot=sealed_ballot, share=shares[3])
    sealed_ballot.refresh_from_db()
    assert sealed_ballot.state == Ballot.State.CLOSED
    q = sealed_ballot.result["questions"][0]
    assert q["votes"] == {"Yes": 3, "No": 0}
    assert sealed_ballot.result["cast"] == 3
    assert "thresholds" in q

    # The export verifies offline, and `iskra ballot verify` dispatches to it.
    path = tmp_path / "record.json"
    # 3 ballots, fewer than the publication minimum of 10: the figures are withheld from the
    # published record (it stops before the decryption), not from the trustees.
    withheld = sv.sealed_export(sealed_ballot)
    assert "result" not in withheld and "decryptions" not in withheld
    assert "result" not in services.export(sealed_ballot)
    path.write_text(json.dumps(sv.sealed_export(sealed_ballot, viewer=people[1])))
    passed, lines = verify_file(str(path))
    assert passed, lines
    assert record["board_hash"] == sealed_ballot.board_hash
    actions = set(
        AuditEntry.objects.filter(object_id=str(sealed_ballot.pk)).values_list("action", flat=True)
    )
    assert {
        "ballot.sealed.configure",
        "ballot.sealed.keygen",
        "ballot.sealed.keygen_complete",
        "ballot.sealed.credentials",
        "ballot.sealed.close",
        "ballot.sealed.decryption",
        "ballot.close",
    } <= actions


def test_sealed_ballot_cannot_open_with_wrong_number_of_credentials(
    world: World, sealed_ballot: Ballot
) -> None:
    people = trustees_of(world)
    ss.configure_sealed(
        actor=fresh(world.secretary), ballot=sealed_ballot, sealed_on=True, trustees=people
    )
    run_keygen(sealed_ballot, people)
    ca_key = sealed.new_ca_key(sealed_ballot.sealed_uuid)
    _, batch = sealed.generate_credentials(ca_key, 2)
    ss.upload_credentials(
        actor=people[0], ballot=sealed_ballot, batch=batch, authority=sealed.ca_public(ca_key, "CA")
    )
    sealed_ballot.refresh_from_db()
    assert any("gave 2 credentials" in p for p in services.problems(sealed_ballot))
    with pytest.raises(DomainError, match="cannot open yet"):
        services.open_ballot(actor=fresh(world.secretary), ballot=sealed_ballot)


def test_threshold_out_of_range_and_ranked_refused(world: World, sealed_ballot: Ballot) -> None:
    with pytest.raises(DomainError, match="between 1 and 3"):
        ss.configure_sealed(
            actor=fresh(world.secretary),
            ballot=sealed_ballot,
            sealed_on=True,
            trustees=trustees_of(world),
            threshold=4,
        )
    with pytest.raises(PermissionDenied):
        ss.configure_sealed(
            actor=fresh(world.member), ballot=sealed_ballot, sealed_on=True, trustees=[]
        )


def test_upheld_challenge_on_a_sealed_ballot_waits_for_a_further_credential_batch(
    world: World, sealed_ballot: Ballot, django_capture_on_commit_callbacks: Any
) -> None:
    """An upheld challenge adds the voter to a sealed ballot's roll; they are told their
    credential comes from the credential authority, who is asked for it and uploads a further
    signed batch (number 2, for the waiting voter only); the voter can then vote with it."""
    from django.core import mail

    from iskra.ballots.models import RollEntry
    from iskra.core.models import Notification
    from iskra.members.models import Status

    people = trustees_of(world)
    ss.configure_sealed(
        actor=fresh(world.secretary), ballot=sealed_ballot, sealed_on=True, trustees=people
    )
    run_keygen(sealed_ballot, people)
    ca_key = sealed.new_ca_key(sealed_ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(
        ca_key, services.constituency(sealed_ballot).count()
    )
    ss.upload_credentials(
        actor=people[0], ballot=sealed_ballot, batch=batch, authority=sealed.ca_public(ca_key, "CA")
    )
    services.open_ballot(
        actor=fresh(world.secretary), ballot=Ballot.objects.get(pk=sealed_ballot.pk)
    )
    ballot = Ballot.objects.get(pk=sealed_ballot.pk)
    election = ballot.sealed_election
    sv.cast_sealed(ballot=ballot, data=sealed.encrypt_ballot(election, [0], secrets[0]))
    # Nobody waits yet: a further batch is refused.
    _, early = sealed.generate_credentials(ca_key, 1, batch=2)
    with pytest.raises(DomainError, match="Nobody added to the roll is waiting"):
        ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=early)

    late = make_member("late@example.org", "Late Joiner", world.branch_a, Status.CANDIDATE)
    challenge = services.raise_challenge(actor=late, ballot=ballot, reason="I work there")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_challenge(
            actor=fresh(world.other_secretary), challenge=challenge, uphold=True, reason="ok"
        )
    ballot = Ballot.objects.get(pk=ballot.pk)
    assert ballot.roll_size == len(secrets) + 1
    assert RollEntry.objects.filter(ballot=ballot, user=late, added_on_challenge=True).exists()
    told = [m for m in mail.outbox if m.to == ["late@example.org"]]
    assert told and "receive it from the credential authority" in told[0].body
    assert not any("/v/" in m.body for m in mail.outbox)  # no voting link: none would work
    assert Notification.objects.filter(
        user=people[0], kind="ballot.sealed.credential_needed"
    ).exists()
    assert ss.awaiting_credentials(ballot) == 1

    # The further batch: only the authority, numbered 2, signed with the frozen key, one
    # credential for the one voter waiting, none repeated.
    new_secrets, further = sealed.generate_credentials(ca_key, 1, batch=2)
    with pytest.raises(PermissionDenied):
        ss.upload_further_credentials(actor=fresh(world.secretary), ballot=ballot, batch=further)
    _, numbered_1 = sealed.generate_credentials(ca_key, 1, batch=1)
    with pytest.raises(DomainError, match="batch 2"):
        ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=numbered_1)
    _, two = sealed.generate_credentials(ca_key, 2, batch=2)
    with pytest.raises(DomainError, match="between 1 and 1"):
        ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=two)
    _, forged = sealed.generate_credentials(sealed.new_ca_key(ballot.sealed_uuid), 1, batch=2)
    with pytest.raises(DomainError, match="not signed by the credential authority"):
        ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=forged)
    repeated = sealed.election.credential_batch(ca_key, [batch["credentials"][0]], 2)
    with pytest.raises(DomainError, match="appears twice"):
        ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=repeated)
    # Before the batch the new credential is refused; after it, accepted (this process had
    # read the credentials already: it reads them again).
    with pytest.raises(DomainError, match="not on the roll"):
        sv.cast_sealed(ballot=ballot, data=sealed.encrypt_ballot(election, [1], new_secrets[0]))
    ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=further)
    assert ss.awaiting_credentials(Ballot.objects.get(pk=ballot.pk)) == 0
    entry = sv.cast_sealed(ballot=ballot, data=sealed.encrypt_ballot(election, [1], new_secrets[0]))
    assert entry.seq == 2
    assert [b["batch"] for b in sv.batches(ballot)] == [1, 2]
    assert len(sealed.check_credential_batches(sealed.Election(election), sv.batches(ballot))) == (
        len(secrets) + 1
    )
    _, third = sealed.generate_credentials(ca_key, 1, batch=3)
    with pytest.raises(DomainError, match="Nobody added to the roll is waiting"):
        ss.upload_further_credentials(actor=people[0], ballot=ballot, batch=third)


def test_sealed_stv_election_with_trustees_shuffles(world: World, tmp_path: Path) -> None:
    """A ranked (STV) question: after the close k trustees shuffle it in turn (each shuffle
    proved), then decrypt; the rankings are counted by iskra.voting as for a plain ballot."""
    from iskra.sealed import tally as stally
    from iskra.sealed.proofs import ct_parse

    for n in range(3):
        make_member(f"tenant{n}@example.org", f"Tenant {n}", world.branch_a)
    secretary = fresh(world.secretary)
    now = timezone.now()
    ballot = services.create_ballot(
        actor=secretary,
        unit=world.branch_a,
        title="Committee: sealed STV",
        preset=Preset.STV_COMMITTEE,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        sealed=True,
    )
    services.add_question(
        actor=secretary,
        ballot=ballot,
        kind=Question.Kind.STV,
        text="Elect two",
        options=["Ana", "Ben", "Cai"],
        seats=2,
    )
    services.appoint_scrutineer(
        actor=secretary, ballot=ballot, scrutineer=fresh(world.other_secretary)
    )
    people = trustees_of(world)
    ss.configure_sealed(actor=secretary, ballot=ballot, sealed_on=True, trustees=people)
    keys = run_keygen(ballot, people)
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(ca_key, services.constituency(ballot).count())
    ss.upload_credentials(
        actor=people[0], ballot=ballot, batch=batch, authority=sealed.ca_public(ca_key, "CA")
    )
    services.open_ballot(actor=secretary, ballot=Ballot.objects.get(pk=ballot.pk))
    ballot = Ballot.objects.get(pk=ballot.pk)
    election = ballot.sealed_election
    for secret, ranking in zip(secrets, [[0, 1], [0, 2], [1], [2, 0, 1]], strict=False):
        sv.cast_sealed(ballot=ballot, data=sealed.encrypt_ballot(election, [ranking], secret))
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1)):
        assert services.close_ballot(ballot_id=ballot.pk)
    ballot = Ballot.objects.get(pk=ballot.pk)
    transcript = ballot.sealed_transcript
    e = sealed.Election(election)

    def shuffle(j: int) -> dict[str, Any]:
        record = Ballot.objects.get(pk=ballot.pk).sealed_record
        chain = record["mixes"][0]
        if chain:
            rows = [[ct_parse(c, "r") for c in row] for row in chain[-1]["ciphertexts"]]
        else:
            rows = stally.mix_input(e, sealed.Board(e.fp, record["board"]).counted(), 0)
        return sealed.mix(e, (transcript["context"], keys[j]), 0, len(chain), rows)

    def share(j: int) -> dict[str, Any]:
        targets = sv.decryption_targets(Ballot.objects.get(pk=ballot.pk))
        s = sealed.key_share(transcript["context"], keys[j], transcript)
        return sealed.decryption_share(e, j, s, targets)

    with pytest.raises(DomainError, match="must be shuffled by 2 more"):
        sv.submit_decryption(actor=people[1], ballot=ballot, share={"trustee": 2})
    first = shuffle(1)
    with pytest.raises(DomainError, match="not trustee 2's shuffle"):
        sv.submit_mix(actor=people[1], ballot=ballot, mix=first)
    forged = {**first, "ciphertexts": first["ciphertexts"][::-1]}
    with pytest.raises(DomainError, match="refused"):
        sv.submit_mix(actor=people[0], ballot=ballot, mix=forged)
    sv.submit_mix(actor=people[0], ballot=ballot, mix=first)
    with pytest.raises(DomainError, match="already shuffled"):
        sv.submit_mix(actor=people[0], ballot=ballot, mix=first)
    sv.submit_mix(actor=people[2], ballot=ballot, mix=shuffle(3))
    assert not sv.submit_decryption(actor=people[1], ballot=ballot, share=share(2))
    assert sv.submit_decryption(actor=people[2], ballot=ballot, share=share(3))
    ballot = Ballot.objects.get(pk=ballot.pk)
    q = ballot.result["questions"][0]
    assert q["votes"] == {"Ana": 2, "Ben": 1, "Cai": 1}
    assert "Ana" in q["elected"] and len(q["elected"]) == 2
    path = tmp_path / "stv.json"
    path.write_text(json.dumps(ballot.sealed_record))
    passed, lines = verify_file(str(path))
    assert passed, lines


@pytest.mark.django_db(transaction=True)  # the database worker below closes its connection
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_sealed_ballot_reminder_goes_to_the_whole_roll_without_credential_or_turnout(
    world: World, sealed_ballot: Ballot
) -> None:
    """A sealed ballot's reminder: everyone on the roll (voted or not: the server cannot tell,
    and the tasks and audit entry hold no figure), saying when it closes (with the time zone)
    and to vote with the credential the credential authority sent — no credential, no link
    of its own, the roll's stored credential hashes untouched."""
    from django.core import mail
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from iskra.ballots.dates import when
    from iskra.ballots.models import RollEntry
    from tests.api.test_sealed_api import opened

    secrets = opened(world, sealed_ballot)
    ballot = Ballot.objects.get(pk=sealed_ballot.pk)
    sv.cast_sealed(
        ballot=ballot, data=sealed.encrypt_ballot(ballot.sealed_election, [0], secrets[0])
    )
    # (A sealed ballot's roll holds no credential hashes: the credential authority's are its.)
    hashes = list(
        RollEntry.objects.filter(ballot=ballot)
        .order_by("pk")
        .values_list("credential_hash", flat=True)
    )
    entries = list(RollEntry.objects.filter(ballot=ballot).select_related("user"))
    assert entries
    with pytest.raises(PermissionDenied):
        services.send_reminders(actor=fresh(world.member), ballot=ballot)
    DBTaskResult.objects.all().delete()
    services.send_reminders(actor=fresh(world.secretary), ballot=ballot)
    assert AuditEntry.objects.get(action="ballot.remind").data == {}
    assert "cannot tell who has voted" in services.reminder_sent(ballot)
    mail.outbox.clear()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in entries)
    results = list(DBTaskResult.objects.values_list("status", "return_value"))
    assert results and all(r == ("SUCCESSFUL", None) for r in results), results
    closes = when(ballot.closes_at)
    assert closes.split()[-1] in {"GMT", "BST"}
    for message in mail.outbox:
        html = message.alternatives[0][0]
        for text in (message.subject, message.body, html):
            assert closes in text
            assert not any(s in text for s in secrets)
            assert "/v/" not in text
        assert "credential authority sent you" in message.body
        assert f"/ballots/{ballot.pk}/vote/" in message.body
    assert (
        list(
            RollEntry.objects.filter(ballot=ballot)
            .order_by("pk")
            .values_list("credential_hash", flat=True)
        )
        == hashes
    )
