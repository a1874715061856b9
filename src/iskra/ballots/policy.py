"""Which ballots are sealed when whoever defines them does not say (issue 10; docs/sealed.md).

A sealed ballot keeps its secret against whoever runs the server. That matters most where the
stakes and the electorate are largest: a ballot of the whole membership, an election to seats
and a recall. A secret vote of a body's members on a motion (``put_motion_to_ballot`` with
``of_body``) is plain unless asked: a small body's vote is quicker without trustees and a
credential authority, and it may still be sealed on request.

Roll-call, card and show-of-hands votes are not ballots at all: they are the meeting's votes
(``iskra.meetings``), public by nature, and nothing can seal them; a ``Ballot`` is always secret.

The rule is this table and the one function below; the "Define a ballot" form, the motion's
"Put to a secret ballot" form, ``create_ballot`` and the API's ``POST /ballots`` all ask it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from iskra.ballots.models import Preset


class BallotKind(StrEnum):
    """A ballot as the sealing policy sees it, from its preset and its constituency."""

    ELECTION = "election"  # elects people to seats (STV, ranked)
    RECALL = "recall"  # recalls a delegate or officer
    ALL_MEMBER = "all_member"  # every member in good standing of a unit (maybe narrowed by
    # workplace, employer or job): referendums, industrial action, motions put to the members
    BODY_VOTE = "body_vote"  # a secret vote of a body's own members


ELECTION_PRESETS = frozenset({Preset.STV_COMMITTEE})

SEALED_BY_DEFAULT: dict[BallotKind, bool] = {
    BallotKind.ELECTION: True,
    BallotKind.RECALL: True,
    BallotKind.ALL_MEMBER: True,
    BallotKind.BODY_VOTE: False,
}


def ballot_kind(*, preset: str, constituency_body: Any = None) -> BallotKind:
    """What kind of ballot this is: an election or a recall whoever votes in it, else a ballot
    of all the members or the vote of a body."""
    if preset in ELECTION_PRESETS:
        return BallotKind.ELECTION
    if preset == Preset.RECALL:
        return BallotKind.RECALL
    if constituency_body is None:
        return BallotKind.ALL_MEMBER
    return BallotKind.BODY_VOTE


def default_sealed(*, preset: str, constituency_body: Any = None) -> bool:
    """Whether a ballot of this preset and constituency is sealed when nobody says."""
    return SEALED_BY_DEFAULT[ballot_kind(preset=preset, constituency_body=constituency_body)]


def resolve_sealed(sealed: bool | None, *, preset: str, constituency_body: Any = None) -> bool:
    """``sealed`` as given, or the default for the kind of ballot when it is None."""
    if sealed is None:
        return default_sealed(preset=preset, constituency_body=constituency_body)
    return sealed
