"""Each app's ``visible_*_q`` filter keeps exactly what its ``can_view_*`` predicate lets a
person open, for every person of the demo organisation and a visitor."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from iskra.accounts.models import User
from iskra.decisions.models import Decision
from iskra.decisions.permissions import can_view_decision, visible_decisions_q
from iskra.meetings.models import Meeting
from iskra.meetings.permissions import can_view_meeting, visible_meetings_q
from iskra.members.models import Membership
from iskra.members.permissions import can_view_directory, visible_directory_q
from iskra.motions.models import Motion, Post
from iskra.motions.permissions import can_view_motion, visible_motions_q, visible_posts_q
from iskra.organisation.permissions import forget_rights, is_officer_of

pytestmark = pytest.mark.django_db


def _people() -> list[Any]:
    return [AnonymousUser(), *User.objects.order_by("pk")]


def _agree(model: Any, q: Any, predicate: Any, person: Any, related: tuple[str, ...]) -> None:
    rows = list(model.objects.select_related(*related))
    filtered = set(model.objects.filter(q(person)).values_list("pk", flat=True))
    allowed = {row.pk for row in rows if predicate(person, row)}
    assert filtered == allowed, (model.__name__, person)


def _post_visible(person: Any, post: Post) -> bool:
    return post.hidden_at is None and can_view_motion(person, post.motion)


def _listed_in_directory(person: Any, membership: Membership) -> bool:
    return can_view_directory(person) and is_officer_of(person, membership.unit)


CASES = [
    (Motion, visible_motions_q, can_view_motion, ("body__unit",)),
    (Post, visible_posts_q, _post_visible, ("motion__body__unit",)),
    (Meeting, visible_meetings_q, can_view_meeting, ("body__unit",)),
    (Decision, visible_decisions_q, can_view_decision, ("scope",)),
    (Membership, visible_directory_q, _listed_in_directory, ("unit",)),
]


def test_filters_agree_with_predicates_on_the_demo() -> None:
    from iskra.demo.seed import seed_demo

    seed_demo()
    # A hidden post, so the posts' filter has something to leave out.
    post = Post.objects.order_by("pk").first()
    assert post is not None
    Post.objects.filter(pk=post.pk).update(hidden_at=post.created_at)
    people = _people()
    assert len(people) > 10
    for person in people:
        for model, q, predicate, related in CASES:
            _agree(model, q, predicate, person, related)
            forget_rights(person)


def test_filters_agree_with_predicates_in_the_test_world(world: Any) -> None:
    from tests.search.conftest import library

    library.__wrapped__(world)  # type: ignore[attr-defined]
    for person in _people():
        for model, q, predicate, related in CASES:
            _agree(model, q, predicate, person, related)
