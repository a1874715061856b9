"""Shared set-ups for sealed-ballot tests: trustees, an election, credentials, a full run.

Key generation and ballots are real (no mocks); the session-scoped fixtures keep the suite fast.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from iskra import sealed
from iskra.sealed import export as sexport
from iskra.sealed import tally as stally
from iskra.sealed.proofs import ct_parse

QUESTIONS = [
    {"kind": "yes_no", "text": "Do you support strike action?", "options": ["Yes", "No"]},
    {"kind": "choose_one", "text": "Which day?", "options": ["Mon", "Tue", "Wed"]},
    {
        "kind": "approval",
        "text": "Demands",
        "options": ["Pay", "Hours", "Safety", "Pensions"],
        "max_choices": 2,
    },
    {
        "kind": "stv",
        "text": "Strike committee",
        "options": ["Ana", "Ben", "Cai", "Dee", "Eve"],
        "seats": 2,
    },
]


@dataclass
class Trustees:
    context: dict[str, Any]
    keys: list[dict[str, Any]]
    transcript: dict[str, Any]
    outcome: dict[str, Any]


def make_trustees(uuid: str = "sealed-test", n: int = 3, k: int = 2) -> Trustees:
    context = sealed.setup_context(
        uuid=uuid, trustees=[f"Trustee {i + 1}" for i in range(n)], threshold=k
    )
    keys = [sealed.new_trustee_key(context, j) for j in range(1, n + 1)]
    certs = [sealed.trustee_certificate(context, key) for key in keys]
    polys = [sealed.trustee_polynomial(context, key, certs) for key in keys]
    verifs = [sealed.trustee_verification(context, key, certs, polys) for key in keys]
    transcript = {
        "context": context,
        "certificates": certs,
        "polynomials": polys,
        "verifications": verifs,
    }
    return Trustees(context, keys, transcript, sealed.check_setup(transcript))


@dataclass
class Scenario:
    trustees: Trustees
    ca_key: dict[str, Any]
    election: dict[str, Any]
    credentials: list[str]
    batches: list[dict[str, Any]]
    answers: list[list[Any]] = field(default_factory=list)

    @property
    def parsed(self) -> sealed.Election:
        return sealed.Election(self.election)

    def share(self, j: int) -> int:
        return sealed.key_share(
            self.trustees.context, self.trustees.keys[j - 1], self.trustees.transcript
        )


def make_scenario(
    trustees: Trustees,
    questions: list[dict[str, Any]] = QUESTIONS,
    voters: int = 8,
    preset: str = "uk_industrial_action",
) -> Scenario:
    uuid = trustees.context["uuid"]
    ca_key = sealed.new_ca_key(uuid)
    election = sealed.make_election(
        uuid=uuid,
        title="Sealed test ballot",
        questions=questions,
        setup=trustees.outcome,
        credential_authority=sealed.ca_public(ca_key, "The scrutineer"),
        rule={"preset": preset, "opened_on": "2025-06-02"},
    )
    secrets, batch = sealed.generate_credentials(ca_key, voters)
    return Scenario(trustees, ca_key, election, secrets, [batch])


def run_to_export(
    scenario: Scenario,
    answers: list[list[Any]],
    *,
    revotes: list[tuple[int, list[Any]]] = (),  # type: ignore[assignment]
    mixers: tuple[int, ...] = (1, 3),
    deciders: tuple[int, ...] = (2, 3),
) -> dict[str, Any]:
    """A whole ballot: votes (and revotes), mixes, decryption shares, the finished export."""
    e = scenario.parsed
    creds = sealed.check_credential_batches(e, scenario.batches)
    board = sealed.Board(e.fp)
    for voter, a in enumerate(answers):
        b = sealed.encrypt_ballot(scenario.election, a, scenario.credentials[voter])
        board.append(b, sealed.check_ballot(e, b, creds))
    for voter, a in revotes:
        b = sealed.encrypt_ballot(scenario.election, a, scenario.credentials[voter])
        board.append(b, sealed.check_ballot(e, b, creds), origin="server")
    counted = board.counted()
    mixes: list[list[dict[str, Any]] | None] = []
    for qi, q in enumerate(e.questions):
        if q["kind"] not in ("ranked", "stv"):
            mixes.append(None)
            continue
        rows = stally.mix_input(e, counted, qi)
        chain = []
        for index, j in enumerate(mixers):
            m = sealed.mix(
                e, (scenario.trustees.context, scenario.trustees.keys[j - 1]), qi, index, rows
            )
            chain.append(m)
            rows = [[ct_parse(c, "row") for c in row] for row in m["ciphertexts"]]
        mixes.append(chain)
    data = sexport.build_export(
        election=scenario.election,
        transcript=scenario.trustees.transcript,
        credentials=scenario.batches,
        entitled=len(scenario.credentials),
        board=board,
        mixes=mixes,
    )
    targets = sexport.verify_before_decryption(data, workers=1).decryption_list()
    shares = [sealed.decryption_share(e, j, scenario.share(j), targets) for j in deciders]
    return sexport.finish_export(data, shares)


ANSWERS = [
    [0, 0, [0, 1], [0, 1, 2]],
    [0, 1, [2], [1, 0]],
    [1, 2, [], [4]],
    [None, None, [3, 0], []],
    [0, 0, [1], [2, 3, 4, 0, 1]],
    [1, 1, [0], [0]],
    [0, 2, [0, 2], [3, 1]],
]


@pytest.fixture(scope="session")
def trustees() -> Trustees:
    return make_trustees()


@pytest.fixture(scope="session")
def scenario(trustees: Trustees) -> Scenario:
    return make_scenario(trustees)


@pytest.fixture(scope="session")
def _export(scenario: Scenario) -> dict[str, Any]:
    return run_to_export(scenario, ANSWERS, revotes=[(0, [1, 1, [3], [4, 3]])])


@pytest.fixture
def export(_export: dict[str, Any]) -> dict[str, Any]:
    """A finished, valid export (a fresh deep copy each test may tamper with)."""
    return copy.deepcopy(_export)
