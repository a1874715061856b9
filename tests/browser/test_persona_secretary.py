"""Issue 11's "done when", for the branch secretary: through the pages only, on a laptop and
on a phone, Sam (secretary of Riverside branch, in the demo) runs the branch's part of the
cycle — calls a meeting from the branch's page (refused on short notice, with the rule named),
puts the national motion circulated for discussion on its agenda with the branch's amendment,
ticks the members present and records an apology, opens it early with a reason, takes the
votes on the amendment and the motion, records the branch's position from them (the mandate
for its delegates), closes the meeting after its confirmation and writes the minutes. Every
step's message is checked, and every main page visited meets axe's rules (no serious or
critical violation).

The database is read to find what to assert, never written: everything is done by clicks and
typing, from the home page on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.meetings.models import Meeting
from iskra.motions.models import Amendment, Motion, Position
from iskra.organisation.models import Unit
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _local(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def _message(page: Any, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_branch_secretary_runs_the_branch_s_part_of_the_cycle(
    new_page: Any, viewport: str
) -> None:
    riverside = Unit.objects.get(name="Riverside Branch")
    motion = Motion.objects.get(title__startswith="Defend Riverside Library")
    amendment = Amendment.objects.get(motion=motion, proposing_unit=riverside)
    assert not Position.objects.filter(motion=motion, unit=riverside).exists()
    title = f"Special branch meeting ({viewport})"
    sam = new_page(VIEWPORTS[viewport])
    problems: list[str] = []

    # Home, then the branch's page, from the link on the home page.
    sign_in(sam, "secretary@example.org")
    expect(sam.get_by_role("heading", level=1)).to_be_visible()
    problems += violations(sam)
    menu = sam.get_by_role("navigation", name="Main")
    if viewport == "phone":  # the menu folds behind its button
        expect(menu.get_by_role("link", name="Meetings")).to_be_hidden()
        sam.locator(".menu-button").click()
    expect(menu.get_by_role("link", name="Meetings")).to_be_visible()
    sam.get_by_role("link", name="Riverside Branch", exact=True).first.click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("heading", level=1)).to_contain_text("Riverside Branch")
    problems += violations(sam)

    # 1. Call a meeting: too short a notice is refused with the rule named, what was typed kept.
    sam.get_by_role("link", name="Call a meeting of Riverside Branch Meeting").click()
    sam.wait_for_load_state()
    problems += violations(sam)
    sam.get_by_label("Title").fill(title)
    sam.get_by_label("Starts at").fill(_local(timedelta(days=2)))
    sam.get_by_label("Location").fill("Riverside Library, community room")
    sam.get_by_role("button", name="Call the meeting").click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("alert")).to_contain_text("require 7 days' notice")
    assert sam.get_by_label("Title").input_value() == title
    sam.get_by_label("Starts at").fill(_local(timedelta(days=8)))
    sam.get_by_role("button", name="Call the meeting").click()
    sam.wait_for_load_state()
    _message(sam, "Meeting called")
    meeting = Meeting.objects.get(title=title)
    problems += violations(sam)

    # 2. The national motion circulated to the branch goes on the agenda, with its amendments.
    sam.get_by_text("Put a motion circulated for discussion on the agenda").click()
    sam.get_by_label("Motion circulated for discussion").select_option(str(motion.pk))
    sam.get_by_role("button", name="Put on the agenda").click()
    sam.wait_for_load_state()
    _message(sam, "is on the agenda, with its amendments")

    # 3. Attendance: everyone shown ticked present but one, who sent apologies.
    sam.get_by_role("link", name="Tick attendance and apologies").click()
    sam.wait_for_load_state()
    problems += violations(sam)
    apologising = "Mo Member"
    sam.get_by_label("Tick everyone shown").check()
    sam.get_by_label(apologising).uncheck()
    sam.get_by_role("button", name="Mark the ticked present").click()
    sam.wait_for_load_state()
    _message(sam, "marked present")
    sam.get_by_label("Find a member").fill(apologising)
    sam.get_by_role("button", name="Find member").click()
    sam.wait_for_load_state()
    sam.get_by_label(apologising).check()
    sam.get_by_role("button", name="Record apologies for the ticked").click()
    sam.wait_for_load_state()
    _message(sam, "Apologies recorded for 1 member")
    present = meeting.attendance.count()
    assert present >= 3
    assert meeting.replies.filter(answer="apologies", user__full_name=apologising).exists()

    # 4. Open it before its time: only with a reason, which is recorded.
    sam.get_by_role("link", name="Back to the meeting").click()
    sam.wait_for_load_state()
    sam.get_by_role("button", name="Open the meeting early").click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("alert")).to_contain_text("only with a reason")
    sam.get_by_label("Reason for opening before its time").fill("The library is free tonight")
    sam.get_by_role("button", name="Open the meeting").click()
    sam.wait_for_load_state()
    _message(sam, "The meeting is open")
    problems += violations(sam)

    # Votes by show of hands: the amendment, then the motion as amended.
    sam.locator(f"#f-a{amendment.pk}").fill(str(present - 1))
    sam.locator(f"#g-a{amendment.pk}").fill("1")
    sam.locator("form", has=sam.locator(f"#f-a{amendment.pk}")).get_by_role(
        "button", name="Record show of hands"
    ).click()
    sam.wait_for_load_state()
    _message(sam, "Carried")
    sam.locator(f"#f-m{motion.pk}").fill(str(present - 2))
    sam.locator(f"#g-m{motion.pk}").fill("1")
    sam.locator(f"#b-m{motion.pk}").fill("1")
    sam.locator("form", has=sam.locator(f"#f-m{motion.pk}")).get_by_role(
        "button", name="Record show of hands"
    ).click()
    sam.wait_for_load_state()
    _message(sam, "Carried")

    # 5. The branch's position, from those votes, with the mandate for its delegates.
    section = sam.locator("section", has=sam.get_by_role("heading", name="Branch positions on"))
    expect(section).to_contain_text("The meeting voted for the motion")
    expect(section).to_contain_text("for amendment 1")
    section.get_by_role("link", name="Record the branch's position").click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("heading", level=1)).to_contain_text("Record Riverside Branch")
    problems += violations(sam)
    sam.get_by_label("Support", exact=True).check()
    sam.get_by_label("Delegates instructed").check()
    sam.get_by_label("Note on the mandate").fill("For amendment 1, then the motion.")
    sam.get_by_role("button", name="Record the position").click()
    sam.wait_for_load_state()
    _message(sam, "is recorded")
    position = Position.objects.get(motion=motion, unit=riverside, is_current=True)
    assert position.meeting_id == meeting.pk and position.mandate == "instructed"
    assert position.amendment_stances == [
        {"amendment": amendment.pk, "number": amendment.number, "stance": "support"}
    ]
    assert float(position.votes_for) == present - 2
    # The state of the discussion says which meeting decided.
    sam.locator("section", has=sam.get_by_role("heading", name="Branch positions on")).get_by_role(
        "link", name="State of the discussion"
    ).click()
    sam.wait_for_load_state()
    row = sam.locator("tr", has=sam.get_by_role("rowheader", name="Riverside Branch"))
    expect(row).to_contain_text("Support")
    expect(row.get_by_role("link", name=title)).to_be_visible()
    problems += violations(sam)

    # 6. Close the meeting after its confirmation, then write the minutes.
    row.get_by_role("link", name=title).click()
    sam.wait_for_load_state()
    sam.get_by_role("button", name="Close the meeting").click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("heading", level=1)).to_contain_text("Close the meeting")
    expect(sam.locator(".consequences")).to_contain_text(f"{present} present and 2 votes taken")
    problems += violations(sam)
    sam.get_by_role("button", name="Yes, close the meeting").click()
    sam.wait_for_load_state()
    _message(sam, "The meeting is closed; its draft minutes are ready.")
    minutes = sam.locator("section", has=sam.get_by_role("heading", name="Minutes (draft)"))
    expect(minutes).to_contain_text(apologising)
    sam.get_by_role("link", name="Edit the minutes").click()
    sam.wait_for_load_state()
    problems += violations(sam)
    box = sam.get_by_label("Minutes")
    box.fill(box.input_value() + "\n\nAction: leaflet the estate before the council's vote.")
    sam.get_by_role("button", name="Save minutes").click()
    sam.wait_for_load_state()
    _message(sam, "Minutes saved.")
    expect(sam.get_by_text("leaflet the estate before the council's vote")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED and "leaflet the estate" in meeting.minutes
    assert problems == [], "\n".join(problems)
    assert sam.errors == []
