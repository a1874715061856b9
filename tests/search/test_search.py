"""The search service: what each person finds, on either engine."""

from __future__ import annotations

import pytest

from iskra.search.models import Kind
from iskra.search.selectors import search
from tests.conftest import fresh
from tests.search.conftest import Library

pytestmark = pytest.mark.django_db


def _found(results: object) -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in results.hits}  # type: ignore[attr-defined]


def test_a_member_finds_motions_posts_meetings_and_decisions(library: Library) -> None:
    results = search(fresh(library.world.member), text="library")
    assert results.counts == {
        Kind.MOTION: 3,
        Kind.DECISION: 2,
        Kind.MEETING: 1,
        Kind.POST: 1,
    }
    assert (Kind.MOTION, library.motion.pk) in _found(results)
    assert (Kind.POST, library.post.pk) in _found(results)
    assert (Kind.MEETING, library.meeting_a.pk) in _found(results)
