"""Iskra's counting engine: motions, ballot thresholds and elections.

Pure Python with no Django import, so that every app and the ``iskra count`` CLI can
use it. The main entry points:

* :func:`count_motion` with a :class:`MotionRule` for for/against/abstain votes, and
  :func:`aggregate_card_votes` for weighted (card) votes;
* :func:`evaluate_ballot` with a :class:`BallotRule` (e.g. from
  :func:`uk_industrial_action_rules`) for turnout and support thresholds;
* :func:`count` for candidate elections by any method in :data:`METHODS`.

The names above are loaded on first use (PEP 562), not when the package is imported:
``iskra count`` is timed as a whole process, start-up included, and a count needs only
its reader and its method, not every module of the engine.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from typing import Any

    from .ballots import Profile
    from .counting import METHODS, count
    from .errors import BallotFileError, CountError
    from .formats import read_profile, write_blt
    from .motions import (
        Base,
        MotionResult,
        MotionRule,
        aggregate_card_votes,
        count_motion,
    )
    from .results import CountResult, Stage
    from .thresholds import (
        BallotResult,
        BallotRule,
        RuleCheck,
        evaluate_ballot,
        uk_industrial_action_rules,
    )

# Each public name and the submodule that defines it.
_WHERE = {
    "METHODS": "counting",
    "BallotFileError": "errors",
    "BallotResult": "thresholds",
    "BallotRule": "thresholds",
    "Base": "motions",
    "CountError": "errors",
    "CountResult": "results",
    "MotionResult": "motions",
    "MotionRule": "motions",
    "Profile": "ballots",
    "RuleCheck": "thresholds",
    "Stage": "results",
    "aggregate_card_votes": "motions",
    "count": "counting",
    "count_motion": "motions",
    "evaluate_ballot": "thresholds",
    "read_profile": "formats",
    "uk_industrial_action_rules": "thresholds",
    "write_blt": "formats",
}

__all__ = [
    "METHODS",
    "BallotFileError",
    "BallotResult",
    "BallotRule",
    "Base",
    "CountError",
    "CountResult",
    "MotionResult",
    "MotionRule",
    "Profile",
    "RuleCheck",
    "Stage",
    "aggregate_card_votes",
    "count",
    "count_motion",
    "evaluate_ballot",
    "read_profile",
    "uk_industrial_action_rules",
    "write_blt",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
