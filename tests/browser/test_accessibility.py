"""Accessibility of the main pages of each persona, checked by axe-core in Chromium.

axe-core comes bundled with axe-playwright-python (nothing is downloaded). Every page is checked
on a phone; the main pages also on a desktop. A serious or critical violation of WCAG 2.1 A/AA
(or of axe's best practices) fails the test, with the rule, the page and the element named.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot
from iskra.decisions.models import Action, Decision
from iskra.meetings.models import Meeting
from iskra.members.models import Application, Membership
from iskra.motions.models import Bulletin, Motion, MotionStatus
from iskra.organisation.models import Body, Unit
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = Axe()
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
BLOCKING = {"serious", "critical"}


def violations(page: Any) -> list[str]:
    """The page's serious and critical violations, one line each."""
    found = AXE.run(page, options=OPTIONS).response["violations"]
    return [
        f"{page.url} [{page.viewport_size['width']}px] {v['id']} ({v['impact']}): "
        f"{v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def check(page: Any, paths: list[str], *, desktop: Collection[str] = ()) -> list[str]:
    """Visit each path (on the page's phone viewport, and on a desktop for those in
    ``desktop``) and collect the violations."""
    problems: list[str] = []
    for path in paths:
        for viewport in (PHONE, DESKTOP) if path in desktop else (PHONE,):
            page.set_viewport_size(viewport)
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response)
            page.wait_for_load_state("networkidle")  # htmx fragments loaded
            problems += violations(page)
    return problems


def _voting_link(ballot: Ballot) -> str | None:
    for message in mail.outbox:
        for line in message.body.splitlines():
            match = re.search(rf"(/ballots/{ballot.pk}/v/[^/\s]+/)", line)
            if match:
                return match.group(1)
    return None


def test_a_visitor_and_a_member_meet_no_serious_violation(new_page: Any) -> None:
    riverside = Unit.objects.get(name="Riverside Branch")
    motion = Motion.objects.filter(status=MotionStatus.IN_DISCUSSION).first()
    assert motion is not None
    meeting = Meeting.objects.order_by("pk").first()
    decision = Decision.objects.order_by("pk").first()
    open_ballot = Ballot.objects.get(state=Ballot.State.OPEN, sealed=False)
    sealed_ballot = Ballot.objects.get(state=Ballot.State.OPEN, sealed=True)
    closed_ballot = Ballot.objects.get(state=Ballot.State.CLOSED)
    bulletin = Bulletin.objects.order_by("pk").first()
    assert meeting and decision and bulletin

    visitor = new_page(PHONE)
    problems = check(
        visitor,
        ["/accounts/login/", "/join/", "/accounts/password-reset/", "/glossary/"],
        desktop={"/accounts/login/", "/join/", "/glossary/"},
    )
    # Forms showing their errors.
    visitor.goto("/accounts/login/")
    visitor.get_by_label("Email").fill("member@example.org")
    visitor.get_by_label("Password").fill("wrong")
    visitor.get_by_role("button", name="Sign in").click()
    visitor.wait_for_load_state()
    problems += violations(visitor)
    visitor.goto("/join/")
    visitor.get_by_role("button", name="Apply to join").click()
    visitor.wait_for_load_state()
    problems += violations(visitor)

    link = _voting_link(open_ballot)  # the page a voter reaches from the email
    assert link is not None
    problems += check(visitor, [link])

    member = new_page(PHONE)
    sign_in(member, "member@example.org")
    main = [
        "/",
        f"/units/{riverside.pk}/",
        f"/motions/{motion.pk}/",
        f"/meetings/{meeting.pk}/",
        f"/decisions/{decision.pk}/",
        f"/ballots/{open_ballot.pk}/",
        f"/ballots/{open_ballot.pk}/vote/",
        f"/ballots/{sealed_ballot.pk}/vote/",
        f"/ballots/{closed_ballot.pk}/result/",
        "/accounts/profile/",
        "/my-data/",
    ]
    problems += check(
        member,
        [
            *main,
            f"/ballots/{closed_ballot.pk}/board/",
            f"/ballots/{sealed_ballot.pk}/board/",
            f"/ballots/{sealed_ballot.pk}/",
            f"/bulletins/{bulletin.pk}/",
            "/membership/",
            "/motions/",
            "/meetings/",
            "/decisions/",
            "/ballots/",
            "/units/",
            "/notifications/",
            "/accounts/password/",
            "/accounts/email/",
        ],
        desktop=set(main),
    )
    assert problems == []


def test_officers_and_the_scrutineer_meet_no_serious_violation(new_page: Any) -> None:
    riverside = Unit.objects.get(name="Riverside Branch")
    national = Unit.objects.get(parent__isnull=True)
    application = Application.objects.order_by("pk").first()
    record = Membership.objects.get(user__email="member@example.org")
    body = Body.objects.filter(unit=riverside).first()
    action = Action.objects.order_by("pk").first()
    motion = Motion.objects.filter(status=MotionStatus.IN_DISCUSSION).first()
    closed_ballot = Ballot.objects.get(state=Ballot.State.CLOSED)
    sealed_ballot = Ballot.objects.get(state=Ballot.State.OPEN, sealed=True)
    assert application and body and action and motion
    december = Meeting.objects.get(
        body__name="Riverside Branch Meeting", status=Meeting.Status.SCHEDULED
    )
    live = Motion.objects.get(title="Defend Riverside Library")

    secretary = new_page(PHONE)
    sign_in(secretary, "secretary@example.org")
    problems = check(
        secretary,
        [
            "/",
            "/members/",
            f"/units/{riverside.pk}/members/",
            "/applications/",
            f"/applications/{application.pk}/",
            f"/members/{record.pk}/",
            f"/bodies/{body.pk}/",
            f"/actions/{action.pk}/",
            f"/motions/{motion.pk}/position/",
            # The branch meeting that will decide Riverside's position on the library motion.
            f"/meetings/{december.pk}/",
            f"/meetings/{december.pk}/position/{live.pk}/",
            "/motions/new/",
            f"/units/{riverside.pk}/ballots/new/",
            # Issue 11 (meetings): calling, recording and the register.
            f"/bodies/{body.pk}/meetings/new/",
            f"/bodies/{body.pk}/meetings/record/",
            *(
                f"/meetings/{m.pk}/register/"
                for m in Meeting.objects.filter(body__unit=riverside)[:1]
            ),
        ],
        desktop={"/members/"},
    )
    officer = new_page(PHONE)
    sign_in(officer, "officer@example.org")
    decision = Decision.objects.order_by("pk").first()
    assert decision is not None
    problems += check(
        officer,
        [
            "/",
            "/audit/",
            f"/units/{national.pk}/accountability/",
            "/accounts/two-factor/",
            f"/motions/{live.pk}/state/",
            # A confirmation page (issue 11): what marking the decision completed will do.
            f"/decisions/{decision.pk}/complete/",
        ],
    )
    scrutineer = new_page(PHONE)
    sign_in(scrutineer, "scrutineer@example.org")
    problems += check(
        scrutineer,
        [
            f"/ballots/{closed_ballot.pk}/report/",
            f"/ballots/{closed_ballot.pk}/sign/",  # the attestation, before signing
            f"/ballots/{closed_ballot.pk}/roll/",
            f"/ballots/{sealed_ballot.pk}/trustee/",
            f"/ballots/{sealed_ballot.pk}/credentials/",
        ],
    )
    admin = new_page(PHONE)
    sign_in(admin, "admin@example.org")
    problems += check(admin, ["/settings/"], desktop={"/settings/"})
    assert problems == []


def test_an_election_result_with_its_count_sheet(new_page: Any) -> None:
    """The open STV election, closed and counted: the count sheet is wide on a phone."""
    election = Ballot.objects.get(state=Ballot.State.OPEN, sealed=False)
    # The demo's election has fewer ballots than the default publication minimum, below which
    # the count sheet is withheld; this test is about the sheet's layout, so it publishes all.
    cast = election.cast_ballots.count()
    Ballot.objects.filter(pk=election.pk).update(min_published_ballots=max(cast, 1))
    assert ballots.close_ballot(
        ballot_id=election.pk, now=election.closes_at + timedelta(seconds=1)
    )
    member = new_page(PHONE)
    sign_in(member, "member@example.org")
    member.goto(f"/ballots/{election.pk}/result/")
    assert member.locator(".count-sheet").count() >= 1
    problems = check(
        member,
        [f"/ballots/{election.pk}/result/", f"/ballots/{election.pk}/board/"],
        desktop={f"/ballots/{election.pk}/result/"},
    )
    assert problems == []
