"""verify.js, the record's checks in a trustee's browser, against Python's verifier: on a valid
record both compute the same decryption list, and on each kind of tampering before the
decryption both refuse with the same message, naming the same first failure."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from iskra import sealed
from iskra.sealed import export as sexport
from iskra.sealed import group as grp
from iskra.sealed.errors import VerifyError
from iskra.sealed.proofs import ct_json

from .conftest import Scenario
from .test_js import Page, js
from .test_js import page as page
from .test_pipeline import _bump, _rechain, _resign_mix

pytestmark = pytest.mark.browser

CHECK = "try { return V.checkRecord(a); } catch (err) { return 'refused: ' + err.message; }"


def _alter_ballot(d: dict[str, Any]) -> None:
    choice = d["board"][2]["ballot"]["answers"][0]["choice"]
    choice[1] = _bump(choice[1])


def _resign_ballot(scenario: Scenario) -> Callable[[dict[str, Any]], None]:
    """The credential authority with the server: ballot 3's proof swapped for ballot 4's (a
    valid proof of another ciphertext), re-signed with voter 3's credential, the board rechained."""

    def change(d: dict[str, Any]) -> None:
        from iskra.sealed.ballot import _sign
        from iskra.sealed.election import credential_secret

        ballot = d["board"][2]["ballot"]
        ballot["answers"][0]["proof"] = d["board"][3]["ballot"]["answers"][0]["proof"]
        body = {k: v for k, v in ballot.items() if k != "signature"}
        secret = credential_secret(d["election"]["uuid"], scenario.credentials[2])
        d["board"][2]["ballot"] = _sign(sealed.Election(d["election"]), secret, body)
        _rechain(d)

    return change


def _tamperings(scenario: Scenario) -> Iterator[tuple[str, Callable[[dict[str, Any]], None]]]:
    def rechained(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        return lambda d: (change(d), _rechain(d))[0]

    def resigned(change: Callable[[dict[str, Any]], None], index: int) -> Any:
        return lambda d: (change(d), _resign_mix(d, scenario, index))[0]

    def mix_cell(d: dict[str, Any]) -> None:
        row = d["mixes"][3][1]["ciphertexts"][0]
        row[0][1] = _bump(row[0][1])

    yield "a ballot changed", _alter_ballot
    yield "a ballot changed, the chain rewritten", rechained(_alter_ballot)
    yield "a proof swapped and re-signed", _resign_ballot(scenario)
    yield "a ballot dropped", lambda d: d["board"].__delitem__(4)
    yield (
        "a credential added",
        lambda d: d["credentials"][0]["credentials"].append(grp.base(99).hex()),
    )
    yield "the final hash", lambda d: d.__setitem__("board_hash", "00" * 32)
    yield (
        "the tally",
        lambda d: d["tally"][0].__setitem__(0, [d["tally"][0][0][0], _bump(d["tally"][0][0][1])]),
    )
    yield "a mix changed", mix_cell
    yield "a mix changed and re-signed", resigned(mix_cell, 1)
    yield "a mix row dropped", resigned(lambda d: d["mixes"][3][0]["ciphertexts"].__delitem__(2), 0)
    yield "too few mixers", lambda d: d["mixes"][3].__delitem__(1)
    yield "the setup", lambda d: d["election"].__setitem__("public_key", grp.base(5).hex())
    yield "an audited ballot cast", lambda d: d.__setitem__("audited", [d["board"][1]["tracker"]])
    yield (
        "a replay",
        rechained(lambda d: d["board"].append({**copy.deepcopy(d["board"][1]), "seq": 0})),
    )
    yield "a replacement hidden", rechained(lambda d: d["board"][-1].__setitem__("replaces", None))


def test_the_browser_checks_a_record_as_python_does(
    page: Page,
    export: dict[str, Any],
    scenario: Scenario,
) -> None:
    targets = sexport.verify_before_decryption(export, workers=1).decryption_list()
    assert js(page, CHECK, export) == [ct_json(c) for c in targets]
    for name, change in _tamperings(scenario):
        data = copy.deepcopy(export)
        change(data)
        with pytest.raises(VerifyError) as info:
            sexport.verify_before_decryption(data, workers=1)
        assert js(page, CHECK, data) == f"refused: {info.value}", name


def test_the_browser_names_the_first_failing_ballot_of_a_part(
    page: Page,
    export: dict[str, Any],
) -> None:
    """A worker checks one part of the board and stops at its first failure."""
    for i in (2, 5):
        _alter_ballot_at(export, i)
    part = js(page, "return V.checkEntries(a, b, {start: 3});", export["election"], export["board"])
    tracker = export["board"][5]["tracker"]
    assert part["seq"] == 6 and part["tracker"] == tracker
    assert part["message"].startswith(f"board entry 6 (tracker {tracker}): ")
    assert (
        js(page, "return V.checkEntries(a, b, {stop: 2});", export["election"], export["board"])
        is None
    )


def _alter_ballot_at(d: dict[str, Any], i: int) -> None:
    choice = d["board"][i]["ballot"]["answers"][0]["choice"]
    choice[1] = _bump(choice[1])
