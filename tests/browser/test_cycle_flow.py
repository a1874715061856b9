"""The whole democratic cycle in a real Chromium, as members click through it: a member proposes
a motion to the National Committee and gathers supporters; it is admitted and circulated; two
branches debate it, one tables an amendment and each records its position; the committee meets
with quorum and votes the amendment, then the motion, by roll call; the decision records a
dissent; an action is assigned to a district and passed down to a branch; a member commits and
reports back; the accountability dashboards show it at branch, district and national level."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.decisions.models import Action, Decision
from iskra.decisions.selectors import dashboard
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting, Vote
from iskra.members.models import Status
from iskra.motions.models import Motion
from iskra.organisation.models import Body, Seat, SeatHolding, Unit
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PHONE = {"width": 390, "height": 844}
TITLE = "Free school meals for every child"
TEXT = (
    "This organisation will campaign for free school meals for every child in every school.\n\n"
    "Every branch will collect signatures for the petition before the council's budget vote."
)
AMENDED = "every primary and secondary school"
ACTION = "Free school meals petition"


def fresh(user: User) -> User:
    """The same person with no cached rights, as on a new request."""
    return User.objects.get(pk=user.pk)


def messages(page: Any) -> Any:
    return page.locator(".messages")


def rollup_cells(page: Any, where: str) -> Any:
    """The figures of one row of the accountability table (the row headed ``where``)."""
    header = page.locator("th", has_text=re.compile(rf"^{re.escape(where)}$"))
    return page.locator(".rollup tr").filter(has=header).locator("td")


def figures(row: Any, *, asked: int, target: int, committed: int, reported: int) -> list[str]:
    """What a dashboard row should show: the seeded figures plus this test's (one commitment and
    one report, if anything was committed or reported)."""
    return [
        str(row.asked + asked),
        str(row.target + target),
        f"{row.committed + committed} ({row.commitments + (1 if committed else 0)})",
        f"{row.reported + reported} ({row.reports + (1 if reported else 0)})",
        str(row.overdue),
    ]


def test_motion_to_decision_to_action_and_back(new_page: Any) -> None:
    nc = Body.objects.get(name="National Committee")
    Body.objects.filter(pk=nc.pk).update(supporters_required=2)
    national = nc.unit
    north = Unit.objects.get(name="North District")
    riverside = Unit.objects.get(name="Riverside Branch")
    hillside_secretary = (
        SeatHolding.objects.current().get(seat__title="Hillside Branch Secretary").holder
    )
    officer = User.objects.get(email="officer@example.org")
    # The committee member who votes (and dissents) through the page: an active member; the
    # rest of the committee signs in and votes through the services.
    voter = (
        User.objects.filter(
            seat_holdings__in=SeatHolding.objects.current().filter(
                seat__body=nc, seat__role=Seat.Role.COMMITTEE_MEMBER
            ),
            membership__status=Status.MEMBER,
        )
        .order_by("full_name")
        .first()
    )
    assert voter is not None
    others = [fresh(u) for u in meetings.body_members(nc).exclude(pk__in=[officer.pk, voter.pk])]
    seats = len(others) + 2  # the officer, the member, and the rest
    # The dashboards before: the demo's own actions are counted there too.
    before = {
        unit.pk: (total, {r.unit.pk: r for r in rows if r.unit})
        for unit in (riverside, north, national)
        for total, rows in [dashboard(unit=unit)]
    }

    # 1. A member proposes the motion on their phone.
    mover = new_page(PHONE)
    sign_in(mover, "member@example.org")
    mover.goto("/motions/new/")
    expect(mover.get_by_role("heading", level=1)).to_have_text("Propose a motion")
    mover.get_by_label("To which body", exact=True).select_option(label="National Committee")
    mover.get_by_label("Title", exact=True).fill(TITLE)
    mover.get_by_label("Text", exact=True).fill(TEXT)
    mover.get_by_label("Supporting statement", exact=True).fill(
        "One hot meal a day changes a school year."
    )
    mover.get_by_role("button", name="Save draft").click()
    expect(messages(mover)).to_contain_text("Draft saved. Gather supporters")
    expect(mover.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(mover.get_by_role("heading", level=1)).to_contain_text("Draft (gathering support)")
    support = mover.get_by_role("region", name="Support", exact=True)
    expect(support).to_contain_text("0 supporters; 2 more needed before it can be submitted")
    motion = Motion.objects.get(title=TITLE)
    motion_url = f"/motions/{motion.pk}/"

    # 2. Two members sign in on their phones and support it.
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    hillside = new_page(PHONE)
    sign_in(hillside, hillside_secretary.email)
    for page, remaining in ((sam, "1 more needed"), (hillside, None)):
        page.goto(motion_url)
        page.get_by_role("button", name="Support this motion").click()
        expect(messages(page)).to_contain_text("You support this motion.")
        expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
        region = page.get_by_role("region", name="Support", exact=True)
        if remaining:
            expect(region).to_contain_text(remaining)
        else:
            expect(region).to_contain_text("2 supporters.")
            expect(region).not_to_contain_text("more needed")

    # 3. The mover submits it.
    mover.reload()
    expect(support).to_contain_text("2 supporters.")
    mover.get_by_role("button", name="Submit to National Committee").click()
    expect(messages(mover)).to_contain_text("Submitted.")
    expect(mover.get_by_role("heading", level=1)).to_contain_text("Submitted")

    # 4. The National Secretary admits it and opens the discussion.
    nat = new_page()
    sign_in(nat, "officer@example.org")
    nat.goto(motion_url)
    nat.get_by_role("button", name="Admit", exact=True).click()
    expect(nat.get_by_role("heading", level=1)).to_contain_text("Admitted")
    nat.get_by_role("link", name="Open the discussion").click()
    expect(nat.get_by_role("heading", level=1)).to_contain_text("Open the discussion of")
    deadline = timezone.localdate() + timedelta(days=21)
    nat.get_by_label("Deadline", exact=True).fill(deadline.isoformat())
    nat.get_by_role("button", name="Circulate to every branch").click()
    expect(messages(nat)).to_contain_text("Circulated for discussion")
    expect(nat.get_by_role("heading", level=1)).to_contain_text("In discussion")
    expect(nat.locator("main")).to_contain_text("discussion until")

    # 5. Riverside's secretary tables an amendment, posts, and records the branch's position.
    sam.goto(motion_url)
    sam.get_by_role("link", name="Table an amendment").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Table an amendment")
    sam.get_by_label("Replace a passage", exact=True).check()
    sam.get_by_label("Passage", exact=True).fill("every school")
    sam.get_by_label("New words", exact=True).fill(AMENDED)
    sam.get_by_label("Explanation", exact=True).fill("Nurseries are funded separately.")
    sam.get_by_label("Tabled by (optional)", exact=True).select_option(label="Riverside Branch")
    sam.get_by_role("button", name="Table the amendment").click()
    expect(messages(sam)).to_contain_text("Amendment tabled.")
    amendment_card = sam.locator("#amendment-" + str(motion.amendments.get().pk))
    expect(amendment_card).to_contain_text("Amendment 1: replace a passage")
    expect(amendment_card).to_contain_text("Tabled by Riverside Branch")

    discussion = sam.get_by_role("region", name="Discussion", exact=True)
    sam.get_by_label("Your contribution", exact=True).fill(
        "Riverside voted for this with our amendment: name the schools it covers."
    )
    sam.get_by_role("button", name="Post", exact=True).click()
    expect(discussion.get_by_role("article", name="Post by Sam Secretary")).to_contain_text(
        "name the schools it covers"
    )

    sam.get_by_role("link", name="Record your unit's position").click()
    sam.get_by_label("Unit", exact=True).select_option(label="Riverside Branch")
    sam.get_by_label("Support if amended", exact=True).check()
    sam.get_by_label("Votes for", exact=True).fill("9")
    sam.get_by_label("Votes against", exact=True).fill("2")
    sam.get_by_label("Abstentions", exact=True).fill("1")
    sam.get_by_label("Delegates instructed", exact=True).check()
    sam.get_by_label("Mandate note", exact=True).fill("For amendment 1, then the motion.")
    sam.get_by_role("button", name="Record position").click()
    expect(messages(sam)).to_contain_text("Position recorded.")
    positions = sam.get_by_role("region", name="Branch positions", exact=True)
    expect(positions).to_contain_text(
        "Riverside Branch: Support if amended (9\N{EN DASH}2, 1 abstaining); delegates instructed: "
        "For amendment 1, then the motion."
    )

    # 6. Hillside's secretary replies in the debate and records Hillside's position.
    hillside.goto(motion_url)
    post = hillside.get_by_role("article", name="Post by Sam Secretary")
    post.locator("summary", has_text="Reply").click()
    post.get_by_label("Your reply", exact=True).fill(
        "Hillside agrees; our school gates petition starts now."
    )
    post.get_by_role("button", name="Reply").click()
    expect(
        hillside.get_by_role("article", name=f"Post by {hillside_secretary.full_name}")
    ).to_contain_text("school gates petition")
    hillside.get_by_role("link", name="Record your unit's position").click()
    hillside.get_by_label("Unit", exact=True).select_option(label="Hillside Branch")
    hillside.get_by_label("Support", exact=True).check()
    hillside.get_by_label("Votes for", exact=True).fill("12")
    hillside.get_by_label("Votes against", exact=True).fill("1")
    hillside.get_by_label("Delegates free to decide", exact=True).check()
    hillside.get_by_role("button", name="Record position").click()
    expect(messages(hillside)).to_contain_text("Position recorded.")
    positions = hillside.get_by_role("region", name="Branch positions", exact=True)
    expect(positions).to_contain_text("Hillside Branch: Support (12\N{EN DASH}1, 0 abstaining)")
    # The state of the discussion: one branch for, one for if amended, two not yet.
    all_row = positions.get_by_role("row").filter(
        has=hillside.get_by_role("rowheader", name="All", exact=True)
    )
    expect(all_row.get_by_role("cell")).to_have_text(
        [
            re.compile(r"^1 \(\d+\)$"),
            re.compile(r"^1 \(\d+\)$"),
            "0 (0)",
            re.compile(r"^2 \(\d+\)$"),
        ]
    )

    # 7. The National Secretary calls a National Committee meeting with the motion and opens it.
    nat.goto(motion_url)
    nat.get_by_role("link", name="Call a meeting of National Committee").click()
    expect(nat.get_by_role("heading", level=1)).to_have_text("Call a meeting of National Committee")
    nat.get_by_label("Title", exact=True).fill("Special meeting: school meals")
    # The committee's standing orders ask a week's notice: it is called for next week, and
    # opened early (with the reason on the record) once it is quorate.
    starts = timezone.localtime() + timedelta(days=8)
    nat.get_by_label("Starts at", exact=True).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    nat.get_by_label("Location", exact=True).fill("Union hall, Riverside")
    nat.get_by_label(TITLE, exact=True).check()
    nat.get_by_role("button", name="Call the meeting").click()
    expect(messages(nat)).to_contain_text("Meeting called; notice sent.")
    expect(nat.get_by_role("heading", level=1)).to_contain_text("Special meeting: school meals")
    expect(nat.get_by_role("region", name="Agenda", exact=True)).to_contain_text(TITLE)
    meeting = Meeting.objects.get(title="Special meeting: school meals")
    meeting_url = f"/meetings/{meeting.pk}/"
    nat.get_by_label("Reason for opening before its time").fill(
        "The committee agreed to meet at once on the school meals motion."
    )
    nat.get_by_role("button", name="Open the meeting early").click()
    expect(nat.get_by_role("heading", level=1)).to_contain_text("In progress")
    need = meetings.quorum(meeting).required
    assert need == 2  # two signing in through the page make the meeting quorate
    quorum = nat.locator("#live p[role=status]")
    expect(quorum).to_contain_text(f"0 present of {seats}; 2 needed — not quorate")

    # 8. Two committee members sign in through the page (one on a phone); the others through
    # the service, to keep the test short.
    nat.get_by_role("button", name="I am here: sign in to the meeting").click()
    expect(messages(nat)).to_contain_text("You are signed in.")
    expect(quorum).to_contain_text(f"1 present of {seats}; 2 needed — not quorate")
    member = new_page(PHONE)
    sign_in(member, voter.email)
    member.goto(meeting_url)
    member.get_by_role("button", name="I am here: sign in to the meeting").click()
    expect(messages(member)).to_contain_text("You are signed in.")
    expect(member.locator("#live p[role=status]")).to_contain_text(
        f"2 present of {seats}; 2 needed — quorate"
    )
    for someone in others:
        meetings.sign_in(actor=someone, meeting=meeting)
    nat.reload()
    expect(quorum).to_contain_text(f"{seats} present of {seats}; 2 needed — quorate")
    expect(nat.get_by_role("region", name=re.compile("Attendance"))).to_contain_text(
        voter.full_name
    )

    def roll_call(
        subject: Any, voting_now: str, officer_choice: str, voter_choice: str, rest: list[str]
    ) -> None:
        """The chair opens a roll call on ``subject`` (an agenda card); the officer and the
        member vote on the page, the rest through the service; the chair closes it."""
        subject.get_by_label("Or vote by", exact=True).select_option(label="Roll call")
        subject.get_by_role("button", name="Open the vote").click()
        now = nat.get_by_role("region", name=re.compile(voting_now))
        expect(now).to_contain_text("0 votes cast so far.")
        now.get_by_label(officer_choice, exact=True).check()
        now.get_by_role("button", name="Cast my vote").click()
        expect(messages(nat)).to_contain_text("Your vote is recorded.")
        expect(now).to_contain_text("1 vote cast so far.")
        member.reload()
        mine = member.get_by_role("region", name=re.compile(voting_now))
        mine.get_by_label(voter_choice, exact=True).check()
        mine.get_by_role("button", name="Cast my vote").click()
        expect(messages(member)).to_contain_text("Your vote is recorded.")
        expect(mine).to_contain_text("Your vote is recorded.")
        vote = Vote.objects.get(meeting=meeting, state=Vote.State.OPEN)
        for someone, choice in zip(others, rest, strict=True):
            meetings.cast_named_vote(actor=someone, vote=vote, choice=choice)
        nat.reload()
        expect(now).to_contain_text(f"{seats} votes cast so far.")
        now.get_by_role("button", name="Close the vote and count").click()
        expect(messages(nat)).to_contain_text("Carried.")
        expect(now).to_have_count(0)

    # 9. The amendment first: carried, one against.
    agenda = nat.get_by_role("region", name="Agenda", exact=True)
    roll_call(
        agenda.locator(".card", has_text="Amendment 1 (replace a passage)"),
        "Voting now: amendment 1 to",
        "For",
        "For",
        ["for"] * (len(others) - 1) + ["against"],
    )
    votes = nat.get_by_role("region", name="Votes", exact=True)
    expect(votes).to_contain_text(
        f"Amendment 1 to {TITLE} — roll call: for {seats - 1}, against 1, abstentions 0 — carried"
    )

    # 10. Then the motion as amended: carried, one abstaining; the member votes against.
    roll_call(
        agenda.locator(".card", has=nat.get_by_text("The motion", exact=True)),
        f"Voting now: {TITLE}",
        "For",
        "Against",
        ["for"] * (len(others) - 1) + ["abstain"],
    )
    expect(votes).to_contain_text(
        f"{TITLE} — roll call: for {seats - 2}, against 1, abstentions 1 — carried"
    )
    votes.get_by_text("The count").last.click()
    expect(votes).to_contain_text(f"{voter.full_name}: Against")
    decision = Decision.objects.get(motion=motion)

    # 11. The motion page links to the decision, which the member opens on their phone.
    member.goto(motion_url)
    expect(member.get_by_role("heading", level=1)).to_contain_text("Carried")
    member.get_by_role("link", name=f"decision {decision.number}").click()
    expect(member.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(member.get_by_role("heading", level=1)).to_contain_text("In force")
    facts = member.locator("dl.facts")
    expect(facts).to_contain_text(f"Roll call: for {seats - 2}, against 1, abstentions 1")
    expect(facts).to_contain_text("Special meeting: school meals")
    expect(member.get_by_role("region", name="Text", exact=True)).to_contain_text(
        f"for every child in {AMENDED}."
    )
    trail = member.get_by_role("region", name="The trail", exact=True)
    expect(trail).to_contain_text("2 versions; amendments: 1 carried (Riverside Branch).")
    expect(trail).to_contain_text("Votes: amendment 1 carried; motion carried.")
    expect(trail).to_contain_text(
        "Discussion: 1 branch supported, 1 if amended, 0 opposed, 2 did not record a position."
    )

    # 12. Having voted against, they record their dissent.
    dissent = member.get_by_role("region", name="Dissent on the record", exact=True)
    expect(dissent).to_contain_text("None.")
    dissent.get_by_text("Record your dissent").click()
    dissent.get_by_label("Dissent statement", exact=True).fill(
        "A petition alone will not win this; we should have balloted the school kitchen staff."
    )
    dissent.get_by_role("button", name="Record dissent").click()
    expect(messages(member)).to_contain_text(
        "Your dissent is on the record. The decision still binds."
    )
    quote = member.get_by_role("region", name="Dissent on the record", exact=True).locator(
        "blockquote"
    )
    expect(quote).to_contain_text("balloted the school kitchen staff")
    expect(quote).to_contain_text(f"— {voter.full_name}")

    # 13. The National Secretary assigns an action to North District...
    due = timezone.localdate() + timedelta(days=30)
    nat.goto(f"/decisions/{decision.pk}/")
    nat.get_by_role("link", name="Assign an action").click()
    expect(nat.get_by_role("heading", level=1)).to_have_text(
        f"Assign an action for {decision.number}"
    )
    nat.get_by_label("Title", exact=True).fill(f"{ACTION}: North")
    nat.get_by_label("Due on", exact=True).fill(due.isoformat())
    nat.get_by_label("Target", exact=True).fill("100")
    nat.get_by_label("Measure", exact=True).fill("signatures")
    nat.get_by_label("Assign to a unit", exact=True).select_option(label="North District")
    nat.get_by_role("button", name="Assign", exact=True).click()
    expect(messages(nat)).to_contain_text("Action assigned.")
    actions = nat.get_by_role("region", name="Actions", exact=True)
    expect(actions).to_contain_text(f"{ACTION}: North — North District, by")
    expect(actions).to_contain_text("target 100 signatures")

    # ...and passes part of it down to Riverside.
    actions.get_by_role("link", name=f"{ACTION}: North").click()
    expect(nat.get_by_role("heading", level=1)).to_have_text(f"{ACTION}: North")
    nat.get_by_role("link", name="Pass part of this down").click()
    expect(nat.get_by_role("heading", level=1)).to_have_text(
        f"Assign an action under “{ACTION}: North”"
    )
    nat.get_by_label("Title", exact=True).fill(f"{ACTION}: Riverside")
    nat.get_by_label("Due on", exact=True).fill((due - timedelta(days=7)).isoformat())
    nat.get_by_label("Target", exact=True).fill("40")
    nat.get_by_label("Measure", exact=True).fill("signatures")
    nat.get_by_label("Assign to a unit", exact=True).select_option(label="Riverside Branch")
    nat.get_by_role("button", name="Assign", exact=True).click()
    expect(messages(nat)).to_contain_text("Action assigned.")
    # The decision page counts what was passed down; the action's own page lists it.
    expect(actions).to_contain_text("passed down to 1 unit or member")
    branch_action = Action.objects.get(title=f"{ACTION}: Riverside")
    assert branch_action.parent is not None and branch_action.parent.unit == north

    # 14. A Riverside member takes part of it on, on their phone, and reports back.
    mover.goto(f"/decisions/{decision.pk}/")
    mover.get_by_role("link", name=f"{ACTION}: North").click()
    mover.get_by_role("link", name=f"{ACTION}: Riverside").click()
    expect(mover.get_by_role("heading", level=1)).to_have_text(f"{ACTION}: Riverside")
    expect(mover.locator("dl.facts")).to_contain_text("Riverside Branch")
    mover.get_by_label("What you'll do", exact=True).fill(
        "Petition outside Riverside Primary, Friday"
    )
    mover.get_by_label("How many (of the target)", exact=True).fill("15")
    mover.get_by_role("button", name="Commit").click()
    expect(messages(mover)).to_contain_text("Thank you: your commitment is recorded.")
    commitments = mover.get_by_role("region", name="Commitments", exact=True)
    expect(commitments).to_contain_text(
        "Mo Member: Petition outside Riverside Primary, Friday (15)"
    )
    report = mover.locator("form", has_text="Report back on")
    report.get_by_label("How many", exact=True).fill("12")
    report.get_by_label("What happened", exact=True).fill(
        "12 signatures in the rain; parents keen."
    )
    report.get_by_role("button", name="Report").click()
    expect(messages(mover)).to_contain_text("Report recorded.")
    expect(mover.get_by_role("region", name="Reports", exact=True)).to_contain_text(
        "Mo Member: 12 signatures — 12 signatures in the rain; parents keen."
    )
    expect(commitments).to_contain_text("— reported")

    # 15. The figures, on the decision's own rollup and on the dashboards at every level. The
    # 40 passed down to Riverside is part of North's 100, not another target.
    nat.goto(f"/decisions/{decision.pk}/")
    expect(rollup_cells(nat, "North District")).to_have_text(["1", "100", "15 (1)", "12 (1)", "0"])
    expect(rollup_cells(nat, f"All of {national.name}")).to_have_text(
        ["1", "100", "15 (1)", "12 (1)", "0"]
    )
    expect(nat.get_by_role("region", name="The trail", exact=True)).to_contain_text(
        "1 action; 1 report."
    )

    nat.goto(f"/units/{national.pk}/accountability/")
    expect(nat.get_by_role("heading", level=1)).to_have_text(f"Accountability: {national.name}")
    total, rows = before[national.pk]
    expect(rollup_cells(nat, "North District")).to_have_text(
        figures(rows[north.pk], asked=1, target=100, committed=15, reported=12)
    )
    expect(rollup_cells(nat, f"All of {national.name}")).to_have_text(
        figures(total, asked=1, target=100, committed=15, reported=12)
    )

    nat.locator(".rollup").get_by_role("link", name="North District").click()
    expect(nat.get_by_role("heading", level=1)).to_have_text("Accountability: North District")
    total, rows = before[north.pk]
    expect(rollup_cells(nat, "Riverside Branch")).to_have_text(
        figures(rows[riverside.pk], asked=1, target=40, committed=15, reported=12)
    )
    expect(rollup_cells(nat, "All of North District")).to_have_text(
        figures(total, asked=1, target=100, committed=15, reported=12)
    )
    expect(nat.get_by_role("link", name=f"{ACTION}: North")).to_be_visible()

    nat.locator(".rollup").get_by_role("link", name="Riverside Branch").click()
    expect(nat.get_by_role("heading", level=1)).to_have_text("Accountability: Riverside Branch")
    total, _ = before[riverside.pk]
    expect(rollup_cells(nat, "All of Riverside Branch")).to_have_text(
        figures(total, asked=1, target=40, committed=15, reported=12)
    )
    expect(nat.get_by_role("link", name=f"{ACTION}: Riverside")).to_be_visible()

    for page in (mover, sam, hillside, nat, member):
        assert page.errors == [], page.errors
