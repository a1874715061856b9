"""The credential authority through the API: batch 1 before the opening, and a further batch
for a voter added on an upheld roll challenge while the ballot is open — the same services as
the page, refused with 4xx {"detail"} when bad, audited, in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from iskra import sealed
from iskra.audit.models import AuditEntry
from iskra.ballots import services
from iskra.ballots.models import Ballot
from iskra.ballots.services import sealed_setup as ss
from iskra.members.models import Status
from tests.api.test_api import Api, is_error
from tests.ballots.test_sealed_flow import run_keygen, sealed_ballot, trustees_of  # noqa: F401
from tests.conftest import World, fresh, make_member


def test_credentials_first_and_further_batch_through_the_api(
    world: World,
    sealed_ballot: Ballot,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = trustees_of(world)
    ss.configure_sealed(
        actor=fresh(world.secretary), ballot=sealed_ballot, sealed_on=True, trustees=people
    )
    run_keygen(sealed_ballot, people)
    pk = sealed_ballot.pk
    authority = Api(people[0])  # the scrutineer, the credential authority by default
    assert ss.is_credential_authority(people[0], Ballot.objects.get(pk=pk))
    url = f"/ballots/{pk}/sealed/credentials"

    # Batch 1, before the opening.
    ca_key = sealed.new_ca_key(sealed_ballot.sealed_uuid)
    entitled = services.constituency(sealed_ballot).count()
    _, batch = sealed.generate_credentials(ca_key, entitled)
    public = sealed.ca_public(ca_key, "Sky Scrutineer")
    is_error(Api(fresh(world.secretary)).post(url, {"batch": batch, "authority": public}), 403)
    is_error(Api(fresh(world.member)).post(url, {"batch": batch, "authority": public}), 404)
    is_error(authority.post(url, {"batch": batch}), 422)
    is_error(authority.post(url, {"batch": {"batch": 1}, "authority": public}), 400)
    is_error(authority.post(url, {"batch": batch, "authority": {"name": 3}}), 400)
    is_error(authority.post(url + "/further", {"batch": batch}), 400)  # not open yet
    given = authority.post(url, {"batch": batch, "authority": public})
    assert given.status_code == 201, given.content
    assert given.json() == {
        "issued": entitled,
        "batches": 1,
        "awaiting": 0,
        "next_batch": 2,
        "added": [],
    }
    services.open_ballot(actor=fresh(world.secretary), ballot=Ballot.objects.get(pk=pk))
    is_error(authority.post(url, {"batch": batch, "authority": public}), 400)  # opened

    # A member left off the roll is added on an upheld challenge: one voter waits.
    late = make_member("late@example.org", "Late Joiner", world.branch_a, Status.CANDIDATE)
    ballot = Ballot.objects.get(pk=pk)
    challenge = services.raise_challenge(actor=late, ballot=ballot, reason="I work there")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_challenge(
            actor=fresh(world.other_secretary), challenge=challenge, uphold=True, reason="ok"
        )
    state = authority.get(url).json()
    assert state["awaiting"] == 1 and state["next_batch"] == 2
    assert state["added"] == ["late@example.org"]
    is_error(Api(fresh(world.secretary)).get(url), 403)

    new_secrets, further = sealed.generate_credentials(ca_key, 1, batch=2)
    _, numbered_3 = sealed.generate_credentials(ca_key, 1, batch=3)
    _, forged = sealed.generate_credentials(sealed.new_ca_key(ballot.sealed_uuid), 1, batch=2)
    is_error(Api(fresh(world.secretary)).post(url + "/further", {"batch": further}), 403)
    is_error(authority.post(url + "/further", {}), 422)
    is_error(authority.post(url + "/further", {"batch": numbered_3}), 400)
    is_error(authority.post(url + "/further", {"batch": forged}), 400)
    is_error(authority.post(url + "/further", {"batch": {"batch": 2, "credentials": "x"}}), 400)
    assert ballot.credential_batches.count() == 1  # nothing stored by a refusal
    given = authority.post(url + "/further", {"batch": further})
    assert given.status_code == 201, given.content
    assert given.json()["awaiting"] == 0 and given.json()["batches"] == 2
    entry = AuditEntry.objects.filter(action="ballot.sealed.credentials").latest("seq")
    assert entry.data == {"batch": 2, "count": 1}
    is_error(authority.post(url + "/further", {"batch": numbered_3}), 400)  # nobody waits

    # The late voter votes with the credential of the further batch.
    election: dict[str, Any] = Api(late).get(f"/ballots/{pk}/sealed/election").json()
    cast = Api(late).post(
        f"/ballots/{pk}/sealed/ballots",
        {"ballot": sealed.encrypt_ballot(election, [0], new_secrets[0])},
    )
    assert cast.status_code == 201, cast.content
    schema = Api(None).client.get("/api/v1/openapi.json").json()
    assert "/api/v1/ballots/{ballot_id}/sealed/credentials" in schema["paths"]
    assert "/api/v1/ballots/{ballot_id}/sealed/credentials/further" in schema["paths"]
