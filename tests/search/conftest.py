"""A little to search for in the test world: motions, posts, meetings, decisions, members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.decisions.models import Decision
from iskra.meetings.models import Meeting
from iskra.motions.models import Motion, Post
from iskra.organisation.models import Body
from tests.conftest import World


@dataclass
class Library:
    """What the world holds about the library campaign.

    - ``motion``: before the national committee (every member reads it).
    - ``post`` on it, and ``hidden_post`` (hidden by a moderator: its words are not found).
    - ``meeting_a`` of Branch A's committee, ``meeting_b`` of Branch B's (Branch A's member
      and secretary never see it).
    - ``decision`` (members only) and ``public_decision`` (anybody, signed in or not).
    """

    world: World
    motion: Motion
    post: Post
    hidden_post: Post
    meeting_a: Meeting
    meeting_b: Meeting
    decision: Decision
    public_decision: Decision


def _motion(body: Body, world: World, title: str, text: str) -> Motion:
    return Motion.objects.create(
        body=body, title=title, text=text, created_by=world.member, created_at=timezone.now()
    )


def _meeting(body: Body, world: World, title: str, notice: str) -> Meeting:
    return Meeting.objects.create(
        body=body,
        title=title,
        notice=notice,
        starts_at=timezone.now() + timedelta(days=3),
        created_by=world.admin,
    )


def _decision(motion: Motion, world: World, number: str, *, is_public: bool) -> Decision:
    return Decision.objects.create(
        number=number,
        motion=motion,
        body=motion.body,
        title=motion.title,
        text=motion.text,
        scope=world.national,
        scope_path=world.national.path,
        effective_on=timezone.localdate(),
        dissent_until=timezone.localdate() + timedelta(days=14),
        is_public=is_public,
        created_at=timezone.now(),
    )


@pytest.fixture
def library(world: World) -> Library:
    nc = world.national_committee
    motion = _motion(nc, world, "Defend Riverside Library", "Keep the library open every day.")
    now = timezone.now()
    post = Post.objects.create(
        motion=motion,
        author=world.member,
        text="The library's opening hours matter.",
        created_at=now,
    )
    hidden_post = Post.objects.create(
        motion=motion,
        author=world.member,
        text="Insulting words about the librarian zebra.",
        created_at=now,
        hidden_at=now,
        hidden_by=world.officer,
        hidden_reason="Personal attack.",
    )
    carried = _motion(nc, world, "Library rota agreed", "A rota staffs the library stall.")
    public = _motion(nc, world, "Open letter on the library", "A public statement on libraries.")
    return Library(
        world=world,
        motion=motion,
        post=post,
        hidden_post=hidden_post,
        meeting_a=_meeting(
            world.branch_committee, world, "Branch A library meeting", "Plan the library picket."
        ),
        meeting_b=_meeting(
            Body.objects.get(name="Branch B Committee"),
            world,
            "Branch B library meeting",
            "Secret plans for the library.",
        ),
        decision=_decision(carried, world, "NC-2026-1", is_public=False),
        public_decision=_decision(public, world, "NC-2026-2", is_public=True),
    )
