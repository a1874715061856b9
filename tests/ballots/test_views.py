"""The ballot pages: who may see and do what, voting from the emailed link, and that no input
ever makes a page fail."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, CastBallot, Preset, RollEntry, VoteMark
from tests.conftest import World, fresh, make_member

HOSPITAL = "Riverside Hospital"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def links_in_outbox() -> dict[str, str]:
    """Each recipient's voting path (/ballots/<id>/v/<token>/) from the credential emails."""
    links = {}
    for message in mail.outbox:
        for line in message.body.splitlines():
            if "/v/" in line:
                links[message.to[0]] = "/" + line.strip().split("/", 3)[-1]
    return links


@pytest.fixture
def porters(world: World) -> list[User]:
    people = [
        make_member(f"porter{n}@example.org", f"Porter {n}", world.branch_a) for n in range(3)
    ]
    User.objects.filter(pk__in=[p.pk for p in people]).update(workplace=HOSPITAL)
    return [fresh(p) for p in people]


@pytest.fixture
def draft(world: World, porters: list[User]) -> Ballot:
    now = timezone.now()
    return services.create_ballot(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        title="Porters: strike ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        filter_workplace=HOSPITAL,
        sealed=False,
    )


@pytest.fixture
def opened(world: World, draft: Ballot, django_capture_on_commit_callbacks: Any) -> Ballot:
    services.appoint_scrutineer(
        actor=fresh(world.secretary), ballot=draft, scrutineer=fresh(world.other_secretary)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.open_ballot(actor=fresh(world.secretary), ballot=draft)
    draft.refresh_from_db()
    return draft


def close(ballot: Ballot, *, public: bool = False) -> Ballot:
    fields: dict[str, Any] = {"closes_at": timezone.now() - timedelta(seconds=1)}
    if public:
        fields["min_published_ballots"] = 1
    Ballot.objects.filter(pk=ballot.pk).update(**fields)
    assert services.close_ballot(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    return ballot


def people(world: World, porters: list[User]) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "outsider": world.outsider,
        "member": world.member,  # in the unit, not at the hospital: not on the roll
        "voter": porters[0],
        "secretary": world.secretary,  # officer of the unit
        "officer": world.officer,  # national officer
        "scrutineer": world.other_secretary,
        "admin": world.admin,
    }


def statuses(url: str, who: dict[str, User | None]) -> dict[str, int]:
    return {
        name: client_for(user and fresh(user)).get(url).status_code for name, user in who.items()
    }


def test_draft_pages_are_for_the_officers_and_the_scrutineer(
    world: World, porters: list[User], draft: Ballot
) -> None:
    services.appoint_scrutineer(
        actor=fresh(world.secretary), ballot=draft, scrutineer=fresh(world.other_secretary)
    )
    got = statuses(f"/ballots/{draft.pk}/", people(world, porters))
    assert got == {
        "anonymous": 302,
        "outsider": 404,
        "member": 404,
        "voter": 404,
        "secretary": 200,
        "officer": 200,
        "scrutineer": 200,
        "admin": 200,
    }
    page = client_for(fresh(world.secretary)).get(f"/ballots/{draft.pk}/").content.decode()
    assert "Before it can open" in page and "Open the ballot and send credentials" in page
    # Voting, results, board, roll, report and export are not available on a draft.
    for suffix in ("vote/", "result/", "board/", "report/", "report.pdf", "export.json"):
        code = client_for(fresh(world.admin)).get(f"/ballots/{draft.pk}/{suffix}").status_code
        assert code in {404, 409}, suffix


def test_ballot_new_page_only_for_officers_of_the_unit(world: World) -> None:
    url = f"/units/{world.branch_a.pk}/ballots/new/"
    assert client_for(fresh(world.secretary)).get(url).status_code == 200
    assert client_for(fresh(world.member)).get(url).status_code == 403
    assert client_for(fresh(world.other_secretary)).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code in {403, 404}
    # The member's post does nothing.
    client_for(fresh(world.member)).post(url, {"title": "Mine", "preset": "simple_majority"})
    assert not Ballot.objects.exists()


def test_officer_defines_checks_and_opens_through_the_pages(
    world: World, porters: list[User], django_capture_on_commit_callbacks: Any
) -> None:
    secretary = client_for(fresh(world.secretary))
    unit_page = secretary.get(f"/units/{world.branch_a.pk}/").content.decode()
    assert "Define a ballot" in unit_page
    assert "Define a ballot" not in (
        client_for(fresh(world.member)).get(f"/units/{world.branch_a.pk}/").content.decode()
    )
    now = timezone.localtime()
    response = secretary.post(
        f"/units/{world.branch_a.pk}/ballots/new/",
        {
            "title": "Porters: strike ballot",
            "preset": Preset.UK_INDUSTRIAL_ACTION,
            "question": "Are you prepared to take part in strike action?",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "filter_workplace": HOSPITAL,
        },
    )
    ballot = Ballot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ballots/{ballot.pk}/"
    assert "breach of your contract" in ballot.paper_text  # the statutory statement
    page = secretary.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "No scrutineer has been appointed." in page
    # An officer of the unit cannot scrutinise it; someone without office there can.
    secretary.post(f"/ballots/{ballot.pk}/scrutineer/", {"email": "secretary@example.org"})
    assert Ballot.objects.get().scrutineer_id is None
    secretary.post(f"/ballots/{ballot.pk}/scrutineer/", {"email": "other@example.org"})
    assert Ballot.objects.get().scrutineer_id == world.other_secretary.pk
    # A second question, then the open: credentials go to the three porters only.
    secretary.post(
        f"/ballots/{ballot.pk}/question/",
        {
            "kind": "approval",
            "text": "Which action short of strike?",
            "options": "Overtime ban\nWork to rule",
            "max_choices": "2",
        },
    )
    assert ballot.questions.count() == 2
    # Nobody else may open it: a draft is not even visible to them.
    assert client_for(fresh(world.member)).post(f"/ballots/{ballot.pk}/open/").status_code == 404
    assert client_for(fresh(porters[0])).post(f"/ballots/{ballot.pk}/open/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary.post(f"/ballots/{ballot.pk}/open/", {"confirm": "yes"}, follow=True)
    assert "credentials are being emailed" in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN and ballot.roll_size == 3
    assert sorted(links_in_outbox()) == [p.email for p in porters]


def test_open_ballot_pages(world: World, porters: list[User], opened: Ballot) -> None:
    who = people(world, porters)
    assert statuses(f"/ballots/{opened.pk}/", who) == {
        "anonymous": 302,
        "outsider": 404,
        "member": 200,
        "voter": 200,
        "secretary": 200,
        "officer": 200,
        "scrutineer": 200,
        "admin": 200,
    }
    voting = statuses(f"/ballots/{opened.pk}/vote/", who)
    assert voting["voter"] == 200
    assert voting["member"] == 403 and voting["secretary"] == 403  # not on the roll
    assert voting["outsider"] == 404 and voting["anonymous"] == 302
    # The member's page says how to challenge; the voter's page says they have not voted.
    member_page = client_for(fresh(world.member)).get(f"/ballots/{opened.pk}/").content.decode()
    assert "Raise a challenge" in member_page
    voter_page = client_for(fresh(porters[0])).get(f"/ballots/{opened.pk}/").content.decode()
    assert "You have not voted in this ballot." in voter_page and "Vote now" in voter_page
    # Nothing is counted or shown before the close: not to officers, not to admins.
    for suffix in ("result/", "board/", "report/", "report.pdf", "export.json"):
        got = statuses(f"/ballots/{opened.pk}/{suffix}", who)
        assert set(got.values()) <= {302, 404}, (suffix, got)
        assert got["admin"] == 404 and got["scrutineer"] == 404 and got["secretary"] == 404
    roll = statuses(f"/ballots/{opened.pk}/roll/", who)
    assert roll["scrutineer"] == 403 and roll["admin"] == 403 and roll["secretary"] == 403


def test_what_needs_me_lists_the_ballot_until_the_member_votes(
    world: World, porters: list[User], opened: Ballot
) -> None:
    voter = client_for(fresh(porters[0]))
    assert f"Ballot: {opened.title}" in voter.get("/").content.decode()
    assert (
        f"Ballot: {opened.title}" not in client_for(fresh(world.member)).get("/").content.decode()
    )
    q = opened.questions.get()
    voter.post(f"/ballots/{opened.pk}/vote/", {f"q{q.pk}": "0", "cast": "yes"})
    assert f"Ballot: {opened.title}" not in voter.get("/").content.decode()


def test_vote_by_link_without_signing_in_then_a_second_attempt(
    world: World, porters: list[User], opened: Ballot, django_capture_on_commit_callbacks: Any
) -> None:
    link = links_in_outbox()[porters[1].email]
    q = opened.questions.get()
    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "strict-origin"
    html = page.content.decode()
    assert "<fieldset" in html and "<legend>" in html
    assert f'<label for="q{q.pk}-0">Yes</label>' in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(link, {f"q{q.pk}": "0", "cast": "yes"})
    assert response.status_code == 200
    tracker = response.context["tracker"]
    assert tracker in response.content.decode()
    assert CastBallot.objects.get().tracker == tracker
    assert CastBallot.objects.get().content == {str(q.pk): 0}
    # The tracker is emailed to the voter too.
    assert [m.to for m in mail.outbox] == [[porters[1].email]] and tracker in mail.outbox[0].body

    assert "already been cast" in anonymous.get(link).content.decode()
    again = anonymous.post(link, {f"q{q.pk}": "1"})
    assert again.status_code == 409
    assert "already been cast" in again.content.decode()
    # Signed in as the same porter: a clear refusal, and nothing changes.
    signed_in = client_for(fresh(porters[1]))
    refused = signed_in.post(f"/ballots/{opened.pk}/vote/", {f"q{q.pk}": "1"})
    assert "already voted" in refused.content.decode()
    assert CastBallot.objects.count() == VoteMark.objects.count() == 1
    assert CastBallot.objects.get().content == {str(q.pk): 0}
    opened.refresh_from_db()
    assert opened.refused_second_attempts == 2  # the two posts; looking again is no attempt


def test_a_second_attempt_racing_the_first_is_refused_with_a_clear_message(
    world: World, porters: list[User], opened: Ballot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two tabs open on the voting page: the page's own check passes in both, and the second
    submit meets the database's uniqueness — a 409 page that says nothing changed."""
    q = opened.questions.get()
    services.cast_ballot(ballot=opened, answers={str(q.pk): 1}, user=porters[2])
    monkeypatch.setattr(services, "voted", lambda ballot, user: False)
    response = client_for(fresh(porters[2])).post(
        f"/ballots/{opened.pk}/vote/", {f"q{q.pk}": "0", "cast": "yes"}
    )
    assert response.status_code == 409
    assert "has not been changed" in response.content.decode()
    assert CastBallot.objects.count() == VoteMark.objects.count() == 1
    assert CastBallot.objects.get().content == {str(q.pk): 1}
    opened.refresh_from_db()
    assert opened.refused_second_attempts == 1


def test_closed_ballot_result_board_roll_report(
    world: World, porters: list[User], opened: Ballot
) -> None:
    q = opened.questions.get()
    trackers = [
        services.cast_ballot(ballot=opened, answers={str(q.pk): answer}, user=p)
        for p, answer in zip(porters, [0, 0, 1], strict=True)
    ]
    close(opened, public=True)
    who = people(world, porters)
    result = statuses(f"/ballots/{opened.pk}/result/", who)
    assert result == {
        "anonymous": 404,
        "outsider": 404,
        "member": 200,
        "voter": 200,
        "secretary": 200,
        "officer": 200,
        "scrutineer": 200,
        "admin": 200,
    }
    page = client_for(fresh(porters[0])).get(f"/ballots/{opened.pk}/result/").content.decode()
    assert "turnout" in page and "3 / 3 = 100.00%" in page
    assert "majority of those voting" in page and "required" in page
    assert opened.board_hash in page
    assert "TULRCA" in page

    # The board: a voter finds their tracker; an unknown code is announced, never a 500.
    voter = client_for(fresh(porters[0]))
    found = voter.get(f"/ballots/{opened.pk}/board/", {"tracker": trackers[0].lower()})
    assert found.status_code == 200
    body = found.content.decode()
    assert "Found your ballot" in body and trackers[0] in body and "<dd>Yes</dd>" in body
    missing = voter.get(f"/ballots/{opened.pk}/board/", {"tracker": "<script>NOPE"})
    assert missing.status_code == 200 and "No ballot on this board" in missing.content.decode()
    assert "<script>NOPE" not in missing.content.decode()
    assert statuses(f"/ballots/{opened.pk}/board/", who)["outsider"] == 404

    # Who voted: only the scrutineer, only after the close.
    roll = statuses(f"/ballots/{opened.pk}/roll/", who)
    assert roll["scrutineer"] == 200
    assert {k: v for k, v in roll.items() if k != "scrutineer"} == {
        "anonymous": 302,
        "outsider": 404,
        "member": 403,
        "voter": 403,
        "secretary": 403,
        "officer": 403,
        "admin": 403,
    }

    # The report, HTML and PDF; the scrutineer signs it, nobody else can.
    scrutineer = client_for(fresh(world.other_secretary))
    report = scrutineer.get(f"/ballots/{opened.pk}/report/")
    assert report.status_code == 200 and "Not yet signed" in report.content.decode()
    pdf = scrutineer.get(f"/ballots/{opened.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client_for(fresh(world.secretary)).post(f"/ballots/{opened.pk}/sign/").status_code == 403
    assert client_for(fresh(world.admin)).post(f"/ballots/{opened.pk}/sign/").status_code == 403
    opened.refresh_from_db()
    assert opened.report_signed_at is None
    scrutineer.post(f"/ballots/{opened.pk}/sign/", {"confirm": "yes"})
    opened.refresh_from_db()
    assert opened.report_signed_by_id == world.other_secretary.pk
    assert (
        "Signed by Oscar Other" in scrutineer.get(f"/ballots/{opened.pk}/report/").content.decode()
    )

    # Voting after the close is refused with a page that says so.
    late = voter.get(f"/ballots/{opened.pk}/vote/")
    assert late.status_code == 409 and "closed" in late.content.decode()
    export = voter.get(f"/ballots/{opened.pk}/export.json")
    assert export.status_code == 200 and export.json()["board_hash"] == opened.board_hash


def test_too_few_ballots_withhold_the_board_and_the_figures(
    world: World, porters: list[User], opened: Ballot
) -> None:
    """Two ballots of the three on the roll, both yes, below the minimum of 10: the board and
    the figures for each answer would tell the scrutineer (who sees who voted) how both voted.
    Turnout and the outcome are published; the reason is shown where the figures would be."""
    q = opened.questions.get()
    for porter in porters[:2]:
        services.cast_ballot(ballot=opened, answers={str(q.pk): 0}, user=porter)
    close(opened)
    for who in (porters[0], world.other_secretary, world.secretary, world.admin):
        client = client_for(fresh(who))
        board = client.get(f"/ballots/{opened.pk}/board/")
        assert board.status_code == 404
        assert "Only 2 ballots were cast" in html.unescape(board.content.decode())
        page = html.unescape(client.get(f"/ballots/{opened.pk}/result/").content.decode())
        assert "Only 2 ballots were cast, fewer than this ballot's publication minimum of 10" in (
            page
        )
        assert "2 / 3 = 66.67%" in page  # turnout is published
        assert "Passed" in page  # and so is the outcome
        assert "<td>Yes</td>" not in page and "Blank" not in page  # not the figures
        assert "answered “Yes”" not in page
        report = client.get(f"/ballots/{opened.pk}/report/").content.decode()
        assert "<td>Yes</td>" not in report and "not reached" in report
    assert (
        client_for(fresh(world.other_secretary)).get(f"/ballots/{opened.pk}/roll/").status_code
        == 200
    )
    export = client_for(fresh(porters[0])).get(f"/ballots/{opened.pk}/export.json").json()
    assert export["board"] == [] and export["board_public"] is False
    assert "votes" not in export["result"]["questions"][0]
    assert "Only 2 ballots were cast" in export["result"]["withheld"]


def test_enough_ballots_publish_the_board_whatever_the_roll(
    world: World, porters: list[User], opened: Ballot
) -> None:
    """The minimum counts ballots cast, not the roll: a minimum of 3 met by three ballots of a
    roll of three publishes everything."""
    Ballot.objects.filter(pk=opened.pk).update(min_published_ballots=3)
    q = opened.questions.get()
    for porter, answer in zip(porters, [0, 1, "blank"], strict=True):
        services.cast_ballot(ballot=opened, answers={str(q.pk): answer}, user=porter)
    close(opened)
    voter = client_for(fresh(porters[0]))
    assert voter.get(f"/ballots/{opened.pk}/board/").status_code == 200
    page = voter.get(f"/ballots/{opened.pk}/result/").content.decode()
    assert "<td>Yes</td><td>1</td>" in page and "withheld" not in page


def test_stv_result_renders_the_count_sheet(world: World) -> None:
    now = timezone.now()
    officer = fresh(world.officer)
    ballot = services.create_ballot(
        actor=officer,
        unit=world.national,
        title="Committee election",
        preset=Preset.STV_COMMITTEE,
        opens_at=now,
        closes_at=now + timedelta(days=1),
        sealed=False,
    )
    q = services.add_question(
        actor=officer,
        ballot=ballot,
        kind="stv",
        text="Elect two",
        options=["Ann", "Bo", "Cy"],
        seats=2,
    )
    services.appoint_scrutineer(actor=officer, ballot=ballot, scrutineer=world.outsider)
    services.open_ballot(actor=officer, ballot=ballot)
    # The ranked voting form: one labelled number box per candidate; duplicate ranks are refused.
    voter = client_for(fresh(world.member))
    form = voter.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert f'<label for="q{q.pk}_0">Ann</label>' in form
    bad = voter.post(f"/ballots/{ballot.pk}/vote/", {f"q{q.pk}_0": "1", f"q{q.pk}_1": "1"})
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert 'value="1"' in bad.content.decode()  # the voter's numbers are kept
    assert not CastBallot.objects.exists()
    voter.post(f"/ballots/{ballot.pk}/vote/", {f"q{q.pk}_0": "1", f"q{q.pk}_2": "2", "cast": "yes"})
    assert CastBallot.objects.get().content == {str(q.pk): [0, 2]}
    for entry in RollEntry.objects.filter(ballot=ballot, mark__isnull=True)[:3]:
        services.cast_ballot(ballot=ballot, answers={str(q.pk): [1, 0]}, user=entry.user)
    close(ballot, public=True)
    page = voter.get(f"/ballots/{ballot.pk}/result/").content.decode()
    assert "count-sheet" in page and "Stage 1" in page and "Elected" in page


BAD_POSTS: list[dict[str, Any]] = [
    {},
    {"qX": "1"},
    {"q{q}": "7"},
    {"q{q}": "-1"},
    {"q{q}": "yes"},
    {"q{q}": ["0", "1"]},
    {"q{q}": "0" * 400},
    {"q{q}_0": "1", "q{q}_1": "1"},
    {"q{q}": "\x00"},
]


@pytest.mark.parametrize("data", BAD_POSTS)
def test_bad_votes_never_fail(
    world: World, porters: list[User], opened: Ballot, data: dict[str, Any]
) -> None:
    q = opened.questions.get()
    form = {k.replace("{q}", str(q.pk)): v for k, v in data.items()}
    response = client_for(fresh(porters[0])).post(f"/ballots/{opened.pk}/vote/", form)
    assert response.status_code in {200, 400}
    # Whatever was posted, at most one ballot exists and it matches its roll mark.
    assert CastBallot.objects.count() == VoteMark.objects.count() <= 1


def test_bad_input_elsewhere_never_fails(world: World, porters: list[User], opened: Ballot) -> None:
    secretary = client_for(fresh(world.secretary))
    scrutineer = client_for(fresh(world.other_secretary))
    anonymous = Client()
    checks = [
        (anonymous.get(f"/ballots/{opened.pk}/v/forged-token/"), {403}),
        (anonymous.post(f"/ballots/{opened.pk}/v/forged-token/", {"q1": "0"}), {403}),
        (anonymous.get(f"/ballots/999999/v/{'x' * 300}/"), {404}),
        (secretary.get("/ballots/999999/"), {404}),
        (secretary.post(f"/ballots/{opened.pk}/nonsense/"), {404}),
        (secretary.post(f"/ballots/{opened.pk}/question/", {"kind": "??"}), {302}),
        (secretary.post(f"/ballots/{opened.pk}/scrutineer/", {"email": "not-an-email"}), {302}),
        (secretary.post(f"/ballots/{opened.pk}/extend/", {"closes_at": "tomorrow"}), {302}),
        (
            secretary.post(
                f"/ballots/{opened.pk}/extend/", {"closes_at": "2001-01-01T00:00", "reason": "x"}
            ),
            {302},
        ),
        (secretary.post(f"/ballots/{opened.pk}/open/"), {200}),
        (secretary.post(f"/ballots/{opened.pk}/open/", {"confirm": "yes"}), {302}),
        (secretary.post(f"/ballots/{opened.pk}/sign/"), {403}),
        (scrutineer.post("/challenges/999999/decide/", {"uphold": "yes"}), {404}),
        (client_for(fresh(world.member)).post(f"/ballots/{opened.pk}/challenge/", {}), {302}),
        (secretary.get(f"/ballots/{opened.pk}/board/", {"tracker": "x" * 5000}), {404}),
        (
            secretary.post(
                f"/units/{world.branch_a.pk}/ballots/new/",
                {"title": "x", "preset": "bogus", "opens_at": "soon", "closes_at": ""},
            ),
            {200},
        ),
        (
            secretary.post(
                f"/units/{world.branch_a.pk}/ballots/new/",
                {
                    "title": "Backwards",
                    "preset": "simple_majority",
                    "opens_at": "2030-01-02T10:00",
                    "closes_at": "2030-01-01T10:00",
                },
            ),
            {200},
        ),
    ]
    for response, expected in checks:
        assert response.status_code in expected, (
            response.request["PATH_INFO"],
            response.status_code,
        )
    opened.refresh_from_db()
    assert opened.closes_at > timezone.now()
    assert Ballot.objects.count() == 1


def test_challenge_and_decision_through_the_pages(
    world: World, porters: list[User], opened: Ballot, django_capture_on_commit_callbacks: Any
) -> None:
    member = client_for(fresh(world.member))
    member.post(f"/ballots/{opened.pk}/challenge/", {"reason": "I work at the hospital too."})
    challenge = opened.challenges.get()
    # Only the scrutineer decides.
    client_for(fresh(world.secretary)).post(
        f"/challenges/{challenge.pk}/decide/", {"uphold": "yes", "reason": "ok"}
    )
    challenge.refresh_from_db()
    assert challenge.state == "pending"
    page = client_for(fresh(world.other_secretary)).get(f"/ballots/{opened.pk}/").content.decode()
    assert "I work at the hospital too." in page and "Decide" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(fresh(world.other_secretary)).post(
            f"/challenges/{challenge.pk}/decide/", {"uphold": "yes", "reason": "On the rota."}
        )
    challenge.refresh_from_db()
    assert challenge.state == "upheld"
    assert world.member.email in links_in_outbox()
    opened.refresh_from_db()
    assert opened.roll_size == 4


def test_list_page_shows_each_persons_ballots(
    world: World, porters: list[User], opened: Ballot
) -> None:
    page = client_for(fresh(porters[0])).get("/ballots/").content.decode()
    assert opened.title in page and "you have not voted" in page
    assert (
        opened.title in client_for(fresh(world.other_secretary)).get("/ballots/").content.decode()
    )
    assert opened.title in client_for(fresh(world.secretary)).get("/ballots/").content.decode()
    assert opened.title not in client_for(world.outsider).get("/ballots/").content.decode()


def test_every_answer_to_a_voting_link_keeps_the_credential_out_of_referers(
    world: World, porters: list[User], opened: Ballot
) -> None:
    """The voting link is the credential, and every page served at it — the paper, its error,
    the tracker page, "already voted", "not valid", "not open", "not found" — would send it in
    the Referer of its own static files and links. Each carries strict-origin (only the site's
    origin is ever sent) and no-store."""
    link = links_in_outbox()[porters[0].email]
    q = opened.questions.get()
    anonymous = Client()
    answers = [
        ("paper", anonymous.get(link), 200),
        (
            "paper with an error",
            anonymous.post(link, {f"q{q.pk}": "0", f"q{q.pk}_blank": "blank"}),
            400,
        ),
        ("cast a blank ballot?", anonymous.post(link, {}), 200),
        ("review", anonymous.post(link, {f"q{q.pk}": "0"}), 200),
        ("tracker page", anonymous.post(link, {f"q{q.pk}": "0", "cast": "yes"}), 200),
        ("already voted", anonymous.get(link), 200),
        ("second attempt", anonymous.post(link, {f"q{q.pk}": "0"}), 409),
        ("not valid", anonymous.get(f"/ballots/{opened.pk}/v/forged/"), 403),
        ("no such ballot", anonymous.get("/ballots/999999/v/forged/"), 404),
    ]
    close(opened)
    other = links_in_outbox()[porters[1].email]
    answers.append(("closed", anonymous.get(other), 409))
    for name, response, status in answers:
        assert response.status_code == status, name
        assert response["Referrer-Policy"] == "strict-origin", name
        assert response["Cache-Control"] == "no-store", name


def test_a_paper_with_nothing_chosen_asks_and_the_link_stays_usable(
    world: World, porters: list[User], opened: Ballot
) -> None:
    """Nothing chosen is not silently a blank vote: the page asks "cast a blank ballot?" and
    stores nothing; a refused paper keeps what was chosen; the voter can then vote, or leave
    the question blank on purpose with its own box."""
    link = links_in_outbox()[porters[0].email]
    q = opened.questions.get()
    anonymous = Client()
    asked = anonymous.post(link, {})
    assert asked.status_code == 200
    assert "Cast a blank ballot?" in asked.content.decode()
    assert CastBallot.objects.count() == 0
    # A choice and the blank box together: refused, and both are still ticked on the page.
    both = anonymous.post(link, {f"q{q.pk}": "1", f"q{q.pk}_blank": "blank"})
    assert both.status_code == 400 and "Do one or the other" in both.content.decode()
    html = both.content.decode()
    assert f'id="q{q.pk}-1" value="1" checked' in html
    assert f'id="q{q.pk}_blank" value="blank" checked' in html
    # An option that is not on the paper (a tampered form) names it.
    tampered = anonymous.post(link, {f"q{q.pk}": "7"})
    assert tampered.status_code == 400 and "has no option 7" in tampered.content.decode()
    assert CastBallot.objects.count() == VoteMark.objects.count() == 0
    blank = anonymous.post(link, {f"q{q.pk}_blank": "blank", "cast": "yes"})
    assert blank.status_code == 200 and "Your vote is cast" in blank.content.decode()
    assert CastBallot.objects.get().content == {str(q.pk): "blank"}


def test_ranked_paper_keeps_the_voters_numbers_on_error(world: World) -> None:
    now = timezone.now()
    officer = fresh(world.officer)
    ballot = services.create_ballot(
        actor=officer,
        unit=world.national,
        title="Committee election",
        preset=Preset.STV_COMMITTEE,
        opens_at=now,
        closes_at=now + timedelta(days=1),
        sealed=False,
    )
    q = services.add_question(
        actor=officer, ballot=ballot, kind="stv", text="Elect two", options=["A", "B", "C"], seats=2
    )
    services.appoint_scrutineer(actor=officer, ballot=ballot, scrutineer=world.outsider)
    services.open_ballot(actor=officer, ballot=ballot)
    voter = client_for(fresh(world.member))
    url = f"/ballots/{ballot.pk}/vote/"
    for form, message in (
        ({f"q{q.pk}_0": "x"}, "is not a preference number"),
        ({f"q{q.pk}_0": "0"}, "is not a preference number"),
        ({f"q{q.pk}_0": "2", f"q{q.pk}_blank": "blank"}, "Do one or the other"),
    ):
        response = voter.post(url, form)
        assert response.status_code == 400 and message in response.content.decode(), form
    assert 'value="2"' in response.content.decode()
    assert not CastBallot.objects.exists()
    review = voter.post(url, {f"q{q.pk}_blank": "blank"})
    assert review.status_code == 200 and "Check your vote" in review.content.decode()
    assert not CastBallot.objects.exists()
    assert voter.post(url, {f"q{q.pk}_blank": "blank", "cast": "yes"}).status_code == 200
    assert CastBallot.objects.get().content == {str(q.pk): "blank"}


@pytest.mark.parametrize(
    "typed",
    ["{t}", "{lower}", "{spaced}", "{bare}", "{lower_bare}", " {t} ", "{dashes}"],
)
def test_tracker_look_up_accepts_what_voters_type(
    world: World, porters: list[User], opened: Ballot, typed: str
) -> None:
    Ballot.objects.filter(pk=opened.pk).update(min_published_ballots=1)
    q = opened.questions.get()
    tracker = services.cast_ballot(ballot=opened, answers={str(q.pk): 0}, user=porters[0])
    close(opened)
    bare = tracker.replace("-", "")
    text = typed.format(
        t=tracker,
        lower=tracker.lower(),
        spaced=tracker.replace("-", " "),
        bare=bare,
        lower_bare=bare.lower(),
        dashes=tracker.replace("-", "\u2013"),
    )
    page = client_for(fresh(porters[0])).get(f"/ballots/{opened.pk}/board/", {"tracker": text})
    assert page.status_code == 200
    assert "Found your ballot" in page.content.decode(), text
    api = Client()
    api.force_login(fresh(porters[0]))
    found = api.get(f"/api/v1/ballots/{opened.pk}/board/{text.strip()}")
    assert found.status_code == 200 and found.json()["tracker"] == tracker


def test_deadlines_carry_their_time_zone_and_the_page_says_how_the_ballot_closes(
    world: World, porters: list[User], opened: Ballot
) -> None:
    from iskra.ballots.dates import when

    closes = when(opened.closes_at)
    assert re.fullmatch(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d (GMT|BST)", closes)
    voter = client_for(fresh(porters[0]))
    detail = voter.get(f"/ballots/{opened.pk}/").content.decode()
    assert closes in detail and "How this ballot closes" in detail
    assert "every 20 seconds" in detail and "Nobody can close a ballot early" in detail
    assert closes in voter.get(f"/ballots/{opened.pk}/vote/").content.decode()
    assert closes in voter.get("/ballots/").content.decode()
    assert closes in voter.get("/").content.decode()  # "What needs me"
    # The credential emails (sent when the ballot opened) give the same moment.
    credential = next(m for m in mail.outbox if m.to == [porters[0].email])
    assert closes in credential.body
    # Voting: the tracker page and the tracker email.
    q = opened.questions.get()
    mail.outbox.clear()
    voted = voter.post(
        f"/ballots/{opened.pk}/vote/", {f"q{q.pk}": "0", "cast": "yes"}
    ).content.decode()
    assert closes in voted
    assert closes in mail.outbox[0].body
    # The officer's page says what a reminder does to the earlier links.
    officer_page = client_for(fresh(world.secretary)).get(f"/ballots/{opened.pk}/").content
    assert "the link in their earlier emails stops working" in officer_page.decode()


def test_reminding_through_the_page_gives_no_figure(
    world: World, porters: list[User], opened: Ballot, django_capture_on_commit_callbacks: Any
) -> None:
    from iskra.audit.models import AuditEntry

    q = opened.questions.get()
    services.cast_ballot(ballot=opened, answers={str(q.pk): 0}, user=porters[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(fresh(world.secretary)).post(
            f"/ballots/{opened.pk}/remind/", follow=True
        )
    page = response.content.decode()
    assert "Reminders are going out" in page
    message = page.split("Reminders are going out", 1)[1].split("</", 1)[0]
    assert not re.search(r"\d", message), message
    entry = AuditEntry.objects.filter(action="ballot.remind").get()
    assert entry.data == {}
    # Member and forbidden paths: a voter cannot remind, an outsider does not see the ballot.
    assert client_for(fresh(porters[1])).post(f"/ballots/{opened.pk}/remind/").status_code == 403
    assert client_for(world.outsider).post(f"/ballots/{opened.pk}/remind/").status_code == 404
