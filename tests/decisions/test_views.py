"""Decision pages: register, detail, dissent, actions and the accountability dashboard;
allowed and forbidden, bad input never a 500, constant query counts; what needs me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iskra.decisions import services
from iskra.decisions.models import Action, Commitment, Decision, Dissent, Report
from iskra.home.selectors import what_needs_me
from iskra.meetings import services as meetings
from iskra.motions.models import MotionStatus
from iskra.organisation import services as org
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import decided, motion_at, sitting

PERSONAS = [
    "member",
    "secretary",
    "other_secretary",
    "officer",
    "committee_member",
    "outsider",
    "admin",
]
MEMBERS = set(PERSONAS) - {"outsider"}


@pytest.fixture
def setup(nc: World) -> tuple[World, Decision, Action]:
    decision = decided(nc)
    action = services.create_action(
        actor=fresh(nc.officer),
        decision=decision,
        title="Leaflet Riverside",
        due_on=timezone.localdate() + timedelta(days=7),
        target=100,
        unit=nc.branch_a,
    )
    return nc, decision, action


@pytest.mark.parametrize(
    ("template", "allowed", "forbidden"),
    [
        ("/decisions/", set(PERSONAS), 0),
        ("/decisions/{d}/", MEMBERS, 404),
        ("/decisions/{d}/actions/new/", {"officer", "admin"}, 403),
        ("/actions/{a}/", MEMBERS, 404),
        ("/units/{u}/accountability/", MEMBERS, 404),
        ("/decisions/{d}/accountability/", MEMBERS, 404),
    ],
)
def test_permission_matrix(
    client: Client,
    setup: tuple[World, Decision, Action],
    template: str,
    allowed: set[str],
    forbidden: int,
) -> None:
    w, decision, action = setup
    url = template.format(d=decision.pk, a=action.pk, u=w.national.pk)
    got = {}
    for who in PERSONAS:
        client.force_login(getattr(w, who))
        got[who] = client.get(url).status_code
    expected = {who: 200 if who in allowed else forbidden for who in PERSONAS}
    if "{d}" in template:
        expected["outsider"] = 404
    assert got == expected


def test_public_decisions_for_everyone_the_rest_for_members(
    client: Client, setup: tuple[World, Decision, Action]
) -> None:
    w, decision, _ = setup
    anonymous = Client()
    assert decision.number not in anonymous.get("/decisions/").content.decode()
    assert anonymous.get(f"/decisions/{decision.pk}/").status_code == 404
    Decision.objects.filter(pk=decision.pk).update(is_public=True)
    assert decision.number in anonymous.get("/decisions/").content.decode()
    page = anonymous.get(f"/decisions/{decision.pk}/")
    assert page.status_code == 200
    client.force_login(w.member)
    assert decision.number in client.get("/decisions/").content.decode()


def test_register_filter_binding_on_a_unit(
    client: Client, setup: tuple[World, Decision, Action]
) -> None:
    w, decision, _ = setup
    client.force_login(w.member)
    assert decision.number in client.get(f"/decisions/?unit={w.branch_a.pk}").content.decode()
    html = client.get("/decisions/?unit=abc&body=999999&status=nope&page=zz").content.decode()
    assert "<html" in html.lower() or "<!doctype" in html.lower()


def test_decision_accountability_loaded_into_the_decision_page(
    client: Client, setup: tuple[World, Decision, Action]
) -> None:
    """The decision page asks for its accountability table separately (htmx, or a link
    without JavaScript); the table itself is a page and an htmx fragment."""
    w, decision, action = setup
    commitment = services.commit_to_action(
        actor=fresh(w.member), action=action, description="Saturday", amount=40
    )
    services.report_back(actor=fresh(w.member), action=action, figure=25, commitment=commitment)
    client.force_login(w.member)
    url = f"/decisions/{decision.pk}/accountability/"
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page
    assert "1 action; 1 report." in page
    full = client.get(url)
    assert "HX-Request" in full["Vary"]
    html = full.content.decode()
    assert "<h1>Accountability: " in html and f"All of {decision.scope.name}" in html
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in fragment and fragment.startswith('<div id="decision-rollup">')
    row = fragment.split(f">{w.district.name}</a>", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("<", 1)[0] for cell in row.split("<td>")[1:]] == [
        "1",
        "100",
        "40 (1)",
        "25 (1)",
        "0",
    ]


def test_decision_accountability_before_any_action(client: Client, nc: World) -> None:
    decision = decided(nc)
    client.force_login(nc.member)
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "/accountability/" not in page
    html = client.get(f"/decisions/{decision.pk}/accountability/").content.decode()
    assert "No actions assigned under this decision yet." in html


def test_dissent_page(client: Client, setup: tuple[World, Decision, Action]) -> None:
    w, decision, _ = setup
    client.force_login(w.member)  # not present at the vote
    client.post(f"/decisions/{decision.pk}/dissent/", {"text": "I disagree"})
    assert not Dissent.objects.exists()
    client.force_login(w.committee_member)  # present at the show of hands
    response = client.post(f"/decisions/{decision.pk}/dissent/", {"text": "I disagree"})
    assert response.status_code == 302
    assert Dissent.objects.get().user == w.committee_member
    assert "I disagree" in client.get(f"/decisions/{decision.pk}/").content.decode()


def test_action_pages_commit_and_report(
    client: Client, setup: tuple[World, Decision, Action]
) -> None:
    w, decision, action = setup
    url = f"/actions/{action.pk}/"
    client.force_login(w.other_secretary)  # Branch B: cannot commit to a Branch A action
    client.post(url, {"description": "Help", "amount": 5})
    assert not Commitment.objects.exists()
    client.force_login(w.member)
    client.post(url, {"description": "Saturday", "amount": 40})
    commitment = Commitment.objects.get()
    client.post(url, {"figure": 10, "text": ""})  # not an officer, no commitment given
    assert not Report.objects.exists()
    client.post(url, {"figure": 35, "text": "Done", "commitment": commitment.pk})
    assert Report.objects.get().figure == 35
    client.force_login(w.officer)
    response = client.post(
        f"/decisions/{decision.pk}/actions/new/",
        {
            "title": "Stall",
            "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "unit": w.branch_b.pk,
        },
    )
    assert response.status_code == 302
    client.force_login(w.secretary)
    response = client.post(
        f"/decisions/{decision.pk}/actions/new/",
        {"title": "Sneaky", "due_on": "2030-01-01", "unit": w.branch_a.pk},
    )
    assert response.status_code == 403
    assert not Action.objects.filter(title="Sneaky").exists()


HUGE = "99999999999999999999999"


def test_bad_input_never_500(setup: tuple[World, Decision, Action]) -> None:
    w, decision, action = setup
    client = Client(raise_request_exception=False)
    client.force_login(w.officer)
    gets = [
        "/decisions/999999/",
        f"/decisions/{HUGE}/",
        f"/actions/{HUGE}/",
        f"/units/{HUGE}/accountability/",
        f"/decisions/?unit={HUGE}&body={HUGE}",
        f"/decisions/{decision.pk}/actions/new/?parent={HUGE}",
        f"/decisions/{decision.pk}/actions/new/?parent=abc",
    ]
    for url in gets:
        assert client.get(url).status_code in {200, 404}, url
    new = f"/decisions/{decision.pk}/actions/new/"
    posts = [
        (new, {}),
        (new, {"title": "T", "due_on": "2020-02-30"}),
        (new, {"title": "T", "due_on": "2001-01-01", "unit": w.branch_a.pk}),
        (new, {"title": "T", "due_on": "2030-01-01"}),
        (new, {"title": "T", "due_on": "2030-01-01", "unit": HUGE}),
        (new, {"title": "T", "due_on": "2030-01-01", "target": "-5", "unit": w.branch_a.pk}),
        (new, {"title": "T", "due_on": "2030-01-01", "assignee_email": "nobody@example.org"}),
        (new, {"title": "T", "due_on": "2030-01-01", "assignee_email": "x", "unit": w.branch_a.pk}),
        (new, {"title": "T", "due_on": "2030-01-01", "unit": w.branch_a.pk, "parent": HUGE}),
        (f"/decisions/{decision.pk}/dissent/", {}),
        (f"/decisions/{decision.pk}/dissent/", {"text": "x" * 3000}),
        (f"/decisions/{decision.pk}/dissent/", {"text": "x", "unit": HUGE}),
        (f"/actions/{action.pk}/", {}),
        (f"/actions/{action.pk}/", {"description": ""}),
        (f"/actions/{action.pk}/", {"description": "x", "amount": "-1"}),
        (f"/actions/{action.pk}/", {"figure": "abc", "text": ""}),
        (f"/actions/{action.pk}/", {"figure": "1", "commitment": HUGE}),
        (f"/actions/{action.pk}/", {"figure": "1", "commitment": "abc"}),
    ]
    for url, data in posts:
        status = client.post(url, data).status_code
        assert status in {200, 302, 403, 404}, (url, data, status)


# --- Query counts --------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    # Warm up first: the page header's organisation name is cached after the first request.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_decision_page_and_dashboard_constant_in_organisation_size(
    client: Client, setup: tuple[World, Decision, Action]
) -> None:
    w, decision, action = setup
    client.force_login(w.officer)
    urls = [
        f"/decisions/{decision.pk}/",
        f"/units/{w.national.pk}/accountability/",
        f"/units/{w.district.pk}/accountability/",
        f"/actions/{action.pk}/",
        "/decisions/",
    ]
    before = [_count(client, u) for u in urls]
    due = timezone.localdate() + timedelta(days=7)
    for i in range(30):
        unit = org.create_unit(
            actor=w.admin, name=f"Branch {i:02d}", kind=w.branch_a.kind, parent=w.district
        )
        user = make_member(f"grow{i}@example.org", f"Grown {i}", unit)
        child = services.create_action(
            actor=w.admin,
            decision=decision,
            title=f"A{i}",
            due_on=due,
            target=10,
            unit=unit,
            parent=None,
        )
        sub = services.create_action(
            actor=w.admin,
            decision=decision,
            title=f"S{i}",
            due_on=due,
            unit=w.branch_a,
            parent=action,
        )
        c = services.commit_to_action(actor=user, action=child, description="x", amount=3)
        services.report_back(actor=user, action=child, figure=2, commitment=c)
        services.report_back(actor=w.admin, action=sub, figure=1)
    client.force_login(fresh(w.officer))
    after = [_count(client, u) for u in urls]
    assert after == before


# --- What needs me -------------------------------------------------------------------------------


def test_what_needs_me(nc: World) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    titles = [n.title for n in what_needs_me(fresh(nc.member))]
    assert f"For discussion: {motion.title}" in titles
    assert not any(t.startswith("Meeting:") for t in titles)  # the member sits in no body
    # A committee member sees the meeting, and an open vote while signed in and not voted.
    s = sitting(nc, [motion])
    cm = fresh(nc.committee_member)
    assert any(n.title.startswith("Meeting: National Committee") for n in what_needs_me(cm))
    vote = meetings.open_vote(
        actor=fresh(nc.officer), meeting=s.meeting, motion=motion, method="roll_call"
    )
    assert f"Vote now: {motion.title}" in [n.title for n in what_needs_me(cm)]
    meetings.cast_named_vote(actor=cm, vote=vote, choice="for")
    assert f"Vote now: {motion.title}" not in [n.title for n in what_needs_me(fresh(cm))]
    for person in s.present:
        if person.pk != cm.pk:
            meetings.cast_named_vote(actor=person, vote=vote, choice="for")
    meetings.close_vote(actor=fresh(nc.officer), vote=vote)
    # Commitments to report on; the branch secretary sees reports due for the branch.
    decision = Decision.objects.get(motion=motion)
    action = services.create_action(
        actor=fresh(nc.officer),
        decision=decision,
        title="Leaflet",
        due_on=timezone.localdate() + timedelta(days=3),
        unit=nc.branch_a,
    )
    commitment = services.commit_to_action(actor=fresh(nc.member), action=action, description="Sat")
    assert "Report back: Sat" in [n.title for n in what_needs_me(fresh(nc.member))]
    assert "Report for your unit: Leaflet" in [n.title for n in what_needs_me(fresh(nc.secretary))]
    assert "Report for your unit: Leaflet" not in [
        n.title for n in what_needs_me(fresh(nc.other_secretary))
    ]
    services.report_back(actor=fresh(nc.member), action=action, figure=10, commitment=commitment)
    titles = [n.title for n in what_needs_me(fresh(nc.member))]
    assert "Report back: Sat" not in titles
    assert f"For discussion: {motion.title}" not in titles  # decided now
    assert "Report for your unit: Leaflet" not in [
        n.title for n in what_needs_me(fresh(nc.secretary))
    ]
    # The outsider needs to do nothing.
    assert what_needs_me(fresh(nc.outsider)) == []


def test_decision_page_lists_the_first_actions_and_links_to_all(
    client: Client, setup: tuple[World, Decision, Action]
) -> None:
    w, decision, _ = setup
    for i in range(25):  # 26 with the fixture's action
        services.create_action(
            actor=fresh(w.officer),
            decision=decision,
            title=f"Stall {i:02d}",
            due_on=timezone.localdate() + timedelta(days=8),
            unit=w.branch_a,
        )
    client.force_login(w.member)
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert page.count('href="/actions/') == 25
    assert "The first 25 of 26:" in page and "26 actions" in page
    assert "Stall 24" not in page  # due a day after the rest, so listed last
    everything = client.get(f"/decisions/{decision.pk}/accountability/").content.decode()
    assert everything.count('href="/actions/') == 26 and "Stall 24" in everything
