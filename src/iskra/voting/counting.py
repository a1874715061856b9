"""The :func:`count` dispatcher over all election methods.

Each method's module is imported when a count by that method starts, so that a
one-method count (``iskra count``) loads only what it runs.
"""

from __future__ import annotations

from .ballots import gc_paused
from .errors import CountError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from .ballots import Profile
    from .results import CountResult
    from .stv.common import Progress

METHODS: tuple[str, ...] = (
    "plurality",
    "block",
    "approval",
    "irv",
    "stv-scottish",
    "stv-ers97",
    "stv-meek",
    "schulze",
    "ranked-pairs",
)

# Methods whose rules say what a ballot naming a candidate twice means: the STV rules
# read a paper up to a preference that cannot be recognised (NZ Schedule 1A cl. 37;
# the Scottish and ERS rules' non-transferable papers), and the engine ends the paper at
# the repeat. The other methods have no such rule, so ``iskra count`` refuses the file.
REPEATS_BY_RULE = frozenset({"stv-scottish", "stv-ers97", "stv-meek"})


def count(
    profile: Profile,
    *,
    method: str,
    seats: int = 1,
    seed: int | None = None,
    progress: Progress | None = None,
) -> CountResult:
    """Count ``profile`` by ``method`` for ``seats`` winners.

    ``seed`` makes any drawing of lots reproducible (see :mod:`iskra.voting.ties`);
    ``progress`` is called with each stage number as a long count advances.
    Raises :class:`CountError` for an unknown method or impossible number of seats.
    """
    if method not in METHODS:
        raise CountError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    if seats < 1:
        raise CountError("seats must be at least 1")
    standing = len(profile.candidates) - len(profile.withdrawn)
    if seats > standing:
        raise CountError(f"{seats} seats but only {standing} candidates standing")
    if method == "irv" and seats != 1:
        raise CountError("irv elects one candidate; use an stv method for several seats")
    with gc_paused():
        return _dispatch(profile, method, seats, seed, progress)


def _dispatch(
    profile: Profile, method: str, seats: int, seed: int | None, progress: Progress | None
) -> CountResult:
    # Imports here, not at the top: only the chosen method's module is loaded.
    if method in ("plurality", "block", "approval"):
        from .plurality import count_approval, count_block, count_plurality

        if method == "plurality":
            return count_plurality(profile, seats, seed)
        if method == "block":
            return count_block(profile, seats, seed)
        return count_approval(profile, seats, seed)
    if method == "irv":
        from .irv import count_irv

        return count_irv(profile, seed, progress)
    if method == "stv-scottish":
        from .stv.scottish import count_scottish

        return count_scottish(profile, seats, seed, progress)
    if method == "stv-ers97":
        from .stv.ers97 import count_ers97

        return count_ers97(profile, seats, seed, progress)
    if method == "stv-meek":
        from .stv.meek import count_meek

        return count_meek(profile, seats, seed, progress)
    from .condorcet import count_ranked_pairs, count_schulze

    if method == "schulze":
        return count_schulze(profile, seats, seed)
    return count_ranked_pairs(profile, seats, seed)
