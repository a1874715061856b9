"""Amendments: the four kinds, refusals, fate decided before the motion, versions kept."""

from __future__ import annotations

import pytest

from iskra.core.errors import DomainError, PermissionDenied
from iskra.meetings import services as meetings
from iskra.members.models import Status
from iskra.motions import services
from iskra.motions.models import Amendment, Motion, MotionStatus
from iskra.motions.text import AmendmentFalls, apply_amendment, diff_html
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import audit_actions, audit_mark, motion_at, sitting

TEXT = "Keep Riverside Library open every day of the week."


@pytest.mark.parametrize(
    ("kind", "passage", "new", "expected"),
    [
        ("delete", " of the week", "", "Keep Riverside Library open every day."),
        (
            "insert",
            "Library",
            " and its café",
            "Keep Riverside Library and its café open every day of the week.",
        ),
        (
            "replace",
            "every day",
            "seven days",
            "Keep Riverside Library open seven days of the week.",
        ),
        ("whole", "", "Close nothing.", "Close nothing."),
    ],
)
def test_apply_each_kind(kind: str, passage: str, new: str, expected: str) -> None:
    assert apply_amendment(TEXT, kind=kind, passage=passage, new_text=new) == expected


@pytest.mark.parametrize(
    ("kind", "passage", "new", "message"),
    [
        ("delete", "", "", "Quote the exact words"),
        ("replace", "every night", "x", "not in the motion"),
        ("replace", "e", "x", "appear .* times"),
        ("replace", "every day", "", "Give the words that replace"),
        ("insert", "every day", "", "Give the words to insert"),
        ("whole", "", "  ", "needs its text"),
        ("bogus", "every day", "x", "Unknown kind"),
    ],
)
def test_apply_refusals(kind: str, passage: str, new: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        apply_amendment(TEXT, kind=kind, passage=passage, new_text=new)


def test_missing_and_ambiguous_passages_are_amendment_falls() -> None:
    for passage in ("nowhere", "o"):
        with pytest.raises(AmendmentFalls):
            apply_amendment(TEXT, kind="delete", passage=passage, new_text="")


def test_diff_html_escapes_and_marks() -> None:
    html = diff_html("open <b>every</b> day", "open <b>seven</b> days")
    assert "<del>every</del>" in html and "<ins>seven</ins>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html


def _motion(world: World) -> Motion:
    return motion_at(world, MotionStatus.IN_DISCUSSION, text=TEXT)


def test_table_amendment_who_and_audit(nc: World) -> None:
    motion = _motion(nc)
    mark = audit_mark()
    a = services.table_amendment(
        actor=fresh(nc.member), motion=motion, kind="replace", passage="every day", new_text="daily"
    )
    assert (a.number, a.status, a.proposing_unit) == (1, "tabled", None)
    b = services.table_amendment(
        actor=fresh(nc.secretary),
        motion=motion,
        kind="delete",
        passage=" of the week",
        proposing_unit=nc.branch_a,
    )
    assert b.number == 2
    assert audit_actions(mark) == ["amendment.table", "amendment.table"]
    # Candidates discuss but do not amend; outsiders do nothing; a branch officer tables only
    # for their own branch.
    candidate = make_member("c@example.org", "Cand", nc.branch_a, Status.CANDIDATE)
    for actor in (candidate, nc.outsider):
        with pytest.raises(PermissionDenied):
            services.table_amendment(actor=fresh(actor), motion=motion, kind="whole", new_text="x")
    with pytest.raises(PermissionDenied):
        services.table_amendment(
            actor=fresh(nc.other_secretary),
            motion=motion,
            kind="whole",
            new_text="x",
            proposing_unit=nc.branch_a,
        )
    with pytest.raises(DomainError, match="Choose what"):
        services.table_amendment(actor=fresh(nc.member), motion=motion, kind="nope", new_text="x")
    with pytest.raises(AmendmentFalls):
        services.table_amendment(
            actor=fresh(nc.member), motion=motion, kind="delete", passage="absent words"
        )
    assert motion.amendments.count() == 2


def test_no_amendments_to_drafts_or_decided_motions(nc: World) -> None:
    for status in (MotionStatus.DRAFT, MotionStatus.CARRIED):
        motion = motion_at(nc, status, title=status)
        with pytest.raises(PermissionDenied):
            services.table_amendment(
                actor=fresh(nc.member), motion=motion, kind="whole", new_text="x"
            )


def test_withdraw_amendment(nc: World) -> None:
    motion = _motion(nc)
    a = services.table_amendment(actor=fresh(nc.member), motion=motion, kind="whole", new_text="x")
    with pytest.raises(PermissionDenied):
        services.withdraw_amendment(actor=fresh(nc.secretary), amendment=a)
    mark = audit_mark()
    services.withdraw_amendment(actor=fresh(nc.member), amendment=a)
    assert audit_actions(mark) == ["amendment.withdraw"]
    with pytest.raises(DomainError, match="already been dealt with"):
        services.withdraw_amendment(actor=fresh(nc.officer), amendment=a)


def test_carried_amendments_make_versions_lost_ones_do_not(nc: World) -> None:
    motion = _motion(nc)
    a1 = services.table_amendment(
        actor=fresh(nc.member), motion=motion, kind="replace", passage="every day", new_text="daily"
    )
    a2 = services.table_amendment(
        actor=fresh(nc.member),
        motion=motion,
        kind="insert",
        passage="Library",
        new_text=" and café",
    )
    a3 = services.table_amendment(
        actor=fresh(nc.member), motion=motion, kind="whole", new_text="Other"
    )
    s = sitting(nc, [motion])
    officer = fresh(nc.officer)
    with pytest.raises(DomainError, match="Amendments are decided before the motion"):
        meetings.take_show_of_hands(
            actor=officer, meeting=s.meeting, motion=motion, votes_for=3, votes_against=0
        )
    mark = audit_mark()
    meetings.take_show_of_hands(
        actor=officer, meeting=s.meeting, motion=motion, amendment=a1, votes_for=3, votes_against=1
    )
    assert audit_actions(mark) == ["amendment.settle", "vote.count"]
    meetings.take_show_of_hands(
        actor=officer, meeting=s.meeting, motion=motion, amendment=a3, votes_for=1, votes_against=3
    )
    meetings.take_show_of_hands(
        actor=officer, meeting=s.meeting, motion=motion, amendment=a2, votes_for=4, votes_against=0
    )
    motion.refresh_from_db()
    assert motion.text == "Keep Riverside Library and café open daily of the week."
    assert [(v.number, v.reason) for v in motion.versions.all()] == [
        (1, "As submitted"),
        (2, "Amendment 1 carried"),
        (3, "Amendment 2 carried"),
    ]
    assert motion.versions.first().text == TEXT  # type: ignore[union-attr]
    statuses = dict(motion.amendments.values_list("number", "status"))
    assert statuses == {1: "carried", 2: "carried", 3: "lost"}
    with pytest.raises(DomainError, match="not open to a vote"):
        meetings.take_show_of_hands(
            actor=officer,
            meeting=s.meeting,
            motion=motion,
            amendment=a1,
            votes_for=3,
            votes_against=0,
        )


def test_amendment_whose_passage_disappeared_falls(nc: World) -> None:
    """Two amendments to the same words: once the first carries, the second's passage is gone.
    It falls (recorded, with no new version), and voting on it is a clear domain error."""
    motion = _motion(nc)
    first = services.table_amendment(
        actor=fresh(nc.member), motion=motion, kind="replace", passage="every day", new_text="daily"
    )
    second = services.table_amendment(
        actor=fresh(nc.secretary),
        motion=motion,
        kind="replace",
        passage="every day of the week",
        new_text="at weekends",
    )
    s = sitting(nc, [motion])
    officer = fresh(nc.officer)
    mark = audit_mark()
    meetings.take_show_of_hands(
        actor=officer,
        meeting=s.meeting,
        motion=motion,
        amendment=first,
        votes_for=4,
        votes_against=0,
    )
    assert "amendment.fall" in audit_actions(mark)
    second.refresh_from_db()
    assert second.status == Amendment.Status.FALLEN
    with pytest.raises(DomainError, match="fallen"):
        meetings.take_show_of_hands(
            actor=officer,
            meeting=s.meeting,
            motion=motion,
            amendment=second,
            votes_for=4,
            votes_against=0,
        )
    # The fallen amendment no longer holds up the motion.
    vote = meetings.take_show_of_hands(
        actor=officer, meeting=s.meeting, motion=motion, votes_for=4, votes_against=1
    )
    assert vote.carried
    motion.refresh_from_db()
    assert motion.versions.count() == 2
    assert motion.decision.text == "Keep Riverside Library open daily of the week."
