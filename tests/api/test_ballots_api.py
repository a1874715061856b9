"""The secret-ballot API: a whole strike ballot through the API only, and allowed + forbidden
for every endpoint (member, officer, scrutineer, admin, outsider)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, CastBallot, Challenge, RollEntry, VoteMark
from tests.api.test_api import Api, is_error
from tests.conftest import World, make_member

PORTERS = [f"porter{n}@example.org" for n in range(4)]


def _links() -> dict[str, str]:
    """Each voter's credential, read from the link in their email."""
    links = {}
    for message in mail.outbox:
        for line in message.body.splitlines():
            if "/v/" in line:
                links[message.to[0]] = line.strip().rstrip("/").rsplit("/", 1)[-1]
    return links


def _porters(world: World) -> list[User]:
    people = [make_member(e, f"Porter {n}", world.branch_a) for n, e in enumerate(PORTERS)]
    for p in people:
        p.workplace = "Riverside Hospital"
        p.save()
    return people


def _define(world: World, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    payload = {
        "unit_id": world.branch_a.pk,
        "title": "Hospital porters: strike ballot",
        "preset": "uk_industrial_action",
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        "filter_workplace": "Riverside Hospital",
        "sealed": False,
        **extra,
    }
    created = Api(world.secretary).post("/ballots", payload)
    assert created.status_code == 201, created.content
    return dict(created.json())


def _ready(world: World) -> tuple[int, int]:
    """A strike ballot with its question and scrutineer, not yet open: (ballot id, question id)."""
    _porters(world)
    ballot = _define(world)
    question = Api(world.secretary).post(
        f"/ballots/{ballot['id']}/questions",
        {"kind": "yes_no", "text": "Are you prepared to take part in strike action?"},
    )
    assert question.status_code == 201, question.content
    appointed = Api(world.secretary).post(
        f"/ballots/{ballot['id']}/scrutineer", {"email": "other@example.org"}
    )
    assert appointed.status_code == 200, appointed.content
    return ballot["id"], question.json()["id"]


def _open(world: World, capture: Any, ballot_id: int) -> None:
    with capture(execute=True):
        opened = Api(world.secretary).post(f"/ballots/{ballot_id}/open", {})
    assert opened.status_code == 200, opened.content


def _close(ballot_id: int, **update: Any) -> None:
    Ballot.objects.filter(pk=ballot_id).update(
        closes_at=timezone.now() - timedelta(seconds=1), **update
    )
    assert services.close_ballot(ballot_id=ballot_id) is True


@pytest.fixture
def open_ballot(world: World, django_capture_on_commit_callbacks: Any) -> tuple[int, int]:
    ballot_id, qid = _ready(world)
    _open(world, django_capture_on_commit_callbacks, ballot_id)
    return ballot_id, qid


@pytest.fixture
def closed_ballot(open_ballot: tuple[int, int]) -> tuple[int, int]:
    ballot_id, qid = open_ballot
    for email in PORTERS[:3]:
        cast = Api(None).post(
            f"/ballots/{ballot_id}/vote-with-credential",
            {"credential": _links()[email], "answers": {str(qid): 0}},
        )
        assert cast.status_code == 201
    _close(ballot_id, min_published_ballots=1)
    return ballot_id, qid


def test_strike_ballot_through_the_api(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    secretary, scrutineer = Api(world.secretary), Api(world.other_secretary)
    _porters(world)

    # Define, with a question and the scrutineer; the checklist blocks opening until then.
    ballot = _define(world)
    assert ballot["state"] == "draft" and ballot["my_status"] == "not on roll"
    assert "breach of your contract" in ballot["paper_text"]  # the statutory statement
    bid = ballot["id"]
    problems = secretary.get(f"/ballots/{bid}/problems").json()
    assert problems["can_open"] is False
    assert "No scrutineer has been appointed." in problems["problems"]
    assert "The ballot has no question." in problems["problems"]
    refused = secretary.post(f"/ballots/{bid}/open", {})
    assert refused.status_code == 400
    assert refused.json()["problems"] == problems["problems"]
    assert "cannot open yet" in refused.json()["detail"]
    qid = secretary.post(
        f"/ballots/{bid}/questions",
        {"kind": "yes_no", "text": "Are you prepared to take part in strike action?"},
    ).json()["id"]
    # The scrutineer must hold no office in the unit.
    is_error(secretary.post(f"/ballots/{bid}/scrutineer", {"email": "secretary@example.org"}), 400)
    appointed = secretary.post(f"/ballots/{bid}/scrutineer", {"user_id": world.other_secretary.pk})
    assert appointed.json()["scrutineer_name"] == "Oscar Other"
    assert scrutineer.get(f"/ballots/{bid}/problems").json() == {"problems": [], "can_open": True}

    # Open: the roll is frozen and every voter is emailed a credential.
    _open(world, django_capture_on_commit_callbacks, bid)
    detail = secretary.get(f"/ballots/{bid}").json()
    assert (detail["state"], detail["roll_size"]) == ("open", 4)
    links = _links()
    assert set(links) == set(PORTERS)

    # Three voters cast from their email links, one while signed in with a token.
    paper = Api(None).post(f"/ballots/{bid}/paper", {"credential": links[PORTERS[0]]}).json()
    assert paper["voted"] is False and paper["questions"][0]["options"] == ["Yes", "No"]
    trackers = {}
    for email, answer in zip(PORTERS[:3], [0, 0, 1], strict=True):
        cast = Client().post(
            f"/api/v1/ballots/{bid}/vote-with-credential",
            {"credential": links[email], "answers": {str(qid): answer}},
            content_type="application/json",
        )
        assert cast.status_code == 201, cast.content
        assert cast["Cache-Control"] == "no-store"
        trackers[email] = cast.json()["tracker"]
    porter3 = Api(User.objects.get(email=PORTERS[3]))
    assert porter3.get(f"/ballots/{bid}").json()["my_status"] == "not voted"
    cast = porter3.post(f"/ballots/{bid}/vote", {"answers": {str(qid): 0}})
    assert cast.status_code == 201, cast.content
    assert porter3.get(f"/ballots/{bid}").json()["my_status"] == "voted"
    assert len(set(trackers.values()) | {cast.json()["tracker"]}) == 4

    # A second attempt, by either route, is refused with 409 and changes nothing.
    again = Api(None).post(
        f"/ballots/{bid}/vote-with-credential",
        {"credential": links[PORTERS[0]], "answers": {str(qid): 1}},
    )
    is_error(again, 409)
    assert "already voted" in again.json()["detail"]
    is_error(porter3.post(f"/ballots/{bid}/vote", {"answers": {str(qid): 1}}), 409)
    assert CastBallot.objects.count() == VoteMark.objects.count() == 4
    assert sorted(c[str(qid)] for c in CastBallot.objects.values_list("content", flat=True)) == [
        0,
        0,
        0,
        1,
    ]

    # Nothing is counted or shown while open — not to officers, not to the admin.
    for who in (world.secretary, world.admin, world.other_secretary):
        is_error(Api(who).get(f"/ballots/{bid}/result"), 404)
        detail = Api(who).get(f"/ballots/{bid}").json()
        assert "result" not in detail and detail["board_hash"] == ""

    # The close (by the worker at the set time), then the result with its thresholds.
    _close(bid, min_published_ballots=1)
    result = Api(User.objects.get(email=PORTERS[1])).get(f"/ballots/{bid}/result").json()
    assert (result["entitled"], result["cast"], result["turnout"]) == (4, 4, "100.00%")
    question = result["questions"][0]
    assert question["votes"] == {"Yes": 3, "No": 1}
    assert question["passed"] is True
    assert any("turnout" in c["name"] for c in question["thresholds"]["checks"])
    assert result["board_hash"] and result["board_public"] is True

    # A voter finds their tracker on the board and sees their ballot as cast.
    voter = Api(User.objects.get(email=PORTERS[2]))
    found = voter.get(f"/ballots/{bid}/board/{trackers[PORTERS[2]].lower()}").json()
    assert found["tracker"] == trackers[PORTERS[2]]
    assert found["answers"] == [
        {
            "question": "Are you prepared to take part in strike action?",
            "blank": False,
            "choices": ["No"],
        }
    ]
    is_error(voter.get(f"/ballots/{bid}/board/AAAA-BBBB-CCCC"), 404)
    page = voter.get(f"/ballots/{bid}/board").json()
    assert page["count"] == 4 and page["items"][-1]["chain_hash"] == result["board_hash"]

    # The scrutineer sees who voted (never how) and signs the report.
    roll = scrutineer.get(f"/ballots/{bid}/roll").json()
    assert roll["count"] == 4 and all(e["voted"] for e in roll["items"])
    assert set(roll["items"][0]) == {"user_id", "name", "email", "voted", "added_on_challenge"}
    report = scrutineer.get(f"/ballots/{bid}/report").json()
    assert report["refused_second_attempts"] == 2 and report["signed_at"] is None
    signed = scrutineer.post(f"/ballots/{bid}/report/sign", {})
    assert signed.status_code == 200 and signed.json()["signed_by"] == "Oscar Other"
    is_error(scrutineer.post(f"/ballots/{bid}/report/sign", {}), 400)

    # The export is the same JSON as `iskra ballot export`.
    exported = voter.get(f"/ballots/{bid}/export").json()
    out = io.StringIO()
    call_command("ballot", "export", str(bid), stdout=out)
    assert exported == json.loads(out.getvalue())


def test_openapi_lists_the_ballot_paths(world: World) -> None:
    paths = set(Client().get("/api/v1/openapi.json").json()["paths"])
    for path in (
        "/ballots",
        "/ballots/{ballot_id}",
        "/ballots/{ballot_id}/questions",
        "/ballots/{ballot_id}/scrutineer",
        "/ballots/{ballot_id}/problems",
        "/ballots/{ballot_id}/open",
        "/ballots/{ballot_id}/vote",
        "/ballots/{ballot_id}/vote-with-credential",
        "/ballots/{ballot_id}/paper",
        "/ballots/{ballot_id}/challenges",
        "/challenges/{challenge_id}/decide",
        "/ballots/{ballot_id}/extend",
        "/ballots/{ballot_id}/remind",
        "/ballots/{ballot_id}/result",
        "/ballots/{ballot_id}/board",
        "/ballots/{ballot_id}/board/{tracker}",
        "/ballots/{ballot_id}/roll",
        "/ballots/{ballot_id}/report",
        "/ballots/{ballot_id}/report/sign",
        "/ballots/{ballot_id}/export",
    ):
        assert f"/api/v1{path}" in paths, path


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/ballots"),
        ("post", "/ballots"),
        ("get", "/ballots/1"),
        ("post", "/ballots/1/questions"),
        ("post", "/ballots/1/scrutineer"),
        ("get", "/ballots/1/problems"),
        ("post", "/ballots/1/open"),
        ("post", "/ballots/1/vote"),
        ("get", "/ballots/1/challenges"),
        ("post", "/ballots/1/challenges"),
        ("post", "/challenges/1/decide"),
        ("post", "/ballots/1/extend"),
        ("post", "/ballots/1/remind"),
        ("get", "/ballots/1/result"),
        ("get", "/ballots/1/board"),
        ("get", "/ballots/1/board/ABCD"),
        ("get", "/ballots/1/roll"),
        ("get", "/ballots/1/report"),
        ("post", "/ballots/1/report/sign"),
        ("get", "/ballots/1/export"),
    ],
)
def test_no_token_is_401(world: World, method: str, url: str) -> None:
    api = Api(None)
    is_error(api.get(url) if method == "get" else api.post(url, {}), 401)


def test_credential_endpoints_need_no_token_but_a_valid_credential(
    world: World, open_ballot: tuple[int, int]
) -> None:
    bid, qid = open_ballot
    anonymous = Api(None)
    bad = anonymous.post(
        f"/ballots/{bid}/vote-with-credential", {"credential": "forged", "answers": {}}
    )
    is_error(bad, 403)
    assert "not valid" in bad.json()["detail"]
    is_error(anonymous.post(f"/ballots/{bid}/paper", {"credential": "forged"}), 403)
    is_error(anonymous.post("/ballots/999999/vote-with-credential", {"credential": "x"}), 404)
    is_error(anonymous.post(f"/ballots/{bid}/vote-with-credential", {"answers": {}}), 422)
    # The whole emailed link works as well as its token; a bad answer is a 400 for the voter.
    link = f"http://testserver/ballots/{bid}/v/{_links()[PORTERS[0]]}/"
    wrong = anonymous.post(
        f"/ballots/{bid}/vote-with-credential", {"credential": link, "answers": {str(qid): 7}}
    )
    is_error(wrong, 400)
    assert wrong.json()["detail"] == (
        "Question 1 (“Are you prepared to take part in strike action?”) has no option 7; its "
        "options are 0 “Yes”, 1 “No”."
    )
    is_error(
        anonymous.post(
            f"/ballots/{bid}/vote-with-credential",
            {"credential": link, "answers": {str(qid): True}},
        ),
        400,
    )
    assert CastBallot.objects.count() == 0
    ok = anonymous.post(
        f"/ballots/{bid}/vote-with-credential", {"credential": link, "answers": {str(qid): "blank"}}
    )
    assert ok.status_code == 201
    assert anonymous.post(f"/ballots/{bid}/paper", {"credential": link}).json()["voted"] is True
    # A draft ballot is not there for credential holders at all.
    draft = _define(world, title="Another")
    is_error(anonymous.post(f"/ballots/{draft['id']}/paper", {"credential": "x"}), 404)


def test_list_shows_my_ballots_with_my_status(world: World, open_ballot: tuple[int, int]) -> None:
    bid, qid = open_ballot
    porter = User.objects.get(email=PORTERS[0])
    listed = Api(porter).get("/ballots").json()
    assert [(b["id"], b["my_status"]) for b in listed["items"]] == [(bid, "not voted")]
    Api(porter).post(f"/ballots/{bid}/vote", {"answers": {str(qid): 0}})
    assert Api(porter).get("/ballots").json()["items"][0]["my_status"] == "voted"
    for who, manage, scrutinise in (
        (world.secretary, True, False),
        (world.officer, True, False),
        (world.admin, True, False),
        (world.other_secretary, False, True),
    ):
        items = Api(who).get("/ballots").json()["items"]
        assert [(b["id"], b["can_manage"], b["is_scrutineer"]) for b in items] == [
            (bid, manage, scrutinise)
        ], who
        assert items[0]["my_status"] == "not on roll"
    assert Api(world.member).get("/ballots").json()["count"] == 0
    assert Api(world.outsider).get("/ballots").json()["count"] == 0


def test_define_and_prepare_permissions(world: World) -> None:
    _porters(world)
    now = timezone.now()
    payload = {
        "unit_id": world.branch_a.pk,
        "title": "Strike?",
        "preset": "uk_industrial_action",
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=3)).isoformat(),
        "sealed": False,
    }
    is_error(Api(world.member).post("/ballots", payload), 403)
    is_error(Api(world.other_secretary).post("/ballots", payload), 403)
    is_error(Api(world.outsider).post("/ballots", payload), 404)
    assert Api(world.officer).post("/ballots", payload).status_code == 201
    assert Api(world.admin).post("/ballots", payload).status_code == 201
    # Validation: 422 for the shape, 400 for the rules.
    is_error(Api(world.secretary).post("/ballots", {"title": "x"}), 422)
    is_error(Api(world.secretary).post("/ballots", {**payload, "title": "x" * 201}), 422)
    is_error(Api(world.secretary).post("/ballots", {**payload, "preset": "coin_toss"}), 400)
    is_error(
        Api(world.secretary).post("/ballots", {**payload, "closes_at": payload["opens_at"]}), 400
    )
    # A body outside the unit cannot be the constituency.
    is_error(
        Api(world.secretary).post(
            "/ballots", {**payload, "constituency_body_id": world.national_committee.pk}
        ),
        400,
    )
    # Times without an offset are read in the organisation's time zone.
    naive = Api(world.secretary).post(
        "/ballots",
        {
            **payload,
            "opens_at": "2030-01-01T09:00:00",
            "closes_at": "2030-01-08T09:00:00",
            "question": "Strike?",
        },
    )
    assert naive.status_code == 201, naive.content
    bid = naive.json()["id"]
    assert naive.json()["questions"][0]["options"] == ["Yes", "No"]

    # A draft is for the officers and the scrutineer only.
    is_error(Api(world.member).get(f"/ballots/{bid}"), 404)
    is_error(Api(world.outsider).get(f"/ballots/{bid}"), 404)
    assert Api(world.admin).get(f"/ballots/{bid}").status_code == 200
    assert Api(world.officer).get(f"/ballots/{bid}").json()["can_manage"] is True

    question = {"kind": "choose_one", "text": "Which day?", "options": ["Mon", "Tue"]}
    is_error(Api(world.member).post(f"/ballots/{bid}/questions", question), 404)
    is_error(Api(world.other_secretary).post(f"/ballots/{bid}/questions", question), 404)
    is_error(
        Api(world.secretary).post(f"/ballots/{bid}/questions", {**question, "kind": "dice"}), 400
    )
    is_error(Api(world.secretary).post(f"/ballots/{bid}/questions", {**question, "seats": 0}), 422)
    is_error(
        Api(world.secretary).post(f"/ballots/{bid}/questions", {**question, "options": ["A", "A"]}),
        400,
    )
    assert Api(world.officer).post(f"/ballots/{bid}/questions", question).status_code == 201

    # Scrutineer: officers appoint; nobody else may even probe the address book.
    is_error(Api(world.member).post(f"/ballots/{bid}/scrutineer", {"email": "x@y.z"}), 404)
    is_error(Api(world.secretary).post(f"/ballots/{bid}/scrutineer", {"email": "x@y.z"}), 400)
    is_error(Api(world.secretary).post(f"/ballots/{bid}/scrutineer", {}), 400)
    is_error(Api(world.secretary).post(f"/ballots/{bid}/scrutineer", {"user_id": "me"}), 422)
    ok = Api(world.secretary).post(f"/ballots/{bid}/scrutineer", {"email": "OTHER@example.org"})
    assert ok.json()["scrutineer_id"] == world.other_secretary.pk
    scrutineer = Api(world.other_secretary)
    assert scrutineer.get(f"/ballots/{bid}").json()["is_scrutineer"] is True
    # The scrutineer oversees but cannot change or open the ballot.
    is_error(scrutineer.post(f"/ballots/{bid}/questions", question), 403)
    is_error(scrutineer.post(f"/ballots/{bid}/scrutineer", {"email": "x@y.z"}), 403)
    is_error(scrutineer.post(f"/ballots/{bid}/open", {}), 403)

    # Problems: for the officers and the scrutineer.
    assert scrutineer.get(f"/ballots/{bid}/problems").json()["can_open"] is True
    assert Api(world.admin).get(f"/ballots/{bid}/problems").status_code == 200
    is_error(Api(world.member).get(f"/ballots/{bid}/problems"), 404)
    is_error(Api(world.outsider).get(f"/ballots/{bid}/problems"), 404)

    # Opening: officers; then the definition is frozen.
    is_error(Api(world.member).post(f"/ballots/{bid}/open", {}), 404)
    assert Api(world.officer).post(f"/ballots/{bid}/open", {}).status_code == 200
    again = Api(world.secretary).post(f"/ballots/{bid}/open", {})
    assert (
        again.status_code == 400 and "The ballot is no longer a draft." in again.json()["problems"]
    )
    is_error(Api(world.secretary).post(f"/ballots/{bid}/questions", question), 400)
    # An open ballot's problems are for officers and the scrutineer, not the members who see it.
    is_error(Api(world.member).get(f"/ballots/{bid}/problems"), 403)


def test_detail_and_voting_permissions(world: World, open_ballot: tuple[int, int]) -> None:
    bid, qid = open_ballot
    member = Api(world.member)
    # Members of the unit see the open ballot (so they can challenge), but are not on the roll.
    assert member.get(f"/ballots/{bid}").json()["my_status"] == "not on roll"
    is_error(member.post(f"/ballots/{bid}/vote", {"answers": {str(qid): 0}}), 403)
    is_error(Api(world.admin).post(f"/ballots/{bid}/vote", {"answers": {str(qid): 0}}), 403)
    is_error(Api(world.secretary).post(f"/ballots/{bid}/vote", {"answers": {str(qid): 0}}), 403)
    is_error(Api(world.outsider).get(f"/ballots/{bid}"), 404)
    is_error(Api(world.outsider).post(f"/ballots/{bid}/vote", {"answers": {}}), 404)
    is_error(Api(world.other_secretary).post(f"/ballots/{bid}/vote", {"answers": {}}), 403)
    is_error(Api(world.member).get("/ballots/999999"), 404)
    is_error(Api(world.member).get("/ballots/abc"), 422)
    porter = Api(User.objects.get(email=PORTERS[0]))
    is_error(porter.post(f"/ballots/{bid}/vote", {"answers": {str(qid): [0]}}), 400)
    is_error(porter.post(f"/ballots/{bid}/vote", {"answers": "yes"}), 422)
    assert porter.post(f"/ballots/{bid}/vote", {"answers": {str(qid): 1}}).status_code == 201
    # No figure of any kind while open.
    for who in (world.secretary, world.officer, world.admin, world.other_secretary):
        detail = Api(who).get(f"/ballots/{bid}").json()
        assert detail["board_public"] is False and detail["board_hash"] == ""
        assert not {"result", "cast", "votes", "turnout"} & set(detail)
        for url in ("result", "board", "board/ABCD-EFGH-JKLM", "report", "export"):
            is_error(Api(who).get(f"/ballots/{bid}/{url}"), 404)
        is_error(Api(who).get(f"/ballots/{bid}/roll"), 403)


def test_challenges(
    world: World, open_ballot: tuple[int, int], django_capture_on_commit_callbacks: Any
) -> None:
    bid, _ = open_ballot
    member, scrutineer = Api(world.member), Api(world.other_secretary)
    is_error(member.post(f"/ballots/{bid}/challenges", {"reason": " "}), 400)
    is_error(member.post(f"/ballots/{bid}/challenges", {}), 422)
    raised = member.post(f"/ballots/{bid}/challenges", {"reason": "I work at Riverside too."})
    assert raised.status_code == 201 and raised.json()["state"] == "pending"
    cid = raised.json()["id"]
    is_error(member.post(f"/ballots/{bid}/challenges", {"reason": "Again."}), 400)
    is_error(
        Api(User.objects.get(email=PORTERS[0])).post(f"/ballots/{bid}/challenges", {"reason": "x"}),
        400,
    )
    is_error(Api(world.outsider).post(f"/ballots/{bid}/challenges", {"reason": "x"}), 404)
    is_error(Api(world.officer).post(f"/ballots/{bid}/challenges", {"reason": "x"}), 400)

    # The challenger sees their own; the scrutineer and officers see every one.
    assert [c["id"] for c in member.get(f"/ballots/{bid}/challenges").json()] == [cid]
    assert [c["name"] for c in scrutineer.get(f"/ballots/{bid}/challenges").json()] == ["Mo Member"]
    assert len(Api(world.secretary).get(f"/ballots/{bid}/challenges").json()) == 1
    other = make_member("porter9@example.org", "Pat", world.branch_a)
    assert Api(other).get(f"/ballots/{bid}/challenges").json() == []

    decision = {"uphold": True, "reason": "Payroll confirms the workplace."}
    for who in (world.member, world.secretary, world.officer, world.admin):
        is_error(Api(who).post(f"/challenges/{cid}/decide", decision), 403)
    is_error(Api(world.outsider).post(f"/challenges/{cid}/decide", decision), 404)
    is_error(scrutineer.post("/challenges/999999/decide", decision), 404)
    is_error(scrutineer.post(f"/challenges/{cid}/decide", {"uphold": "perhaps"}), 422)
    is_error(scrutineer.post(f"/challenges/{cid}/decide", {**decision, "reason": ""}), 400)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = scrutineer.post(f"/challenges/{cid}/decide", decision)
    assert decided.status_code == 200 and decided.json()["state"] == "upheld"
    assert RollEntry.objects.filter(ballot_id=bid, user=world.member).exists()
    assert Ballot.objects.get(pk=bid).roll_size == 5
    assert member.get(f"/ballots/{bid}").json()["my_status"] == "not voted"
    assert [m.to[0] for m in mail.outbox] == ["member@example.org"]
    is_error(scrutineer.post(f"/challenges/{cid}/decide", decision), 400)
    assert Challenge.objects.get(pk=cid).decision_reason == decision["reason"]


def test_extend_and_remind(
    world: World, open_ballot: tuple[int, int], django_capture_on_commit_callbacks: Any
) -> None:
    bid, _ = open_ballot
    later = (Ballot.objects.get(pk=bid).closes_at + timedelta(days=2)).isoformat()
    earlier = (Ballot.objects.get(pk=bid).closes_at - timedelta(days=2)).isoformat()
    extend = {"closes_at": later, "reason": "Postal strike delayed the letters."}
    for who, status in (
        (world.member, 403),
        (world.other_secretary, 403),
        (world.outsider, 404),
    ):
        is_error(Api(who).post(f"/ballots/{bid}/extend", extend), status)
    secretary = Api(world.secretary)
    is_error(secretary.post(f"/ballots/{bid}/extend", {**extend, "closes_at": earlier}), 400)
    is_error(secretary.post(f"/ballots/{bid}/extend", {**extend, "reason": " "}), 400)
    is_error(secretary.post(f"/ballots/{bid}/extend", {"closes_at": "soon", "reason": "x"}), 422)
    is_error(
        secretary.post(
            f"/ballots/{bid}/extend", {"closes_at": "0001-01-01T00:00+05:00", "reason": "x"}
        ),
        422,
    )
    extended = secretary.post(f"/ballots/{bid}/extend", extend)
    assert extended.status_code == 200
    assert extended.json()["extensions"][0]["reason"] == extend["reason"]
    admin_later = (Ballot.objects.get(pk=bid).closes_at + timedelta(days=1)).replace(tzinfo=None)
    assert (
        Api(world.admin)
        .post(f"/ballots/{bid}/extend", {"closes_at": admin_later.isoformat(), "reason": "More"})
        .status_code
        == 200
    )

    for who, status in ((world.member, 403), (world.outsider, 404)):
        is_error(Api(who).post(f"/ballots/{bid}/remind", {}), status)
    porter = User.objects.get(email=PORTERS[0])
    qid = str(Ballot.objects.get(pk=bid).questions.get().pk)
    assert Api(porter).post(f"/ballots/{bid}/vote", {"answers": {qid: "blank"}}).status_code == 201
    for who in (world.secretary, world.other_secretary):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sent = Api(who).post(f"/ballots/{bid}/remind", {})
        # No figure is given: it would be the turnout so far.
        assert set(sent.json()) == {"detail"} and sent.status_code == 200
        assert sorted(m.to[0] for m in mail.outbox) == PORTERS[1:]

    # After the closing time has passed, nothing can be extended.
    _close(bid)
    is_error(secretary.post(f"/ballots/{bid}/extend", extend), 400)
    is_error(secretary.post(f"/ballots/{bid}/remind", {}), 400)


def test_after_the_close_permissions(world: World, closed_ballot: tuple[int, int]) -> None:
    bid, _ = closed_ballot
    tracker = services.export(Ballot.objects.get(pk=bid))["board"][0]["tracker"]
    everyone_inside = (
        world.member,
        world.secretary,
        world.officer,
        world.admin,
        world.other_secretary,
        User.objects.get(email=PORTERS[0]),
    )
    for who in everyone_inside:
        api = Api(who)
        assert api.get(f"/ballots/{bid}/result").json()["cast"] == 3, who
        assert api.get(f"/ballots/{bid}/board").json()["count"] == 3
        assert api.get(f"/ballots/{bid}/board/{tracker}").status_code == 200
        assert api.get(f"/ballots/{bid}/report").status_code == 200
        assert api.get(f"/ballots/{bid}/export").json()["board_public"] is True
    for url in ("result", "board", f"board/{tracker}", "report", "export", "roll"):
        is_error(Api(world.outsider).get(f"/ballots/{bid}/{url}"), 404)

    # Only the scrutineer sees the roll and signs.
    assert Api(world.other_secretary).get(f"/ballots/{bid}/roll").json()["count"] == 4
    for who in (world.member, world.secretary, world.officer, world.admin):
        is_error(Api(who).get(f"/ballots/{bid}/roll"), 403)
        is_error(Api(who).post(f"/ballots/{bid}/report/sign", {}), 403)
    is_error(Api(world.outsider).post(f"/ballots/{bid}/report/sign", {}), 404)
    assert Api(world.other_secretary).post(f"/ballots/{bid}/report/sign", {}).status_code == 200


def test_too_few_ballots_withhold_the_board_and_the_figures(
    world: World, open_ballot: tuple[int, int]
) -> None:
    """One ballot cast (below the default minimum of 10): the board, the figures for each
    answer and the threshold arithmetic would say how that voter voted. The result keeps
    turnout and the outcome, and says why the rest is withheld."""
    bid, qid = open_ballot
    tracker = (
        Api(User.objects.get(email=PORTERS[0]))
        .post(f"/ballots/{bid}/vote", {"answers": {str(qid): 0}})
        .json()["tracker"]
    )
    _close(bid)
    reason = "Only 1 ballot was cast, fewer than this ballot's publication minimum of 10"
    for who in (User.objects.get(email=PORTERS[0]), world.other_secretary, world.admin):
        api = Api(who)
        result = api.get(f"/ballots/{bid}/result").json()
        assert result["board_public"] is False and reason in result["withheld_reason"]
        assert (result["cast"], result["entitled"], result["turnout"]) == (1, 4, "25.00%")
        assert result["questions"] == [
            {
                "question": "Are you prepared to take part in strike action?",
                "kind": "yes_no",
                "cast": 1,
                "passed": False,
                "withheld": True,
            }
        ]
        for url in ("board", f"board/{tracker}"):
            missing = api.get(f"/ballots/{bid}/{url}")
            is_error(missing, 404)
            assert reason in missing.json()["detail"]
        exported = api.get(f"/ballots/{bid}/export").json()
        assert exported["board"] == [] and exported["result"]["questions"] == result["questions"]
        report = api.get(f"/ballots/{bid}/report").json()
        assert report["result"]["questions"] == result["questions"]
    # The stored result keeps everything (the database holds the ballots anyway).
    assert Ballot.objects.get(pk=bid).result["questions"][0]["votes"] == {"Yes": 1, "No": 0}


def test_publication_minimum_is_set_when_defining(world: World) -> None:
    created = _define(world, min_published_ballots=3)
    assert created["min_published_ballots"] == 3
    assert _define(world)["min_published_ballots"] == 10
    for bad in (0, -1, "many"):
        is_error(
            Api(world.secretary).post(
                "/ballots",
                {
                    "unit_id": world.branch_a.pk,
                    "title": "x",
                    "preset": "simple_majority",
                    "opens_at": timezone.now().isoformat(),
                    "closes_at": (timezone.now() + timedelta(days=1)).isoformat(),
                    "min_published_ballots": bad,
                },
            ),
            422,
        )


def test_board_and_roll_honour_the_page_size_their_schema_allows(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The schema allows page_size up to 1000; ninja's default cap cut pages at 100."""
    from tests.ballots.test_guarantees import add_voters

    add_voters(world.branch_a, 150, "many")
    User.objects.filter(email__startswith="many").update(workplace="Riverside Hospital")
    bid, qid = _ready(world)
    _open(world, django_capture_on_commit_callbacks, bid)
    entries = list(RollEntry.objects.filter(ballot_id=bid).select_related("user"))
    assert len(entries) == 154
    for entry in entries:
        services.cast_ballot(
            ballot=Ballot.objects.get(pk=bid), answers={str(qid): 0}, user=entry.user
        )
    _close(bid)
    voter = Api(entries[0].user)
    for size, expected in ((20, 20), (150, 150), (1000, 154)):
        page = voter.get(f"/ballots/{bid}/board?page_size={size}").json()
        assert (page["count"], len(page["items"])) == (154, expected), size
        roll = Api(world.other_secretary).get(f"/ballots/{bid}/roll?page_size={size}").json()
        assert (roll["count"], len(roll["items"])) == (154, expected), size
    is_error(voter.get(f"/ballots/{bid}/board?page_size=1001"), 422)
    # The roll stays the scrutineer's alone, whatever the page size.
    is_error(voter.get(f"/ballots/{bid}/roll?page_size=1000"), 403)


def test_report_names_challengers_only_to_scrutineer_and_officers(
    world: World, open_ballot: tuple[int, int]
) -> None:
    bid, _ = open_ballot
    challenge = Api(world.member).post(f"/ballots/{bid}/challenges", {"reason": "Mine."}).json()
    Api(world.other_secretary).post(
        f"/challenges/{challenge['id']}/decide", {"uphold": False, "reason": "Not employed there."}
    )
    _close(bid)
    seen = Api(world.other_secretary).get(f"/ballots/{bid}/report").json()["challenges"][0]
    assert (seen["name"], seen["state"]) == ("Mo Member", "rejected")
    hidden = (
        Api(User.objects.get(email=PORTERS[1])).get(f"/ballots/{bid}/report").json()["challenges"]
    )
    assert (hidden[0]["name"], hidden[0]["reason"], hidden[0]["state"]) == (None, None, "rejected")


@pytest.mark.parametrize(
    ("answers", "detail"),
    [
        ({"999999": [0]}, 'There is no question "999999" on this voting paper'),
        (None, "has no answer"),
        ({}, "has no answer"),
        ({"{q}": None}, "has no answer"),
        ({"{q}": []}, "has no answer"),
        ({"{q}": ""}, "has no answer"),
        ({"{q}": 2}, "has no option 2; its options are 0 “Yes”, 1 “No”"),
        ({"{q}": [0]}, "takes one option, not a list"),
        ({"{q}": 0, "999999": "blank"}, 'There is no question "999999"'),
    ],
)
def test_a_vote_that_does_not_match_the_paper_is_refused_and_the_credential_stays_unused(
    world: World, open_ballot: tuple[int, int], answers: Any, detail: str
) -> None:
    bid, qid = open_ballot
    credential = _links()[PORTERS[0]]
    body: dict[str, Any] = {"credential": credential}
    if answers is not None:
        body["answers"] = {k.replace("{q}", str(qid)): v for k, v in answers.items()}
    refused = Api(None).post(f"/ballots/{bid}/vote-with-credential", body)
    is_error(refused, 400)
    assert detail in refused.json()["detail"]
    assert "Question 1 (“Are you prepared" in refused.json()["detail"] or "999999" in detail
    assert CastBallot.objects.count() == VoteMark.objects.count() == 0
    # The same paper signed in is refused the same way.
    signed_in = Api(User.objects.get(email=PORTERS[1])).post(
        f"/ballots/{bid}/vote", {k: v for k, v in body.items() if k != "credential"}
    )
    is_error(signed_in, 400)
    assert signed_in.json()["detail"] == refused.json()["detail"]
    # The credential was not used up: the voter can still vote.
    paper = Api(None).post(f"/ballots/{bid}/paper", {"credential": credential}).json()
    assert paper["voted"] is False
    ok = Api(None).post(
        f"/ballots/{bid}/vote-with-credential",
        {"credential": credential, "answers": {str(qid): 1}},
    )
    assert ok.status_code == 201


def test_an_empty_ranking_is_no_answer_and_blank_is_cast_only_on_purpose(world: World) -> None:
    now = timezone.now()
    officer = Api(world.officer)
    bid = officer.post(
        "/ballots",
        {
            "unit_id": world.national.pk,
            "title": "Committee",
            "preset": "stv_committee",
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
            "sealed": False,
        },
    ).json()["id"]
    qid = officer.post(
        f"/ballots/{bid}/questions",
        {"kind": "stv", "text": "Elect two", "options": ["Ann", "Bo", "Cy"], "seats": 2},
    ).json()["id"]
    officer.post(f"/ballots/{bid}/scrutineer", {"user_id": world.outsider.pk})
    assert officer.post(f"/ballots/{bid}/open", {}).status_code == 200
    member = Api(world.member)
    for answer, detail in (
        ([], "has no answer"),
        ([0, 0], "option 0 “Ann” is chosen twice"),
        ([0, 3], "has no option 3; its options are 0 “Ann”, 1 “Bo”, 2 “Cy”"),
        ([0, "blank"], "choose options or “blank”, not both"),
        (1, "takes a list of options"),
        ([True], "has no option true"),
    ):
        refused = member.post(f"/ballots/{bid}/vote", {"answers": {str(qid): answer}})
        is_error(refused, 400)
        assert detail in refused.json()["detail"], answer
    assert not CastBallot.objects.exists()
    mail.outbox.clear()
    cast = member.post(f"/ballots/{bid}/vote", {"answers": {str(qid): "blank"}})
    assert cast.status_code == 201
    assert CastBallot.objects.get().content == {str(qid): "blank"}
    # The API voter gets their tracker by email too, as on the page.
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    assert cast.json()["tracker"] in mail.outbox[0].body


def test_a_vote_with_a_credential_through_the_api_emails_the_tracker(
    world: World, open_ballot: tuple[int, int]
) -> None:
    bid, qid = open_ballot
    credential = _links()[PORTERS[2]]
    mail.outbox.clear()
    cast = Api(None).post(
        f"/ballots/{bid}/vote-with-credential",
        {"credential": credential, "answers": {str(qid): 0}},
    )
    assert cast.status_code == 201
    assert [m.to for m in mail.outbox] == [[PORTERS[2]]]
    assert cast.json()["tracker"] in mail.outbox[0].body
    # A refused second attempt sends nothing.
    mail.outbox.clear()
    is_error(
        Api(None).post(
            f"/ballots/{bid}/vote-with-credential",
            {"credential": credential, "answers": {str(qid): 1}},
        ),
        409,
    )
    assert mail.outbox == []
