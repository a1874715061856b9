"""The decisions app's answer to what happens below it (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from iskra.decisions.services import record_decision
from iskra.meetings.models import Vote
from iskra.motions.models import Motion


def record_carried_motion(
    sender: object, *, motion: Motion, actor: Any, vote: Vote | None, **kwargs: Any
) -> None:
    """A carried motion becomes a decision (``iskra.motions.signals.motion_carried``)."""
    record_decision(actor=actor, motion=motion, vote=vote)
