"""What the representation app does when something below it happens."""

from __future__ import annotations

from typing import Any


def settle_recall_ballot(
    sender: Any, *, ballot: Any, result: dict[str, Any], **kwargs: Any
) -> None:
    """A counted ballot that a recall petition opened decides the holding (in the closing
    transaction)."""
    from iskra.representation.services import settle

    settle(ballot, result)


def settle_no_confidence(sender: Any, *, motion: Any, actor: Any, **kwargs: Any) -> None:
    """A carried motion of no confidence ends the terms it names (in the vote's transaction)."""
    from iskra.representation.no_confidence import settle

    settle(motion, actor)
