"""The whole ballot in Python — key generation, votes and revotes, homomorphic tally, mixes,
decryption shares — gives the result that today's count gives on the same plaintext answers;
``verify_export`` passes on the record and fails, naming it, on each kind of tampering."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from iskra import sealed
from iskra.ballots import tally as plain_tally
from iskra.sealed import group as grp
from iskra.sealed.errors import VerifyError

from .conftest import ANSWERS, QUESTIONS, Scenario, make_scenario, make_trustees, run_to_export


def plain_result(
    answers: list[list[Any]], entitled: int, preset: str = "uk_industrial_action"
) -> dict[str, Any]:
    """Today's count (iskra.ballots.tally) of the same answers, as plaintext ballots."""
    questions = [
        {**q, "id": i, "seed": 0, "seats": q.get("seats", 1)} for i, q in enumerate(QUESTIONS)
    ]
    contents = []
    for a in answers:
        content = {}
        for i, value in enumerate(a):
            content[str(i)] = "blank" if value in (None, []) else value
        contents.append(content)
    rule = plain_tally.ballot_rule(
        preset,
        opened_on=date(2025, 6, 2),
        important_public_service=False,
        turnout_rule_repealed=False,
    )
    return plain_tally.tally(questions=questions, contents=contents, entitled=entitled, rule=rule)


def test_the_result_equals_todays_count_of_the_same_answers(export: dict[str, Any]) -> None:
    counted = [[1, 1, [3], [4, 3]], *ANSWERS[1:]]  # voter 1 revoted
    expected = plain_result(counted, entitled=8)
    assert export["result"] == expected
    lines = sealed.verify_export(export, workers=1)
    assert lines[-5].startswith("Recount: 7 ballots of 8 entitled (turnout 87.50%)")
    assert "1 replaced by a later vote, 7 counted" in "\n".join(lines)


def test_the_ranked_questions_are_mixed_before_decryption(export: dict[str, Any]) -> None:
    """The decrypted rankings cannot be matched to board entries: the mix re-encrypted them."""
    mixed = export["mixes"][3][-1]["ciphertexts"]
    board_rows = [e["ballot"]["answers"][3]["ranking"] for e in export["board"]]
    assert not any(row in board_rows for row in mixed)


def test_every_kind_of_question_alone_and_a_bigger_trustee_set() -> None:
    trustees = make_trustees("five", n=5, k=3)
    for question in QUESTIONS:
        scenario = make_scenario(trustees, [question], voters=4, preset="simple_majority")
        answers = [[a[QUESTIONS.index(question)]] for a in ANSWERS[:4]]
        data = run_to_export(scenario, answers, mixers=(5, 2, 4), deciders=(1, 4, 5))
        assert sealed.verify_export(data, workers=1)


def _tamper(export: dict[str, Any], change: Any) -> str:
    data = copy.deepcopy(export)
    change(data)
    with pytest.raises(VerifyError) as info:
        sealed.verify_export(data, workers=1)
    return str(info.value)


def _bump(point_hex: str) -> str:
    return grp.add(bytes.fromhex(point_hex), grp.G).hex()


def test_verify_names_each_kind_of_tampering(export: dict[str, Any], scenario: Scenario) -> None:
    sealed.verify_export(export, workers=1)

    def alter_ballot(d: dict[str, Any]) -> None:
        d["board"][2]["ballot"]["answers"][0]["choice"][1] = _bump(
            d["board"][2]["ballot"]["answers"][0]["choice"][1]
        )

    assert "board entry 3" in _tamper(export, alter_ballot)

    def alter_and_rechain(d: dict[str, Any]) -> None:
        alter_ballot(d)
        _rechain(d)

    message = _tamper(export, alter_and_rechain)
    assert message.startswith("board entry 3 (tracker ") and "signature" in message

    def drop(d: dict[str, Any]) -> None:
        del d["board"][4]

    assert "board entry 5" in _tamper(export, drop)

    def add_uncredentialed(d: dict[str, Any]) -> None:
        ballot = sealed.encrypt_ballot(d["election"], [0, 0, [], []], sealed.new_credential())
        d["board"].append(
            {
                "seq": len(d["board"]) + 1,
                "tracker": sealed.tracker(ballot),
                "ballot": ballot,
                "origin": "server",
                "replaces": None,
            }
        )
        _rechain(d)

    assert "its credential is not one the credential authority issued" in _tamper(
        export, add_uncredentialed
    )

    def add_credential(d: dict[str, Any]) -> None:
        d["credentials"][0]["credentials"].append(grp.base(99).hex())
        d["entitled"] += 1

    assert "credential batch 1: not signed by the credential authority" in _tamper(
        export, add_credential
    )

    def final_hash(d: dict[str, Any]) -> None:
        d["board_hash"] = "00" * 32

    assert "final board hash" in _tamper(export, final_hash)

    def tally(d: dict[str, Any]) -> None:
        d["tally"][0][0][1] = _bump(d["tally"][0][0][1])

    assert "homomorphic tally" in _tamper(export, tally)

    def mix_altered(d: dict[str, Any]) -> None:
        row = d["mixes"][3][1]["ciphertexts"][0]
        row[0][1] = _bump(row[0][1])

    assert "question 4, mix 2: not signed by trustee 3" in _tamper(export, mix_altered)

    def mix_altered_resigned(d: dict[str, Any]) -> None:
        mix_altered(d)
        _resign_mix(d, scenario, 1)

    assert "question 4, mix 2 by trustee 3: the proof of shuffle fails" in _tamper(
        export, mix_altered_resigned
    )

    def mix_dropped(d: dict[str, Any]) -> None:
        del d["mixes"][3][0]["ciphertexts"][2]
        _resign_mix(d, scenario, 0)

    assert "a ballot dropped or added" in _tamper(export, mix_dropped)

    def mix_duplicated(d: dict[str, Any]) -> None:
        rows = d["mixes"][3][0]["ciphertexts"]
        rows[2] = copy.deepcopy(rows[1])
        _resign_mix(d, scenario, 0)

    assert "question 4, mix 1 by trustee 1: the proof of shuffle fails" in _tamper(
        export, mix_duplicated
    )

    def too_few_mixers(d: dict[str, Any]) -> None:
        del d["mixes"][3][1]

    assert "at least 2 must mix" in _tamper(export, too_few_mixers)

    def wrong_share(d: dict[str, Any]) -> None:
        d["decryptions"][0]["factors"][0] = _bump(d["decryptions"][0]["factors"][0])

    assert "trustee 2's decryption share: the proof of factor 1 fails" in _tamper(
        export, wrong_share
    )

    def one_share(d: dict[str, Any]) -> None:
        del d["decryptions"][1]

    assert "1 trustee(s) have decrypted; 2 are needed" in _tamper(export, one_share)

    def result(d: dict[str, Any]) -> None:
        d["result"]["questions"][0]["votes"]["Yes"] += 1

    assert "the recount differs from the published result" in _tamper(export, result)

    def setup(d: dict[str, Any]) -> None:
        d["election"]["public_key"] = grp.base(5).hex()

    assert "differs from the trustees' key generation" in _tamper(export, setup)

    def audited_cast(d: dict[str, Any]) -> None:
        d["audited"] = [d["board"][1]["tracker"]]

    assert "board entry 2: an audited ballot was cast" in _tamper(export, audited_cast)

    def replay(d: dict[str, Any]) -> None:
        entry = copy.deepcopy(d["board"][1])
        entry["seq"] = len(d["board"]) + 1
        d["board"].append(entry)
        _rechain(d)

    assert "is already on the board (a replay)" in _tamper(export, replay)

    def hide_replacement(d: dict[str, Any]) -> None:
        d["board"][-1]["replaces"] = None
        _rechain(d)

    assert "'replaces' must name the same credential's previous ballot" in _tamper(
        export, hide_replacement
    )


def _rechain(d: dict[str, Any]) -> None:
    """What a server rewriting history would do: recompute every hash after its change."""
    from iskra.sealed.board import genesis, link

    head = genesis(bytes.fromhex(sealed.Election(d["election"]).fp_hex))
    for i, entry in enumerate(d["board"], start=1):
        entry["seq"] = i
        entry["tracker"] = sealed.tracker(entry["ballot"])
        entry["hash"] = link(head, entry).hex()
        head = bytes.fromhex(entry["hash"])
    d["board_hash"] = head.hex()


def _resign_mix(d: dict[str, Any], scenario: Scenario, index: int) -> None:
    """A dishonest mixer signs its altered mix with its own key."""
    from iskra.sealed import setup as st

    m = d["mixes"][3][index]
    secrets = st.TrusteeSecrets(scenario.trustees.context, scenario.trustees.keys[m["trustee"] - 1])
    body = {k: v for k, v in m.items() if k != "signature"}
    d["mixes"][3][index] = st.sign_message(
        "sig-mix", sealed.Election(d["election"]).fp, secrets.sign, body
    )


def test_verify_reports_a_malformed_file_in_one_line() -> None:
    with pytest.raises(VerifyError, match="not a sealed ballot export"):
        sealed.verify_export({"format": "iskra-ballot-export/1"})
    with pytest.raises(VerifyError, match="missing field 'election'"):
        sealed.verify_export({"format": "iskra-sealed-export/1"})


def test_a_malformed_record_gives_a_verify_error(export: dict[str, Any]) -> None:
    for change in (
        lambda d: d["election"]["trustees"].__setitem__(0, "not a trustee"),
        lambda d: d["board"].__setitem__(0, []),
        lambda d: d["mixes"].__setitem__(3, {"not": "a list"}),
        lambda d: d["decryptions"][0].__setitem__("factors", None),
        lambda d: d.__setitem__("entitled", "eight"),
    ):
        data = copy.deepcopy(export)
        change(data)
        with pytest.raises(VerifyError):
            sealed.verify_export(data, workers=1)


def test_verification_on_two_processes_names_the_same_first_failure() -> None:
    """Above 200 ballots the checks run on worker processes (sharing the record by fork) and
    the tally is summed from their parts; the first failing entry is still the one named."""
    trustees = make_trustees("parallel")
    yes_no = [QUESTIONS[0]]
    scenario = make_scenario(trustees, yes_no, voters=230)
    answers = [[[0, 1, None][i % 3]] for i in range(230)]
    data = run_to_export(scenario, answers, revotes=[(5, [None]), (7, [1])])
    lines = sealed.verify_export(data, workers=2)
    assert "Yes: 77, No: 77; blank 76" in lines[-1]
    for seq in (150, 231):
        bad = copy.deepcopy(data)
        proof = bad["board"][seq - 1]["ballot"]["answers"][0]["proof"]
        proof[0], proof[1] = proof[1], proof[0]
        bad["board"][seq - 1]["tracker"] = sealed.tracker(bad["board"][seq - 1]["ballot"])
        _rechain(bad)
        with pytest.raises(VerifyError, match=f"^board entry {seq} "):
            sealed.verify_export(bad, workers=2)


def test_two_processes_still_name_the_record_in_its_order() -> None:
    """The worker processes check the ballots while this process checks the credentials and
    the chain: a bad credential batch is still the failure named, before a bad ballot, and
    the workers are stopped."""
    trustees = make_trustees("parallel-order")
    scenario = make_scenario(trustees, [QUESTIONS[0]], voters=210)
    data = run_to_export(scenario, [[[0, 1, None][i % 3]] for i in range(210)])
    assert sealed.verify_export(data, workers=2) == sealed.verify_export(data, workers=1)
    bad = copy.deepcopy(data)
    proof = bad["board"][100]["ballot"]["answers"][0]["proof"]
    proof[0], proof[1] = proof[1], proof[0]
    bad["board"][100]["tracker"] = sealed.tracker(bad["board"][100]["ballot"])
    _rechain(bad)
    bad["entitled"] = 211
    with pytest.raises(VerifyError, match="210 credentials were issued for 211 voters"):
        sealed.verify_export(bad, workers=2)
    bad["entitled"] = 210
    with pytest.raises(VerifyError, match=r"^board entry 101 "):
        sealed.verify_export(bad, workers=2)
