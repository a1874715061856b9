"""The democratic-centralist cycle through the JSON API only, and every cycle endpoint's
allowed and forbidden case on one shared setup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.decisions import services as decisions
from iskra.decisions.models import Decision
from iskra.meetings import services as meetings
from iskra.motions import services as motions
from iskra.motions.models import Amendment, Motion
from iskra.organisation import services as org
from iskra.organisation.models import Seat
from tests.api.test_api import Api as BaseApi
from tests.api.test_api import is_error
from tests.conftest import World, fresh, make_member


class Api(BaseApi):
    def put(self, url: str, data: Any) -> Any:
        return self.client.put(
            f"/api/v1{url}", data, content_type="application/json", **self.headers
        )

    def delete(self, url: str) -> Any:
        return self.client.delete(f"/api/v1{url}", **self.headers)

    def send(self, method: str, url: str, data: Any = None) -> Any:
        if method == "get":
            return self.get(url)
        if method == "delete":
            return self.delete(url)
        return getattr(self, method)(url, {} if data is None else data)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def later(**kwargs: int) -> str:
    return (timezone.now() + timedelta(**kwargs)).isoformat()


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def committee(world: World) -> World:
    """The national committee gets three more seats, each held by a member: quorate."""
    for n in range(3):
        seat = org.create_seat(
            actor=world.admin,
            body=world.national_committee,
            role=Seat.Role.COMMITTEE_MEMBER,
            title=f"Seat {n}",
        )
        person = make_member(f"nc{n}@example.org", f"Committee {n}", world.branch_b)
        org.appoint_to_seat(
            actor=world.admin,
            seat=seat,
            holder=person,
            started_on=timezone.localdate() - timedelta(days=5),
        )
    world.national_committee.supporters_required = 2
    world.national_committee.save()
    return world


# --- The schema and authentication -------------------------------------------------------------

CYCLE_PATHS = (
    "/motions",
    "/motions/{motion_id}",
    "/motions/{motion_id}/support",
    "/motions/{motion_id}/submit",
    "/motions/{motion_id}/admit",
    "/motions/{motion_id}/rule-out",
    "/motions/{motion_id}/withdraw",
    "/motions/{motion_id}/discussion",
    "/motions/{motion_id}/state",
    "/motions/{motion_id}/composite-agreement",
    "/motions/composites",
    "/motions/{motion_id}/amendments",
    "/amendments/{amendment_id}/withdraw",
    "/motions/{motion_id}/positions",
    "/motions/{motion_id}/posts",
    "/posts/{post_id}",
    "/posts/{post_id}/hide",
    "/bulletins",
    "/bulletins/{bulletin_id}",
    "/bulletins/{bulletin_id}/contributions",
    "/bulletins/{bulletin_id}/publish",
    "/meetings",
    "/meetings/{meeting_id}",
    "/meetings/{meeting_id}/agenda",
    "/meetings/{meeting_id}/open",
    "/meetings/{meeting_id}/close",
    "/meetings/{meeting_id}/sign-in",
    "/meetings/{meeting_id}/attendance",
    "/meetings/{meeting_id}/hands",
    "/meetings/{meeting_id}/votes",
    "/votes/{vote_id}",
    "/votes/{vote_id}/ballots",
    "/votes/{vote_id}/close",
    "/meetings/{meeting_id}/minutes",
    "/meetings/{meeting_id}/minutes/approve",
    "/decisions",
    "/decisions/{decision_id}",
    "/decisions/{decision_id}/dissents",
    "/decisions/{decision_id}/complete",
    "/decisions/{decision_id}/dashboard",
    "/decisions/{decision_id}/actions",
    "/actions/{action_id}",
    "/actions/{action_id}/commitments",
    "/actions/{action_id}/reports",
    "/units/{unit_id}/dashboard",
)


def test_openapi_lists_cycle_paths(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in CYCLE_PATHS:
        assert f"/api/v1{path}" in paths, path
    tags = {tag for ops in paths.values() for op in ops.values() for tag in op.get("tags", [])}
    assert {"motions", "meetings", "decisions"} <= tags
    # The public register says so; everything else needs authentication.
    assert "security" not in paths["/api/v1/decisions"]["get"]
    assert paths["/api/v1/motions"]["get"]["security"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/motions"),
        ("post", "/motions"),
        ("get", "/motions/1"),
        ("post", "/motions/1/support"),
        ("get", "/bulletins"),
        ("get", "/meetings"),
        ("post", "/meetings/1/sign-in"),
        ("post", "/votes/1/ballots"),
        ("post", "/decisions/1/dissents"),
        ("get", "/actions/1"),
        ("get", "/units/1/dashboard"),
    ],
)
def test_no_token_is_401(world: World, method: str, url: str) -> None:
    is_error(Api(None).send(method, url), 401)


def test_bad_token_on_the_public_register_is_401(world: World) -> None:
    api = Api(None)
    api.headers["HTTP_AUTHORIZATION"] = "Bearer isk_not-a-token"
    is_error(api.get("/decisions"), 401)


# --- The whole cycle ---------------------------------------------------------------------------


def test_whole_cycle_through_the_api(committee: World) -> None:
    w = committee
    body = w.national_committee
    member, officer, secretary = Api(w.member), Api(w.officer), Api(w.secretary)
    supporters = [
        Api(make_member(f"s{n}@example.org", f"Supporter {n}", w.branch_a)) for n in range(2)
    ]

    # A member proposes; supporters sign; the member submits.
    m = ok(
        member.post(
            "/motions",
            {
                "body_id": body.pk,
                "title": "Defend the library",
                "text": "This organisation will campaign to keep Riverside Library open every day.",
            },
        ),
        201,
    )
    mid = m["id"]
    assert (m["status"], m["supporters_needed"], m["can"]["edit"]) == ("draft", 2, True)
    is_error(member.post(f"/motions/{mid}/submit", {}), 400)
    for s in supporters:
        assert ok(s.post(f"/motions/{mid}/support", {}))["supported"] is True
    m = ok(member.get(f"/motions/{mid}"))
    assert (m["supporters_count"], m["supporters_needed"]) == (2, 0)
    assert ok(member.post(f"/motions/{mid}/submit", {}))["status"] == "submitted"

    # The national officer admits it and opens the discussion; every branch gets it.
    is_error(secretary.post(f"/motions/{mid}/admit", {}), 403)
    assert ok(officer.post(f"/motions/{mid}/admit", {"reason": "In order"}))["status"] == "admitted"
    opened = ok(officer.post(f"/motions/{mid}/discussion", {"deadline": in_days(10)}))
    assert opened["notified"] > 0
    assert opened["motion"]["status"] == "in_discussion"
    assert opened["motion"]["state"]["overall"]["branches"]["not_yet"] == 2

    # Branch A's secretary tables an amendment for the branch and records its position.
    amendment = ok(
        secretary.post(
            f"/motions/{mid}/amendments",
            {
                "kind": "replace",
                "passage": "every day",
                "new_text": "seven days a week",
                "explanation": "Clearer.",
                "proposing_unit_id": w.branch_a.pk,
            },
        ),
        201,
    )
    assert "<ins>" in amendment["diff_html"]
    ok(
        secretary.post(
            f"/motions/{mid}/positions",
            {
                "unit_id": w.branch_a.pk,
                "stance": "support_if_amended",
                "votes_for": 2,
                "votes_against": 1,
                "abstentions": 1,
                "mandate": "instructed",
            },
        ),
        201,
    )
    ok(
        Api(w.other_secretary).post(
            f"/motions/{mid}/positions",
            {"unit_id": w.branch_b.pk, "stance": "oppose", "votes_for": 1, "votes_against": 2},
        ),
        201,
    )
    state = ok(member.get(f"/motions/{mid}/state"))
    assert state["overall"]["branches"] == {
        "support": 0,
        "oppose": 1,
        "support_if_amended": 1,
        "not_yet": 0,
    }
    assert [g["unit"] for g in state["groups"]] == ["North District"]
    post = ok(member.post(f"/motions/{mid}/posts", {"text": "The only warm space."}), 201)
    ok(member.patch(f"/posts/{post['id']}", {"text": "The only free warm space."}))
    assert ok(member.get(f"/motions/{mid}/posts"))["items"][0]["revisions"] == 1

    # The national committee meets; its members sign in; quorum is live.
    meeting = ok(
        officer.post(
            "/meetings",
            {
                "body_id": body.pk,
                "title": "November meeting",
                "starts_at": later(hours=1),
                "motion_ids": [mid],
            },
        ),
        201,
    )
    gid = meeting["id"]
    assert [i["motion_id"] for i in meeting["agenda"]] == [mid]
    ok(officer.post(f"/meetings/{gid}/open", {"reason": "Everyone is here early"}))
    body_members = list(meetings.body_members(body))
    for person in body_members:
        ok(Api(person).post(f"/meetings/{gid}/sign-in", {}), 201)
    quorum = ok(member.get(f"/meetings/{gid}"))["quorum"]
    assert quorum["met"] and quorum["present"] == len(body_members)

    # Roll call on the amendment first (the motion waits), then on the motion.
    is_error(officer.post(f"/meetings/{gid}/votes", {"motion_id": mid, "method": "roll_call"}), 400)
    vote = ok(
        officer.post(
            f"/meetings/{gid}/votes",
            {"motion_id": mid, "amendment_id": amendment["id"], "method": "roll_call"},
        ),
        201,
    )
    for person in body_members:
        ok(Api(person).post(f"/votes/{vote['id']}/ballots", {"choice": "for"}), 201)
    counted = ok(officer.post(f"/votes/{vote['id']}/close", {}))
    assert (counted["carried"], counted["votes_for"]) == (True, len(body_members))
    m = ok(member.get(f"/motions/{mid}"))
    assert "seven days a week" in m["text"]
    assert [v["number"] for v in m["versions"]] == [1, 2]
    assert m["amendments"][0]["status"] == "carried"

    vote = ok(
        officer.post(f"/meetings/{gid}/votes", {"motion_id": mid, "method": "roll_call"}), 201
    )
    against = body_members[0]
    for person in body_members:
        choice = "against" if person == against else "for"
        ok(Api(person).post(f"/votes/{vote['id']}/ballots", {"choice": choice}), 201)
    is_error(Api(against).post(f"/votes/{vote['id']}/ballots", {"choice": "for"}), 400)
    counted = ok(officer.post(f"/votes/{vote['id']}/close", {}))
    assert counted["carried"] is True
    names = {b["name"]: b["choice"] for b in counted["ballots"]}
    assert names[against.full_name] == "against"

    # The decision, with the vote by name, and the dissent of the member who voted against.
    m = ok(member.get(f"/motions/{mid}"))
    assert m["status"] == "carried"
    did = m["decision_id"]
    d = ok(member.get(f"/decisions/{did}"))
    assert d["text"] == m["text"]
    assert d["vote"]["votes_against"] == 1
    assert any(b["name"] == against.full_name for b in d["votes"][-1]["ballots"])
    ok(
        Api(against).post(
            f"/decisions/{did}/dissents", {"text": "Opening hours are the council's job."}
        ),
        201,
    )
    is_error(Api(against).post(f"/decisions/{did}/dissents", {"text": "Again"}), 400)
    ok(
        Api(w.other_secretary).post(
            f"/decisions/{did}/dissents", {"text": "Branch B opposed.", "unit_id": w.branch_b.pk}
        ),
        201,
    )
    dissents = ok(member.get(f"/decisions/{did}"))["dissents"]
    assert [(d["name"], d["unit_name"]) for d in dissents] == [
        (against.full_name, None),
        (None, "Branch B"),
    ]

    # Actions cascade national → district → branch; a member commits and reports back.
    national = ok(
        officer.post(
            f"/decisions/{did}/actions",
            {
                "title": "Leaflet the estates",
                "due_on": in_days(14),
                "target": 1000,
                "measure": "leaflets",
                "unit_id": w.district.pk,
            },
        ),
        201,
    )
    branch = ok(
        officer.post(
            f"/decisions/{did}/actions",
            {
                "title": "Leaflet Riverside",
                "due_on": in_days(14),
                "target": 400,
                "measure": "leaflets",
                "unit_id": w.branch_a.pk,
                "parent_id": national["id"],
            },
        ),
        201,
    )
    assert branch["parent_id"] == national["id"]
    commitment = ok(
        member.post(
            f"/actions/{branch['id']}/commitments",
            {"description": "Saturday, 2 hours", "amount": 150},
        ),
        201,
    )
    ok(
        member.post(
            f"/actions/{branch['id']}/reports",
            {"figure": 170, "text": "Done, 170 out", "commitment_id": commitment["id"]},
        ),
        201,
    )
    action = ok(member.get(f"/actions/{national['id']}"))
    assert [c["id"] for c in action["children"]] == [branch["id"]]

    # The dashboard at national, district and branch level.
    dash = ok(member.get(f"/decisions/{did}/dashboard"))
    total = dash["total"]
    # The branch's action is its share of the district's, not another target.
    assert (total["asked"], total["target"], total["committed"], total["reported"]) == (
        1,
        1000,
        150,
        170,
    )
    assert dash["rows"][0]["unit_id"] == w.district.pk
    dash = ok(member.get(f"/decisions/{did}/dashboard", unit_id=w.district.pk))
    assert (dash["total"]["asked"], dash["rows"][0]["unit"]) == (1, "Branch A")
    dash = ok(member.get(f"/units/{w.branch_a.pk}/dashboard"))
    assert (dash["total"]["asked"], dash["total"]["reported"]) == (1, 170)

    # The meeting closes; minutes are drafted from the record and name how people voted.
    closed = ok(officer.post(f"/meetings/{gid}/close", {}))
    assert "Against: " + against.full_name in closed["minutes"]
    saved = ok(officer.put(f"/meetings/{gid}/minutes", {"text": closed["minutes"] + "\nAOB."}))
    assert saved["minutes"].endswith("AOB.")

    # The register finds it for members; the public sees only public decisions.
    found = ok(member.get("/decisions", q="library", body_id=body.pk, unit_id=w.branch_a.pk))
    assert [d["id"] for d in found["items"]] == [did]
    assert ok(Api(None).get("/decisions"))["items"] == []
    is_error(Api(None).get(f"/decisions/{did}"), 404)
    Decision.objects.filter(pk=did).update(is_public=True)
    public = ok(Api(None).get(f"/decisions/{did}"))
    assert public["votes"] == [] and public["vote"]["votes_for"] > 0


# --- Bad input ---------------------------------------------------------------------------------


def test_bad_input_is_4xx_json(committee: World) -> None:
    member, officer = Api(committee.member), Api(committee.officer)
    is_error(member.get("/motions/999999"), 404)
    is_error(member.get("/motions", status="nonsense"), 400)
    huge = "9" * 20
    for url in ("/motions", "/meetings", "/bulletins", "/decisions"):
        is_error(member.get(url, body_id=huge), 422)
        is_error(member.get(url, page=huge), 422)
        is_error(member.get(url, page_size=0), 422)
    # Ids beyond the database's 64-bit integers are refused by the documented bound.
    is_error(member.get(f"/motions/{huge}"), 422)
    is_error(member.get(f"/decisions/{huge}"), 422)
    is_error(member.post("/motions", {"title": "No body"}), 422)
    is_error(member.post("/motions", {"body_id": 999999, "title": "x", "text": "y"}), 404)
    is_error(
        member.post(
            "/motions", {"body_id": committee.national_committee.pk, "title": " ", "text": "y"}
        ),
        400,
    )
    is_error(member.post("/motions", "not json at all"), 400)
    is_error(officer.get("/meetings/999999"), 404)
    is_error(officer.post("/votes/999999/close", {}), 404)
    is_error(officer.get("/decisions/999999"), 404)
    is_error(Api(None).get("/decisions", status="nonsense"), 400)
    is_error(Api(None).get("/decisions", unit_id=999999), 404)
    is_error(officer.get("/actions/999999"), 404)
    is_error(officer.post("/meetings", {"body_id": committee.national_committee.pk}), 422)
    is_error(
        officer.post(
            "/meetings",
            {"body_id": committee.national_committee.pk, "title": "x", "starts_at": "soon"},
        ),
        422,
    )


# --- Allowed and forbidden, per endpoint, on one setup -----------------------------------------


@dataclass
class Scene:
    """A national committee mid-cycle: motions in every state, a meeting in progress with an
    open roll call, a decision with an action, and a discussion bulletin.

    Extra personas: ``candidate`` (a candidate member of Branch A: reads and discusses, but
    does not support or amend) and ``voter`` (a committee member signed in to the meeting).
    """

    w: World
    candidate: User
    voter: User
    ids: dict[str, int] = field(default_factory=dict)


def build_scene(w: World) -> Scene:
    body = w.national_committee
    body.supporters_required = 0
    body.save()
    officer = fresh(w.officer)
    candidate = make_member("candidate@example.org", "Cy Candidate", w.branch_a, "candidate")
    voters = [
        u for u in meetings.body_members(body) if u.pk not in {w.officer.pk, w.committee_member.pk}
    ]

    def motion(title: str, by: User | None = None, *, stage: str = "draft") -> Any:
        m = motions.create_motion(
            actor=fresh(by or w.member), body=body, title=title, text=f"{title}: every day."
        )
        if stage == "draft":
            return m
        motions.submit_motion(actor=fresh(by or w.member), motion=m)
        if stage == "submitted":
            return m
        motions.admit_motion(actor=officer, motion=m)
        if stage == "admitted":
            return m
        motions.open_discussion(actor=officer, motion=m)
        return m

    draft = motion("Draft")
    motions.support_motion(actor=fresh(w.secretary), motion=draft)
    submitted = motion("Submitted", stage="submitted")
    other = motion("Other", w.secretary, stage="submitted")
    for m, by in ((submitted, w.member), (other, w.secretary)):
        motions.agree_to_composite(actor=fresh(by), motion=m)
    admitted = motion("Admitted", stage="admitted")
    x = motion("Amended", stage="discussion")
    amendment = motions.table_amendment(
        actor=fresh(w.secretary),
        motion=x,
        kind=Amendment.Kind.REPLACE,
        passage="every day",
        new_text="daily",
        proposing_unit=w.branch_a,
    )
    spare = motions.table_amendment(
        actor=fresh(w.secretary), motion=x, kind=Amendment.Kind.DELETE, passage="Amended: "
    )
    post = motions.post_to_discussion(actor=fresh(w.member), motion=x, text="Yes.")
    y = motion("Carried", stage="discussion")
    z = motion("Plain", stage="discussion")
    bulletin = motions.create_bulletin(
        actor=officer,
        body=body,
        title="Bulletin 1",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=10),
    )

    earlier = meetings.schedule_meeting(
        actor=officer, body=body, title="Earlier", starts_at=timezone.now() + timedelta(minutes=30)
    )
    meetings.open_meeting(actor=officer, meeting=earlier, reason="opened at once (test)")
    meetings.close_meeting(actor=officer, meeting=earlier)
    meeting = meetings.schedule_meeting(
        actor=officer,
        body=body,
        title="Main",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[x, y, z],
    )
    meetings.open_meeting(actor=officer, meeting=meeting, reason="opened at once (test)")
    for person in [officer, *voters]:
        meetings.sign_in(actor=person, meeting=meeting)
    meetings.take_show_of_hands(
        actor=officer, meeting=meeting, motion=y, votes_for=len(voters), votes_against=1
    )
    decision = Decision.objects.get(motion=y)
    vote = meetings.open_vote(
        actor=officer, meeting=meeting, motion=x, amendment=amendment, method="roll_call"
    )
    later_meeting = meetings.schedule_meeting(
        actor=officer, body=body, title="Later", starts_at=timezone.now() + timedelta(hours=2)
    )
    running = meetings.schedule_meeting(
        actor=officer, body=body, title="Running", starts_at=timezone.now() + timedelta(hours=3)
    )
    meetings.open_meeting(actor=officer, meeting=running, reason="opened at once (test)")
    action = decisions.create_action(
        actor=officer,
        decision=decision,
        title="Leaflet",
        due_on=timezone.localdate() + timedelta(days=7),
        target=100,
        unit=w.branch_a,
    )
    return Scene(
        w=w,
        candidate=candidate,
        voter=voters[0],
        ids={
            "draft": draft.pk,
            "submitted": submitted.pk,
            "other": other.pk,
            "admitted": admitted.pk,
            "x": x.pk,
            "z": z.pk,
            "amendment": amendment.pk,
            "spare": spare.pk,
            "post": post.pk,
            "bulletin": bulletin.pk,
            "meeting": meeting.pk,
            "earlier": earlier.pk,
            "later": later_meeting.pk,
            "running": running.pk,
            "vote": vote.pk,
            "decision": decision.pk,
            "action": action.pk,
            "body": body.pk,
            "national": w.national.pk,
            "district": w.district.pk,
            "branch_a": w.branch_a.pk,
            "branch_b": w.branch_b.pk,
            "committee_member": w.committee_member.pk,
        },
    )


@pytest.fixture
def scene(committee: World) -> Scene:
    return build_scene(committee)


@dataclass(frozen=True)
class Case:
    """One endpoint: who may (and gets ``status``), who may not (and gets ``refused``)."""

    method: str
    url: str
    allowed: str
    forbidden: str
    refused: int = 403
    data: dict[str, Any] | None = None
    status: int = 200


DUE = "{in_a_week}"

CASES = [
    # Motions
    Case("get", "/motions", "member", "outsider"),
    Case(
        "post",
        "/motions",
        "member",
        "outsider",
        data={"body_id": "{body}", "title": "T", "text": "Text"},
        status=201,
    ),
    Case("get", "/motions/{x}", "member", "outsider", refused=404),
    Case("patch", "/motions/{draft}", "member", "secretary", data={"title": "Better"}),
    Case("post", "/motions/{draft}/support", "other_secretary", "candidate"),
    Case("delete", "/motions/{draft}/support", "secretary", "outsider", refused=404),
    Case("post", "/motions/{draft}/submit", "member", "secretary"),
    Case("post", "/motions/{submitted}/admit", "officer", "secretary"),
    Case("post", "/motions/{submitted}/rule-out", "officer", "secretary", data={"reason": "Late"}),
    Case("post", "/motions/{submitted}/withdraw", "member", "secretary"),
    Case(
        "post",
        "/motions/{admitted}/discussion",
        "officer",
        "secretary",
        data={"deadline": "{in_a_week}"},
    ),
    Case("post", "/motions/{submitted}/composite-agreement", "member", "secretary"),
    Case(
        "post",
        "/motions/composites",
        "officer",
        "secretary",
        data={"motion_ids": ["{submitted}", "{other}"], "title": "Both", "text": "Both."},
        status=201,
    ),
    Case("get", "/motions/{x}/state", "member", "outsider", refused=404),
    Case("get", "/motions/{x}/amendments", "member", "outsider", refused=404),
    Case(
        "post",
        "/motions/{x}/amendments",
        "member",
        "candidate",
        data={"kind": "delete", "passage": "every day"},
        status=201,
    ),
    Case("post", "/amendments/{spare}/withdraw", "secretary", "member"),
    Case("get", "/motions/{x}/positions", "member", "outsider", refused=404),
    Case(
        "post",
        "/motions/{x}/positions",
        "secretary",
        "other_secretary",
        data={"unit_id": "{branch_a}", "stance": "support"},
        status=201,
    ),
    Case("get", "/motions/{x}/posts", "member", "outsider", refused=404),
    Case(
        "post",
        "/motions/{x}/posts",
        "candidate",
        "outsider",
        refused=404,
        data={"text": "Hi"},
        status=201,
    ),
    Case("patch", "/posts/{post}", "member", "secretary", data={"text": "Yes!"}),
    Case("post", "/posts/{post}/hide", "officer", "secretary", data={"reason": "Off topic"}),
    # Bulletins
    Case("get", "/bulletins", "member", "outsider"),
    Case(
        "post",
        "/bulletins",
        "officer",
        "secretary",
        data={"body_id": "{body}", "title": "B2", "opens_on": "{today}", "closes_on": DUE},
        status=201,
    ),
    Case("get", "/bulletins/{bulletin}", "member", "outsider", refused=404),
    Case(
        "post",
        "/bulletins/{bulletin}/contributions",
        "member",
        "admin",
        data={"title": "On libraries", "text": "…", "motion_id": "{x}"},
        status=201,
    ),
    Case("post", "/bulletins/{bulletin}/publish", "officer", "secretary"),
    # Meetings
    Case("get", "/meetings", "member", "outsider"),
    Case(
        "post",
        "/meetings",
        "officer",
        "secretary",
        data={"body_id": "{body}", "title": "Special", "starts_at": "{tomorrow}"},
        status=201,
    ),
    Case("get", "/meetings/{meeting}", "member", "outsider", refused=404),
    Case(
        "post",
        "/meetings/{meeting}/agenda",
        "officer",
        "secretary",
        data={"kind": "report", "title": "Treasurer's report"},
        status=201,
    ),
    Case(
        "post",
        "/meetings/{later}/open",
        "officer",
        "secretary",
        data={"reason": "Everyone is here early"},
    ),
    Case("post", "/meetings/{running}/close", "officer", "secretary"),
    Case("post", "/meetings/{meeting}/sign-in", "committee_member", "member", status=201),
    Case(
        "post",
        "/meetings/{meeting}/attendance",
        "officer",
        "secretary",
        data={"user_id": "{committee_member}"},
        status=201,
    ),
    Case(
        "post",
        "/meetings/{meeting}/hands",
        "officer",
        "secretary",
        data={"motion_id": "{z}", "votes_for": 3, "votes_against": 1},
        status=201,
    ),
    Case(
        "post",
        "/meetings/{meeting}/votes",
        "officer",
        "secretary",
        data={"motion_id": "{z}", "method": "roll_call"},
        status=201,
    ),
    Case("get", "/votes/{vote}", "member", "outsider", refused=404),
    Case(
        "post",
        "/votes/{vote}/ballots",
        "voter",
        "committee_member",
        refused=400,  # not signed in: "Sign in to the meeting before voting."
        data={"choice": "for"},
        status=201,
    ),
    Case("post", "/votes/{vote}/close", "officer", "secretary"),
    Case("put", "/meetings/{earlier}/minutes", "officer", "secretary", data={"text": "Minutes."}),
    Case(
        "post",
        "/meetings/{earlier}/minutes/approve",
        "officer",
        "secretary",
        data={"at_meeting_id": "{meeting}"},
    ),
    # Decisions
    Case("get", "/decisions/{decision}", "member", "anonymous", refused=404),
    Case(
        "post",
        "/decisions/{decision}/dissents",
        "voter",
        "member",
        data={"text": "We were wrong."},
        status=201,
    ),
    Case("post", "/decisions/{decision}/complete", "officer", "secretary"),
    Case("get", "/decisions/{decision}/dashboard", "member", "outsider", refused=404),
    Case(
        "post",
        "/decisions/{decision}/actions",
        "officer",
        "secretary",
        data={"title": "Stall", "due_on": DUE, "unit_id": "{district}"},
        status=201,
    ),
    Case(
        "post",
        "/decisions/{decision}/actions",
        "secretary",
        "other_secretary",
        data={"title": "Stall", "due_on": DUE, "unit_id": "{branch_a}", "parent_id": "{action}"},
        status=201,
    ),
    Case("get", "/actions/{action}", "member", "outsider", refused=404),
    Case(
        "post",
        "/actions/{action}/commitments",
        "member",
        "other_secretary",
        data={"description": "Saturday", "amount": 20},
        status=201,
    ),
    Case(
        "post",
        "/actions/{action}/reports",
        "secretary",
        "other_secretary",
        data={"figure": 30},
        status=201,
    ),
    Case("get", "/units/{national}/dashboard", "member", "outsider", refused=404),
]


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return values[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def _persona(scene: Scene, name: str) -> User | None:
    if name == "anonymous":
        return None
    if name in {"candidate", "voter"}:
        person: User = getattr(scene, name)
        return fresh(person)
    return fresh(getattr(scene.w, name))


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.method} {c.url} {c.allowed}/{c.forbidden}" for c in CASES]
)
def test_allowed_and_forbidden(scene: Scene, case: Case) -> None:
    values: dict[str, Any] = {
        **scene.ids,
        "today": timezone.localdate().isoformat(),
        "in_a_week": in_days(7),
        "tomorrow": later(days=1),
    }
    url = case.url.format(**values)
    data = _fill(case.data, values)
    # The forbidden request first: it must change nothing, so the allowed one still succeeds.
    is_error(Api(_persona(scene, case.forbidden)).send(case.method, url, data), case.refused)
    ok(Api(_persona(scene, case.allowed)).send(case.method, url, data), case.status)


def test_register_hides_members_only_decisions_from_the_public(scene: Scene) -> None:
    decision = scene.ids["decision"]
    assert [d["id"] for d in ok(Api(scene.w.member).get("/decisions"))["items"]] == [decision]
    assert ok(Api(None).get("/decisions"))["items"] == []
    Decision.objects.filter(pk=decision).update(is_public=True)
    assert [d["id"] for d in ok(Api(None).get("/decisions"))["items"]] == [decision]
    assert ok(Api(None).get(f"/decisions/{decision}"))["number"]


def test_named_ballots_are_shown_once_counted(scene: Scene) -> None:
    vote = scene.ids["vote"]
    voter = Api(scene.voter)
    ok(voter.post(f"/votes/{vote}/ballots", {"choice": "against"}), 201)
    shown = ok(voter.get(f"/votes/{vote}"))
    assert (shown["voted"], shown["ballots"]) == (1, [])
    counted = ok(Api(scene.w.officer).post(f"/votes/{vote}/close", {}))
    assert counted["ballots"][0]["name"] == scene.voter.full_name


def test_hidden_post_shows_the_reason_not_the_text(scene: Scene) -> None:
    post = scene.ids["post"]
    ok(Api(scene.w.officer).post(f"/posts/{post}/hide", {"reason": "Personal attack"}))
    shown = ok(Api(scene.w.member).get(f"/motions/{scene.ids['x']}/posts"))["items"][0]
    assert (shown["text"], shown["is_hidden"], shown["hidden_reason"]) == (
        "",
        True,
        "Personal attack",
    )


def test_vote_subject_must_be_on_the_agenda(scene: Scene) -> None:
    officer = Api(scene.w.officer)
    meeting = scene.ids["meeting"]
    is_error(
        officer.post(
            f"/meetings/{meeting}/votes",
            {"motion_id": scene.ids["admitted"], "method": "roll_call"},
        ),
        404,
    )
    is_error(
        officer.post(
            f"/meetings/{meeting}/hands",
            {
                "motion_id": scene.ids["z"],
                "amendment_id": scene.ids["amendment"],
                "votes_for": 1,
                "votes_against": 0,
            },
        ),
        404,
    )


def test_an_amendment_under_vote_cannot_be_withdrawn(scene: Scene) -> None:
    secretary = Api(scene.w.secretary)
    is_error(secretary.post(f"/amendments/{scene.ids['amendment']}/withdraw", {}), 400)
    ok(Api(scene.w.officer).post(f"/votes/{scene.ids['vote']}/close", {}))
    amendments = ok(secretary.get(f"/motions/{scene.ids['x']}/amendments"))
    assert amendments[0]["status"] == "lost"  # nobody voted for it


def test_a_post_without_a_body_uses_the_defaults(scene: Scene) -> None:
    api = Api(scene.w.officer)
    response = api.client.post(
        f"/api/v1/motions/{scene.ids['submitted']}/admit",
        content_type="application/json",
        **api.headers,
    )
    assert ok(response)["status"] == "admitted"


@pytest.mark.parametrize("url", ["/motions", "/meetings", "/decisions", "/motions/{x}/posts"])
def test_lists_cost_the_same_whatever_their_length(
    scene: Scene, url: str, django_assert_max_num_queries: Any
) -> None:
    member = Api(scene.w.member)
    url = url.format(**scene.ids)
    with django_assert_max_num_queries(12):
        first = ok(member.get(url, page_size=5))
    body = scene.w.national_committee
    for n in range(8):
        motions.create_motion(actor=fresh(scene.w.member), body=body, title=f"M{n}", text="T")
        motions.post_to_discussion(
            actor=fresh(scene.w.member),
            motion=Motion.objects.get(pk=scene.ids["x"]),
            text=f"P{n}",
        )
    with django_assert_max_num_queries(12):
        again = ok(member.get(url, page_size=5))
    assert again["count"] >= first["count"]
    assert len(again["items"]) <= 5
