"""Benaloh's audit reported: a voter's browser tells the server the tracker of a ballot it
audited; the server stores it with no person and no time, refuses ever to cast it, shows the
count on the board and lists it in the record, and ``iskra ballot verify`` fails a record
whose board holds an audited tracker."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from iskra import sealed
from iskra.ballots import services
from iskra.ballots.models import Ballot, RollEntry, SealedAudit
from iskra.ballots.services import sealed_audit as sa
from iskra.ballots.services import sealed_setup as ss
from iskra.ballots.services import sealed_voting as sv
from iskra.ballots.verify import main as verify_main
from iskra.core.errors import DomainError, PermissionDenied
from tests.api.test_api import Api, is_error
from tests.ballots.test_sealed_flow import run_keygen, sealed_ballot, trustees_of  # noqa: F401
from tests.conftest import World, fresh


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(world: World, ballot: Ballot) -> tuple[list[str], dict[int, dict[str, Any]]]:
    people = trustees_of(world)
    ss.configure_sealed(
        actor=fresh(world.secretary), ballot=ballot, sealed_on=True, trustees=people
    )
    keys = run_keygen(ballot, people)
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(ca_key, services.constituency(ballot).count())
    ss.upload_credentials(
        actor=people[0], ballot=ballot, batch=batch, authority=sealed.ca_public(ca_key, "CA")
    )
    services.open_ballot(actor=fresh(world.secretary), ballot=Ballot.objects.get(pk=ballot.pk))
    return secrets, keys


def test_audited_trackers_are_refused_counted_exported_and_checked(
    world: World,
    sealed_ballot: Ballot,  # noqa: F811
    tmp_path: Path,
    capsys: Any,
) -> None:
    secrets, keys = _open(world, sealed_ballot)
    ballot = Ballot.objects.get(pk=sealed_ballot.pk)
    election = ballot.sealed_election
    voter = RollEntry.objects.filter(ballot=ballot).select_related("user").first().user  # type: ignore[union-attr]
    assert not RollEntry.objects.filter(ballot=ballot, user=world.outsider).exists()

    # The service: a voter on the roll, a well-formed tracker, not one already cast.
    audited, opened = sealed.encrypt_ballot_for_audit(election, [0], secrets[0])
    assert sealed.check_audit(election, audited, opened) == [0]
    with pytest.raises(PermissionDenied):
        sa.report_audit(actor=fresh(world.outsider), ballot=ballot, tracker=opened["tracker"])
    for bad in ("", "x" * 43 + "=", "short", "é" * 43):
        with pytest.raises(DomainError, match="not a ballot's tracker"):
            sa.report_audit(actor=voter, ballot=ballot, tracker=bad)
    made = sa.report_audit(actor=voter, ballot=ballot, tracker=opened["tracker"])
    assert sa.report_audit(actor=voter, ballot=ballot, tracker=opened["tracker"]) == made
    # Nothing ties the row to the voter: a random id, the ballot and the tracker only.
    assert {f.name for f in SealedAudit._meta.concrete_fields} == {"id", "ballot", "tracker"}

    # The server refuses to cast an audited ballot; a fresh encryption is cast.
    with pytest.raises(DomainError, match="opened for an audit"):
        sv.cast_sealed(ballot=ballot, data=audited)
    cast = sv.cast_sealed(ballot=ballot, data=sealed.encrypt_ballot(election, [0], secrets[0]))
    with pytest.raises(DomainError, match="has been cast"):
        sa.report_audit(actor=voter, ballot=ballot, tracker=cast.tracker)

    # The page (pages.js's fetch) and the API, with the same rules.
    page_url = f"/ballots/{ballot.pk}/audit/"
    _, second = sealed.encrypt_ballot_for_audit(election, [1], sealed.new_credential())
    answer = _client(voter).post(page_url, {"tracker": second["tracker"]})
    assert answer.status_code == 201 and answer.json()["audited"] is True
    assert (
        _client(voter)
        .post(page_url, {"tracker": "nope"})
        .json()["detail"]
        .startswith("That is not")
    )
    assert _client(voter).get(page_url).status_code == 405
    assert _client(fresh(world.outsider)).post(page_url, {"tracker": "a" * 43}).status_code == 403
    api = Api(voter)
    _, third = sealed.encrypt_ballot_for_audit(election, [1], sealed.new_credential())
    url = f"/ballots/{ballot.pk}/sealed/audits"
    assert api.post(url, {"tracker": third["tracker"]}).status_code == 201
    is_error(api.post(url, {"tracker": "a" * 42}), 422)
    is_error(api.post(url, {"tracker": cast.tracker}), 400)
    is_error(Api(fresh(world.outsider)).post(url, {"tracker": "b" * 43}), 403)
    assert ballot.sealed_audits.count() == 3
    board = _client(voter).get(f"/ballots/{ballot.pk}/board/").content.decode()
    assert "3 ballots were encrypted and then opened by voters' browsers" in board

    # The close: the record lists every audited tracker, and verifies.
    Ballot.objects.filter(pk=ballot.pk).update(min_published_ballots=1)
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1)):
        assert services.close_ballot(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    _decrypt(world, ballot, keys)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.CLOSED
    expected = sorted([opened["tracker"], second["tracker"], third["tracker"]])
    assert sv.sealed_export(ballot)["audited"] == expected
    path = tmp_path / "record.json"
    call_command("ballot", "export", str(ballot.pk), "--output", str(path))
    record = json.loads(path.read_text())
    assert record["audited"] == expected
    assert verify_main([str(path)]) == 0  # `iskra ballot verify FILE`
    # The same record claiming that the cast ballot had been audited fails verification.
    path.write_text(json.dumps({**record, "audited": [*expected, cast.tracker]}))
    assert verify_main([str(path)]) == 1
    assert "board entry 1: an audited ballot was cast" in capsys.readouterr().err


def _decrypt(world: World, ballot: Ballot, keys: dict[int, dict[str, Any]]) -> None:
    election = sealed.Election(ballot.sealed_election)
    targets = sv.decryption_targets(ballot)
    transcript = ballot.sealed_transcript
    assert transcript is not None
    people = trustees_of(world)
    for j in (1, 2):
        share = sealed.decryption_share(
            election, j, sealed.key_share(transcript["context"], keys[j], transcript), targets
        )
        sv.submit_decryption(actor=people[j - 1], ballot=ballot, share=share)


def test_a_server_that_cast_an_audited_ballot_cannot_count_it(
    world: World,
    sealed_ballot: Ballot,  # noqa: F811
) -> None:
    """The row written behind the service's back, as a dishonest server would: at the close
    the record lists the cast tracker as audited, and the count (which runs the verifier's
    checks first) refuses with a message, not a server error."""
    secrets, keys = _open(world, sealed_ballot)
    ballot = Ballot.objects.get(pk=sealed_ballot.pk)
    cast = sv.cast_sealed(
        ballot=ballot, data=sealed.encrypt_ballot(ballot.sealed_election, [1], secrets[1])
    )
    SealedAudit.objects.create(ballot=ballot, tracker=cast.tracker)
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1)):
        assert services.close_ballot(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    assert ballot.sealed_record is not None
    assert ballot.sealed_record["audited"] == [cast.tracker]
    with pytest.raises(DomainError, match="an audited ballot was cast"):
        _decrypt(world, ballot, keys)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.TALLYING


def test_reports_are_limited_per_person_and_end_with_the_ballot(
    world: World,
    sealed_ballot: Ballot,  # noqa: F811
) -> None:
    _open(world, sealed_ballot)
    ballot = Ballot.objects.get(pk=sealed_ballot.pk)
    voters = [e.user for e in RollEntry.objects.filter(ballot=ballot).select_related("user")[:2]]
    for n in range(sa.AUDITS_PER_HOUR):
        sa.report_audit(actor=voters[0], ballot=ballot, tracker=f"{n:043d}")
    with pytest.raises(DomainError, match="Too many audits"):
        sa.report_audit(actor=voters[0], ballot=ballot, tracker="A" * 43)
    sa.report_audit(actor=voters[1], ballot=ballot, tracker="A" * 43)  # per person
    with (
        time_machine.travel(ballot.closes_at + timedelta(minutes=1)),
        pytest.raises(DomainError, match="while the ballot is open"),
    ):
        sa.report_audit(actor=voters[1], ballot=ballot, tracker="B" * 43)
