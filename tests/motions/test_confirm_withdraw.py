"""Withdrawing a motion asks first and carries the reason typed on the motion's page; a post
lands on its own anchor (issue 11, points 5 and 7)."""

from __future__ import annotations

from django.test import Client

from iskra.motions.models import MotionStatus, Post
from tests.conftest import World, fresh
from tests.motions.helpers import motion_at


def test_withdrawing_asks_first_and_keeps_the_reason(client: Client, nc: World) -> None:
    motion = motion_at(nc, MotionStatus.SUBMITTED)
    mover = fresh(motion.created_by)
    client.force_login(mover)
    asked = client.post(f"/motions/{motion.pk}/withdraw/", {"reason": "Overtaken by events"})
    html = asked.content.decode()
    assert asked.status_code == 200 and "it will not be debated or voted on" in html
    assert 'name="reason" value="Overtaken by events"' in html
    motion.refresh_from_db()
    assert motion.status == MotionStatus.SUBMITTED
    done = client.post(
        f"/motions/{motion.pk}/withdraw/",
        {"reason": "Overtaken by events", "confirm": "yes"},
        follow=True,
    )
    assert "The motion is withdrawn." in done.content.decode()
    motion.refresh_from_db()
    assert motion.status == MotionStatus.WITHDRAWN
    assert motion.status_reason == "Overtaken by events"
    # Someone else is not asked: they may not withdraw it.
    client.force_login(fresh(nc.other_secretary))
    assert client.get(f"/motions/{motion.pk}/withdraw/").status_code in {403, 404}


def test_a_withdrawn_motion_is_not_offered_again(client: Client, nc: World) -> None:
    motion = motion_at(nc, MotionStatus.WITHDRAWN)
    client.force_login(fresh(motion.created_by))
    html = client.get(f"/motions/{motion.pk}/withdraw/").content.decode()
    assert "can no longer be withdrawn" in html and 'name="confirm"' not in html


def test_a_post_lands_on_its_anchor(client: Client, nc: World) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    client.force_login(fresh(nc.member))
    response = client.post(f"/motions/{motion.pk}/posts/", {"text": "Our branch agrees."})
    post = Post.objects.get(motion=motion)
    assert response.status_code == 302
    assert response["Location"] == f"/motions/{motion.pk}/#post-{post.pk}"
