"""Ballots: encryption with proofs and signature, their checks, trackers and Benaloh's audit."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iskra import sealed
from iskra.sealed import group as grp
from iskra.sealed.ballot import grp_product, ranking_from_values, ranking_values
from iskra.sealed.errors import BallotError, FormatError, SealedError
from iskra.sealed.proofs import cds_prove, ct_json, encrypt, pair_json

from .conftest import QUESTIONS, Scenario


def answers_strategy() -> st.SearchStrategy[list[Any]]:
    return st.tuples(
        st.sampled_from([None, 0, 1]),
        st.sampled_from([None, 0, 1, 2]),
        st.lists(st.integers(min_value=0, max_value=3), max_size=2, unique=True),
        st.permutations(range(5)).flatmap(
            lambda p: st.integers(min_value=0, max_value=5).map(lambda k: list(p[:k]))
        ),
    ).map(list)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(answers=answers_strategy())
def test_every_valid_answer_encrypts_to_a_valid_ballot(
    scenario: Scenario, answers: list[Any]
) -> None:
    ballot, audit = sealed.encrypt_ballot_for_audit(
        scenario.election, answers, scenario.credentials[0]
    )
    creds = sealed.check_credential_batches(scenario.parsed, scenario.batches)
    assert (
        sealed.check_ballot(scenario.election, ballot, creds)
        == audit["tracker"]
        == sealed.tracker(ballot)
    )
    assert sealed.check_audit(scenario.election, ballot, audit) == [
        a if a != [] else None for a in answers
    ]


def test_invalid_answers_are_refused_before_encryption(scenario: Scenario) -> None:
    c = scenario.credentials[0]
    cases = [
        ([2, None, [], []], "Question 1: choose one of the options."),
        ([True, None, [], []], "Question 1: choose one of the options."),
        ([None, None, [0, 1, 2], []], "Question 3: choose at most 2."),
        ([None, None, [1, 1], []], "Question 3: each option can be chosen only once."),
        ([None, None, [], [0, 0]], "Question 4: each option can be chosen only once."),
        ([None, None, [], [7]], "Question 4: that answer does not fit the question."),
        ([None, None, []], "Answer all 4 questions"),
    ]
    for answers, message in cases:
        with pytest.raises(SealedError, match=message.replace("(", "\\(")):
            sealed.encrypt_ballot(scenario.election, answers, c)
    with pytest.raises(SealedError, match="not a voting credential"):
        sealed.encrypt_ballot(scenario.election, [None] * 4, "not-a-credential")


def test_credentials_are_typed_forgivingly() -> None:
    cred = sealed.new_credential()
    assert sealed.credential_public("u", cred) == sealed.credential_public(
        "u", cred.lower().replace("-", " ")
    )
    assert sealed.credential_public("u", cred) != sealed.credential_public("v", cred)


def test_ranking_encoding_round_trips() -> None:
    for ranking in ([], [2], [4, 0, 3], [0, 1, 2, 3, 4]):
        values = ranking_values(5, ranking)
        assert sorted(values) == list(range(6))
        assert ranking_from_values(values) == ranking


def _valid(scenario: Scenario) -> dict[str, Any]:
    return sealed.encrypt_ballot(scenario.election, [0, 1, [2], [3, 1]], scenario.credentials[1])


def test_an_altered_ballot_fails(scenario: Scenario) -> None:
    ballot = _valid(scenario)
    e = scenario.parsed
    sealed.check_ballot(e, ballot)
    # Any field changed without the voter's credential breaks the signature.
    changed = copy.deepcopy(ballot)
    changed["answers"][0]["choice"][1] = grp.add(
        bytes.fromhex(changed["answers"][0]["choice"][1]), grp.G
    ).hex()
    with pytest.raises(BallotError, match="signature"):
        sealed.check_ballot(e, changed)
    swapped = copy.deepcopy(ballot)
    swapped["answers"][1]["choices"][0], swapped["answers"][1]["choices"][1] = (
        swapped["answers"][1]["choices"][1],
        swapped["answers"][1]["choices"][0],
    )
    with pytest.raises(BallotError, match="signature"):
        sealed.check_ballot(e, swapped)
    other = copy.deepcopy(ballot)
    other["election"] = "00" * 32
    with pytest.raises(BallotError, match="another election"):
        sealed.check_ballot(e, other)
    extra = {**ballot, "origin": "browser"}
    with pytest.raises(FormatError):
        sealed.check_ballot(e, extra)


def _resign(scenario: Scenario, ballot: dict[str, Any], voter: int) -> dict[str, Any]:
    from iskra.sealed.ballot import _sign
    from iskra.sealed.election import credential_secret

    body = {k: v for k, v in ballot.items() if k != "signature"}
    return _sign(
        scenario.parsed, credential_secret(scenario.parsed.uuid, scenario.credentials[voter]), body
    )


def test_a_voter_cannot_overvote_even_signing_it_themself(scenario: Scenario) -> None:
    """A voter who crafts ciphertexts outside the rules (and signs them) is caught by the proofs."""
    e = scenario.parsed
    ballot = copy.deepcopy(_valid(scenario))
    cred = grp.point(ballot["credential"], "c")
    # Question 2 (choose one): encrypt 1 for every option, with honest 0/1 proofs; the overall
    # proof cannot show a sum of 3 is 0 or 1.
    cts, proofs, rs = [], [], []
    for j in range(3):
        r = grp.random_scalar()
        c = encrypt(e.y, 1, r)
        cts.append(c)
        rs.append(r)
        proofs.append(
            [pair_json(p) for p in cds_prove(e.context(cred, f"q1/c{j}"), e.y, c, r, [0, 1], 1)]
        )
    total = grp_product(cts)
    overall = cds_prove(e.context(cred, "q1/overall"), e.y, total, sum(rs) % grp.L, [0, 1], 1)
    ballot["answers"][1] = {
        "choices": [ct_json(c) for c in cts],
        "proofs": proofs,
        "overall": [pair_json(p) for p in overall],
    }
    with pytest.raises(
        BallotError, match="question 2: the proof that the number of choices is allowed fails"
    ):
        sealed.check_ballot(e, _resign(scenario, ballot, 1))
    # Question 1 (yes/no): "2 yes votes" (g^2) proved as one of blank / yes / no.
    ballot = copy.deepcopy(_valid(scenario))
    r = grp.random_scalar()
    c = encrypt(e.y, 2, r)
    ballot["answers"][0] = {
        "choice": ct_json(c),
        "proof": [
            pair_json(p) for p in cds_prove(e.context(cred, "q0"), e.y, c, r, [0, 1, 2**32], 1)
        ],
    }
    with pytest.raises(
        BallotError, match="question 1: the proof that the answer is a valid choice fails"
    ):
        sealed.check_ballot(e, _resign(scenario, ballot, 1))


def test_proofs_cannot_be_copied_into_another_voters_ballot(scenario: Scenario) -> None:
    """Ballot copying (Cortier–Smyth attack on Helios): a copied answer fails under another
    credential because every proof's statement includes the credential."""
    ballot = _valid(scenario)
    copied = {
        **copy.deepcopy(ballot),
        "credential": sealed.credential_public(scenario.parsed.uuid, scenario.credentials[2]),
    }
    with pytest.raises(BallotError, match="question 1: the proof"):
        sealed.check_ballot(scenario.parsed, _resign(scenario, copied, 2))


def test_a_ballot_without_a_valid_credential_fails(scenario: Scenario) -> None:
    e = scenario.parsed
    creds = sealed.check_credential_batches(e, scenario.batches)
    stranger = sealed.encrypt_ballot(scenario.election, [0, 0, [], []], sealed.new_credential())
    with pytest.raises(BallotError, match="its credential is not on the roll"):
        sealed.check_ballot(e, stranger, creds)
    # A voter's public credential with a signature made by someone else.
    forged = dict(stranger)
    forged["credential"] = sealed.credential_public(e.uuid, scenario.credentials[3])
    with pytest.raises(BallotError):
        sealed.check_ballot(e, forged, creds)


def test_audit_detects_a_ballot_that_does_not_hold_the_choice(scenario: Scenario) -> None:
    ballot, audit = sealed.encrypt_ballot_for_audit(
        scenario.election, [0, 2, [0], [1, 2]], scenario.credentials[0]
    )
    lying = copy.deepcopy(audit)
    lying["answers"][0] = 1  # the device claims "No" but encrypted "Yes"
    with pytest.raises(BallotError, match="question 1 does not hold the revealed answer"):
        sealed.check_audit(scenario.election, ballot, lying)
    lying = copy.deepcopy(audit)
    lying["answers"][3] = [2, 1]
    with pytest.raises(BallotError, match="question 4 does not hold the revealed answer"):
        sealed.check_audit(scenario.election, ballot, lying)


def test_questions_without_blank(scenario: Scenario) -> None:
    questions = [{**q, "blank": False} for q in QUESTIONS]
    e = sealed.make_election(
        uuid=scenario.parsed.uuid,
        title="No blanks",
        questions=questions,
        setup=scenario.trustees.outcome,
        credential_authority=sealed.ca_public(scenario.ca_key, "CA"),
        rule={"preset": "simple_majority", "opened_on": "2025-06-02"},
    )
    ballot = sealed.encrypt_ballot(e, [1, 0, [3], [4]], scenario.credentials[0])
    sealed.check_ballot(e, ballot)
    with pytest.raises(SealedError, match="Question 2 must be answered"):
        sealed.encrypt_ballot(e, [1, None, [3], [4]], scenario.credentials[0])
