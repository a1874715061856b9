"""The state of discussion's branches not yet discussed, and reminding them (issue 11,
point 12): officers of the circulating body only, once a day per branch, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.motions import selectors, services
from iskra.motions.models import Circulation, MotionStatus
from tests.api.test_api import Api, is_error
from tests.conftest import World, fresh
from tests.motions.helpers import audit_actions, audit_mark, motion_at


def test_remind_the_branches_not_yet_discussed_once_a_day(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    services.record_position(
        actor=fresh(world.secretary), motion=motion, unit=world.branch_a, stance="support"
    )
    assert [c.unit for c in selectors.not_yet_discussed(motion)] == [world.branch_b]
    for who in (world.secretary, world.member, world.committee_member):
        with pytest.raises(PermissionDenied):
            services.remind_branches(actor=fresh(who), motion=motion)
    Notification.objects.all().delete()
    mark = audit_mark()
    assert services.remind_branches(actor=fresh(world.officer), motion=motion) == 1
    # Branch B's secretary is told; Branch A (which has discussed) is not.
    reminded = set(
        Notification.objects.filter(kind="motion.reminder").values_list("user__email", flat=True)
    )
    assert reminded == {"other@example.org"}
    assert Circulation.objects.get(motion=motion, unit=world.branch_b).reminded_at is not None
    assert audit_actions(mark) == ["motion.remind"]
    with pytest.raises(DomainError, match="less than a day ago"):
        services.remind_branches(actor=fresh(world.officer), motion=motion)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert services.remind_branches(actor=fresh(world.officer), motion=motion) == 1
    services.record_position(
        actor=fresh(world.other_secretary), motion=motion, unit=world.branch_b, stance="oppose"
    )
    with pytest.raises(DomainError, match="Every branch has recorded"):
        services.remind_branches(actor=fresh(world.officer), motion=motion)


def test_state_page_lists_branches_not_yet_discussed_and_reminds(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    officer = Client()
    officer.force_login(world.officer)
    page = officer.get(f"/motions/{motion.pk}/state/").content.decode()
    assert "Not yet discussed (2)" in page and "Branch B" in page and "Remind them" in page
    member = Client()
    member.force_login(world.member)
    page = member.get(f"/motions/{motion.pk}/state/").content.decode()
    assert "Not yet discussed (2)" in page and "Remind them" not in page
    # A member who posts anyway is refused with a message, nothing sent.
    response = member.post(f"/motions/{motion.pk}/remind/", follow=True)
    assert "circulating body" in response.content.decode()
    assert not Notification.objects.filter(kind="motion.reminder").exists()
    response = officer.post(f"/motions/{motion.pk}/remind/", follow=True)
    assert "2 branches reminded" in response.content.decode()
    assert "reminded " in response.content.decode()


def test_api_lists_and_reminds(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    rows = Api(world.member).get(f"/motions/{motion.pk}/not-discussed").json()
    assert {r["unit_name"] for r in rows} == {"Branch A", "Branch B"}
    is_error(Api(world.member).post(f"/motions/{motion.pk}/remind", {}), 403)
    response = Api(world.officer).post(f"/motions/{motion.pk}/remind", {})
    assert response.status_code == 200 and response.json() == {"reminded": 2}
    is_error(Api(world.officer).post(f"/motions/{motion.pk}/remind", {}), 400)
