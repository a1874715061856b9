"""Any changed byte fails, and malformed input fails cleanly: a random hex digit changed
anywhere in a ballot, a decryption share or a key-generation message makes its check fail with
a named error; a random structural change (a field dropped, a value of the wrong type) gives a
SealedError, never another exception."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iskra import sealed
from iskra.sealed import group as grp
from iskra.sealed import setup as stp
from iskra.sealed import tally as stally
from iskra.sealed.errors import SealedError
from iskra.sealed.proofs import encrypt

from .conftest import Scenario, Trustees

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def hex_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a hex string (a point, a scalar, a fingerprint, a share) in a JSON value."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in hex_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in hex_paths(v, (*path, i))]
    if (
        isinstance(value, str)
        and len(value) in (64,)
        and all(c in "0123456789abcdef" for c in value)
    ):
        return [path]
    return []


def all_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        out += [p for k, v in value.items() for p in all_paths(v, (*path, k))]
    elif isinstance(value, list):
        out += [p for i, v in enumerate(value) for p in all_paths(v, (*path, i))]
    return out


def get(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def put(value: Any, path: tuple[Any, ...], new: Any) -> None:
    get(value, path[:-1])[path[-1]] = new


def change_digit(text: str, position: int) -> str:
    digit = "0123456789abcdef"[(int(text[position], 16) + 1) % 16]
    return text[:position] + digit + text[position + 1 :]


@pytest.fixture(scope="module")
def ballot(scenario: Scenario) -> dict[str, Any]:
    return sealed.encrypt_ballot(
        scenario.election, [1, 2, [0, 3], [2, 0, 4]], scenario.credentials[5]
    )


@SETTINGS
@given(data=st.data())
def test_any_changed_digit_of_a_ballot_fails(
    scenario: Scenario, ballot: dict[str, Any], data: st.DataObject
) -> None:
    paths = hex_paths(ballot)
    path = data.draw(st.sampled_from(paths))
    position = data.draw(st.integers(min_value=0, max_value=63))
    changed = copy.deepcopy(ballot)
    put(changed, path, change_digit(get(ballot, path), position))
    with pytest.raises(SealedError):
        sealed.check_ballot(scenario.election, changed)


BAD_VALUES = [None, 0, -1, True, "", "zz", [], {}, ["00" * 32], 1.5]


@SETTINGS
@given(data=st.data())
def test_malformed_ballots_fail_cleanly(
    scenario: Scenario, ballot: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(all_paths(ballot)))
    changed = copy.deepcopy(ballot)
    if data.draw(st.booleans()) and isinstance(get(changed, path[:-1]), dict):
        del get(changed, path[:-1])[path[-1]]
    else:
        put(changed, path, data.draw(st.sampled_from(BAD_VALUES)))
    with pytest.raises(SealedError):
        sealed.check_ballot(scenario.election, changed)


@SETTINGS
@given(data=st.data())
def test_any_changed_digit_of_a_decryption_share_fails(
    scenario: Scenario, data: st.DataObject
) -> None:
    e = scenario.parsed
    cts = _cts(e)
    share = _share(scenario, cts)
    path = data.draw(st.sampled_from(hex_paths(share)))
    changed = copy.deepcopy(share)
    put(
        changed,
        path,
        change_digit(get(share, path), data.draw(st.integers(min_value=0, max_value=63))),
    )
    with pytest.raises(SealedError):
        stally.check_decryption_share(e, changed, cts)


_CACHE: dict[str, Any] = {}


def _cts(e: sealed.Election) -> list[Any]:
    if "cts" not in _CACHE:
        _CACHE["cts"] = [encrypt(e.y, m, grp.random_scalar()) for m in (0, 1, 5)]
    return _CACHE["cts"]  # type: ignore[no-any-return]


def _share(scenario: Scenario, cts: list[Any]) -> dict[str, Any]:
    if "share" not in _CACHE:
        _CACHE["share"] = sealed.decryption_share(scenario.parsed, 2, scenario.share(2), cts)
    return _CACHE["share"]  # type: ignore[no-any-return]


@SETTINGS
@given(data=st.data())
def test_any_changed_digit_of_the_key_generation_fails(
    trustees: Trustees, data: st.DataObject
) -> None:
    transcript = trustees.transcript
    part = data.draw(st.sampled_from(["certificates", "polynomials", "verifications"]))
    paths = hex_paths(transcript[part])
    path = data.draw(st.sampled_from(paths))
    changed = copy.deepcopy(transcript)
    put(
        changed[part],
        path,
        change_digit(
            get(transcript[part], path), data.draw(st.integers(min_value=0, max_value=63))
        ),
    )
    with pytest.raises(SealedError):
        stp.check_setup(changed)
