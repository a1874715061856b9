"""The sealed-ballot API: election parameters, an encrypted ballot cast (and refused with a
4xx {"detail"} when it is bad), the board paged; the plain vote endpoint refuses a sealed
ballot; the endpoints are in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from iskra import sealed
from iskra.ballots import services
from iskra.ballots.models import Ballot
from iskra.ballots.services import sealed_setup as ss
from tests.api.test_api import Api, is_error
from tests.ballots.test_sealed_flow import run_keygen, sealed_ballot, trustees_of  # noqa: F401
from tests.conftest import World, fresh


def opened(world: World, ballot: Ballot) -> list[str]:
    people = trustees_of(world)
    ss.configure_sealed(
        actor=fresh(world.secretary), ballot=ballot, sealed_on=True, trustees=people
    )
    run_keygen(ballot, people)
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(ca_key, services.constituency(ballot).count())
    ss.upload_credentials(
        actor=people[0], ballot=ballot, batch=batch, authority=sealed.ca_public(ca_key, "CA")
    )
    services.open_ballot(actor=fresh(world.secretary), ballot=Ballot.objects.get(pk=ballot.pk))
    return secrets


def test_sealed_api(world: World, sealed_ballot: Ballot) -> None:  # noqa: F811
    api = Api(fresh(world.member))
    pk = sealed_ballot.pk
    made = Api(fresh(world.secretary)).post(
        "/ballots",
        {
            "unit_id": world.branch_a.pk,
            "title": "Sealed by the API",
            "preset": "recall",
            "opens_at": "2030-01-01T09:00:00",
            "closes_at": "2030-01-08T09:00:00",
            "sealed": True,
        },
    )
    assert made.status_code == 201 and made.json()["sealed"] is True
    assert Ballot.objects.get(pk=made.json()["id"]).sealed_uuid
    is_error(Api(fresh(world.secretary)).get(f"/ballots/{pk}/sealed/election"), 404)
    secrets = opened(world, sealed_ballot)
    election: dict[str, Any] = api.get(f"/ballots/{pk}/sealed/election").json()
    assert election["format"] == "iskra-sealed-election/1"
    first = sealed.encrypt_ballot(election, [0], secrets[0])
    r = api.post(f"/ballots/{pk}/sealed/ballots", {"ballot": first})
    assert r.status_code == 201, r.content
    receipt = r.json()
    assert receipt["seq"] == 1 and receipt["replaces"] is None
    again = api.post(
        f"/ballots/{pk}/sealed/ballots",
        {"ballot": sealed.encrypt_ballot(election, [1], secrets[0])},
    )
    assert again.json()["replaces"] == receipt["tracker"]
    is_error(api.post(f"/ballots/{pk}/sealed/ballots", {"ballot": first}), 400)
    is_error(api.post(f"/ballots/{pk}/sealed/ballots", {"ballot": {"election": 1}}), 400)
    tampered = {
        **first,
        "credential": sealed.encrypt_ballot(election, [0], secrets[1])["credential"],
    }
    is_error(api.post(f"/ballots/{pk}/sealed/ballots", {"ballot": tampered}), 400)
    board = api.get(f"/ballots/{pk}/sealed/board", page_size=1).json()
    assert board["count"] == 2 and len(board["items"]) == 1
    assert board["items"][0]["replaced"] is True
    qid = sealed_ballot.questions.get().pk
    is_error(api.post(f"/ballots/{pk}/vote", {"answers": {str(qid): 0}}), 400)
    is_error(Api(fresh(world.member)).get("/ballots/999999/sealed/board"), 404)
    schema = Api(None).client.get("/api/v1/openapi.json").json()
    assert "/api/v1/ballots/{ballot_id}/sealed/ballots" in schema["paths"]
    assert "/api/v1/ballots/{ballot_id}/sealed/board" in schema["paths"]
