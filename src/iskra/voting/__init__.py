"""Iskra's counting engine: motions, ballot thresholds and elections.

Pure Python with no Django import, so that every app and the ``iskra count`` CLI can
use it. The main entry points:

* :func:`count_motion` with a :class:`MotionRule` for for/against/abstain votes, and
  :func:`aggregate_card_votes` for weighted (card) votes;
* :func:`evaluate_ballot` with a :class:`BallotRule` (e.g. from
  :func:`uk_industrial_action_rules`) for turnout and support thresholds;
* :func:`count` for candidate elections by any method in :data:`METHODS`.
"""

from __future__ import annotations

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
