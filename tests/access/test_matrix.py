"""The access-control matrix: every page and every API operation, as each persona.

The expected answers are data, in one table: ``tests/access/matrix.csv``, one row per page
(GET; pages that only take a form are also posted empty) or API operation, one column per
persona. The test fails on any answer that differs, on
any page or operation the table does not list (a new endpoint must be added to it) and on any
row whose page or operation no longer exists.

The world is the demo organisation (``iskra demo``). "The branch" is Riverside: every URL
parameter names a Riverside object where there is one (its unit, bodies, branch meeting,
secretary's seat, applications, the member's record and case, its action and ballots), so
Hillside's member and secretary show what another branch gets.

Personas (columns): ``anon`` (not signed in), ``applicant`` (Ari, applied to Riverside),
``member`` (Riverside), ``other_member`` (Hillside), ``other_secretary`` (Hillside's
secretary), ``secretary`` (Riverside's secretary: the branch's officer), ``admin`` (superuser).

Every request runs in a savepoint that is rolled back, so the state-changing API operations
can be sent real bodies (``BODIES``) and each answer shows the permission, not a side effect
of the request before. To redraw the table after adding an endpoint, run
``ISKRA_WRITE_MATRIX=1 uv run pytest tests/access/test_matrix.py`` and review every changed
row: a row is a statement of who may do what.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from iskra.accounts.models import User
from iskra.accounts.services import issue_token
from iskra.demo.seed.sealed import SEALED_TITLE

TABLE = Path(__file__).with_name("matrix.csv")
PERSONAS = (
    "anon",
    "applicant",
    "member",
    "other_member",
    "other_secretary",
    "secretary",
    "admin",
)
MISSING = 999_999

# Bodies for the API operations that change something: valid where that is cheap to write, so
# the answer is the permission check's, not the schema's. Every request is rolled back.
BODIES: dict[str, Any] = {
    "POST /api/v1/units": {"name": "New unit", "kind_id": "{kind_id}", "parent_id": "{unit_id}"},
    "POST /api/v1/units/{unit_id}/move": {"new_parent_id": "{district_id}"},
    "POST /api/v1/bodies": {"unit_id": "{unit_id}", "kind": "committee", "name": "New body"},
    "POST /api/v1/seats": {"body_id": "{body_id}", "role": "chair", "title": "Chair"},
    "POST /api/v1/seats/{seat_id}/holders": {"holder_id": "{member_user_id}"},
    "POST /api/v1/terms/{holding_id}/end": {"reason": "resigned"},
    "PATCH /api/v1/me": {"pronouns": "they/them"},
    "PATCH /api/v1/bodies/{body_id}/standing-orders": {"dissent_days": 10},
    "POST /api/v1/members/{membership_id}/status": {"to_status": "lapsed", "reason": "no dues"},
    "POST /api/v1/members/{membership_id}/erase": {"request": "Asked by letter"},
    "POST /api/v1/applications": {
        "email": "new@example.org",
        "full_name": "New Person",
        "password": "a long enough password 42",
        "unit_id": "{unit_id}",
        "agreed_to_aims": True,
    },
    "POST /api/v1/applications/{application_id}/decision": {"admit": True},
    "POST /api/v1/motions": {"body_id": "{body_id}", "title": "A motion", "text": "We act."},
    "POST /api/v1/motions/composites": {
        "motion_ids": ["{motion_id}", "{draft_motion_id}"],
        "title": "Composite",
        "text": "We act together.",
    },
    "PATCH /api/v1/motions/{motion_id}": {"title": "A new title"},
    "POST /api/v1/motions/{motion_id}/amendments": {"kind": "whole", "new_text": "We act now."},
    "POST /api/v1/motions/{motion_id}/positions": {"unit_id": "{unit_id}", "stance": "support"},
    "POST /api/v1/motions/{motion_id}/posts": {"text": "I agree."},
    "PATCH /api/v1/posts/{post_id}": {"text": "Edited."},
    "POST /api/v1/posts/{post_id}/hide": {"reason": "off topic"},
    "POST /api/v1/motions/{motion_id}/rule-out": {"reason": "Not competent"},
    "POST /api/v1/bulletins": {
        "body_id": "{body_id}",
        "title": "Bulletin",
        "opens_on": "2099-01-01",
        "closes_on": "2099-02-01",
    },
    "POST /api/v1/bulletins/{bulletin_id}/contributions": {"title": "Mine", "text": "Text."},
    "POST /api/v1/meetings": {
        "body_id": "{body_id}",
        "title": "A meeting",
        "starts_at": "2099-01-01T18:00:00Z",
    },
    "POST /api/v1/meetings/{meeting_id}/agenda": {"kind": "other", "title": "Any other business"},
    "POST /api/v1/meetings/{meeting_id}/attendance": {"user_id": "{member_user_id}"},
    "POST /api/v1/meetings/{meeting_id}/register": {"user_ids": ["{member_user_id}"]},
    "POST /api/v1/meetings/{meeting_id}/apologies": {"user_ids": ["{member_user_id}"]},
    "POST /api/v1/meetings/{meeting_id}/reply": {"answer": "attending"},
    "POST /api/v1/meetings/{meeting_id}/proxy": {"holder_id": "{member_user_id}"},
    "POST /api/v1/bodies/{body_id}/reserved-places": {
        "label": "young members",
        "at_least": 1,
        "from_delegates": 2,
    },
    "PUT /api/v1/reserved-places/{place_id}/claim": {"counts": True},
    "POST /api/v1/by-elections/{by_election_id}/nominations": {"nominee_id": "{member_user_id}"},
    "POST /api/v1/ballots/{ballot_id}/proxy": {"holder_id": "{member_user_id}"},
    "POST /api/v1/requisitions/{requisition_id}/units": {
        "unit_id": "{unit_id}",
        "authority": "Branch meeting",
    },
    "POST /api/v1/ballots/{ballot_id}/proxy-votes": {
        "member_id": "{member_user_id}",
        "answers": {},
    },
    "POST /api/v1/seats/{seat_id}/election": {
        "holder_id": "{member_user_id}",
        "meeting_id": "{meeting_id}",
    },
    "POST /api/v1/publications/{publication_id}/articles": {"title": "T", "body": "B"},
    "POST /api/v1/publications/{publication_id}/leaflets": {"title": "T", "front": "F"},
    "PUT /api/v1/leaflets/{leaflet_id}": {"title": "T", "front": "F"},
    "PUT /api/v1/mailing-lists/{list_id}/subscription": {"subscribed": True},
    "POST /api/v1/publications/{publication_id}/sales": {
        "unit_id": "{unit_id}",
        "pitch": "Market",
        "sold_on": "{today}",
        "copies": 3,
        "money": "3.00",
    },
    "PUT /api/v1/editions/{edition_id}/bundles/{unit_id}": {"copies_wanted": 10},
    "PUT /api/v1/publications/{publication_id}/targets/{unit_id}": {"copies_per_edition": 10},
    "POST /api/v1/units/{unit_id}/contacts": {
        "name": "Jo",
        "email": "jo@example.net",
        "consent": True,
    },
    "POST /api/v1/publications/{publication_id}/subscriptions": {
        "unit_id": "{unit_id}",
        "kind": "digital",
        "name": "Pat",
        "email": "pat@example.net",
    },
    "POST /api/v1/mailing-lists/{list_id}/sends": {"subject": "S", "intro": "I"},
    "POST /api/v1/publications/{publication_id}/letters": {
        "kind": "letter",
        "title": "T",
        "body": "B",
    },
    "PATCH /api/v1/articles/{article_id}": {"title": "T", "body": "B"},
    "POST /api/v1/articles/{article_id}/steps": {"step": "edited"},
    "POST /api/v1/articles/{article_id}/comments": {"body": "Good."},
    "PUT /api/v1/articles/{article_id}/edition": {"edition_id": "{edition_id}"},
    "POST /api/v1/publications/{publication_id}/editions": {"number": 99, "date": "{today}"},
    "POST /api/v1/units/{unit_id}/events": {
        "kind": "stall",
        "title": "Stall",
        "place": "Market",
        "starts_at": "{event_start}",
        "ends_at": "{event_end}",
    },
    "POST /api/v1/events/{event_id}/cancel": {"reason": "Rain"},
    "POST /api/v1/events/{event_id}/shifts": {
        "title": "Steward",
        "starts_at": "{stall_start}",
        "ends_at": "{stall_end}",
        "needed": 2,
    },
    "PUT /api/v1/events/{event_id}": {
        "kind": "stall",
        "title": "Stall",
        "place": "Market",
        "starts_at": "{event_start}",
        "ends_at": "{event_end}",
    },
    "POST /api/v1/events/{event_id}/check-ins": {"rsvp_id": "{rsvp_id}"},
    "POST /api/v1/events/{event_id}/walk-ins": {"name": "Dee"},
    "PUT /api/v1/events/{event_id}/report": {"attendance": 5},
    "POST /api/v1/units/{unit_id}/campaigns": {"name": "C"},
    "PUT /api/v1/publications/{publication_id}/staff/{user_id}": {"kind": "writer"},
    "POST /api/v1/meeting-records": {
        "body_id": "{body_id}",
        "title": "Held earlier",
        "starts_at": "2020-01-01T18:00:00Z",
    },
    "POST /api/v1/meetings/{meeting_id}/hands": {
        "motion_id": "{motion_id}",
        "votes_for": 1,
        "votes_against": 0,
    },
    "POST /api/v1/meetings/{meeting_id}/votes": {"motion_id": "{motion_id}", "method": "roll_call"},
    "POST /api/v1/meetings/{meeting_id}/minutes/approve": {"at_meeting_id": "{meeting_id}"},
    "POST /api/v1/meetings/{meeting_id}/positions": {"motion_id": "{motion_id}", "mandate": "free"},
    "PUT /api/v1/meetings/{meeting_id}/minutes": {"text": "Minutes."},
    "POST /api/v1/votes/{vote_id}/ballots": {"choice": "for"},
    "POST /api/v1/decisions/{decision_id}/dissents": {"text": "I disagree."},
    "POST /api/v1/holdings/{holding_id}/recall-petitions": {"reason": "Never reports back."},
    "PUT /api/v1/recall-petitions/{petition_id}/reply": {"text": "I do report back."},
    "POST /api/v1/bodies/{body_id}/requisitions": {
        "agenda": "The hospital closure",
        "reason": "The members must decide now.",
    },
    "POST /api/v1/holdings/{holding_id}/no-confidence": {"reason": "Absent since spring."},
    "POST /api/v1/bodies/{body_id}/no-confidence": {"reason": "The cuts."},
    "POST /api/v1/requisitions/{requisition_id}/meeting": {
        "starts_at": "2099-01-01T18:00:00Z",
        "location": "The hall",
    },
    "POST /api/v1/decisions/{decision_id}/actions": {
        "title": "Leaflet the estate",
        "due_on": "2099-01-01",
        "unit_id": "{unit_id}",
    },
    "POST /api/v1/actions/{action_id}/commitments": {"description": "I will", "amount": 1},
    "POST /api/v1/actions/{action_id}/reports": {"figure": 1, "text": "Done."},
    "POST /api/v1/ballots": {
        "unit_id": "{unit_id}",
        "title": "A ballot",
        "preset": "simple_majority",
        "opens_at": "2099-01-01T00:00:00Z",
        "closes_at": "2099-01-10T00:00:00Z",
    },
    "POST /api/v1/ballots/{ballot_id}/questions": {
        "kind": "yes_no",
        "text": "Do you agree?",
        "options": ["Yes", "No"],
    },
    "POST /api/v1/ballots/{ballot_id}/scrutineer": {"user_id": "{member_user_id}"},
    "POST /api/v1/ballots/{ballot_id}/vote": {"answers": {}},
    "POST /api/v1/ballots/{ballot_id}/vote-with-credential": {
        "credential": "not-a-credential",
        "answers": {},
    },
    "POST /api/v1/ballots/{ballot_id}/paper": {"credential": "not-a-credential"},
    "POST /api/v1/ballots/{ballot_id}/sealed/ballots": {"ballot": {"answers": []}},
    "POST /api/v1/ballots/{ballot_id}/sealed/audits": {"tracker": "A" * 43},
    "POST /api/v1/ballots/{ballot_id}/sealed/credentials": {
        "batch": {"batch": 1, "credentials": []},
        "authority": {"name": "CA", "sign_key": "00"},
    },
    "POST /api/v1/ballots/{ballot_id}/sealed/credentials/further": {
        "batch": {"batch": 2, "credentials": []}
    },
    "POST /api/v1/ballots/{ballot_id}/challenges": {"reason": "My vote is missing."},
    "POST /api/v1/challenges/{challenge_id}/decide": {"uphold": False, "reason": "No."},
    "POST /api/v1/ballots/{ballot_id}/extend": {
        "closes_at": "2099-01-01T00:00:00Z",
        "reason": "More time.",
    },
}


# Per-route values where one parameter name means different things.
ROUTE_PARAMS: dict[str, dict[str, Any]] = {
    "desk/articles/<int:article_id>/revisions/<int:number>/": {"number": 1},
    "newsletter/<slug:slug>/subscribe/": {"slug": "the-spark-daily"},
    "calendar/<slug:token>.ics": {"token": "{feed_token}"},
    "ballots/<int:ballot_id>/v/<str:token>/": {"token": "not-a-credential"},
    # A sealed ballot's own pages and files ask about the demo's sealed ballot.
    **{
        f"ballots/<int:ballot_id>/{tail}": {"ballot_id": "{sealed_ballot_id}"}
        for tail in (
            "sealed/",
            "trustee/",
            "trustee/round.json",
            "credentials/",
            "credentials/roll.txt",
            "election.json",
            "record.json",
            "audit/",
        )
    },
}

# The same for API operations, by path.
API_PARAMS: dict[str, dict[str, Any]] = {
    f"/api/v1/ballots/{{ballot_id}}/sealed/{tail}": {"ballot_id": "{sealed_ballot_id}"}
    for tail in (
        "election",
        "ballots",
        "board",
        "audits",
        "credentials",
        "credentials/further",
    )
}
# Query strings for operations that need one to reach their logic (a required parameter).
API_QUERIES: dict[str, str] = {"/api/v1/search": "?q=riverside"}


def _page_routes() -> list[str]:
    """Every URL pattern outside the API and the Django admin (whose index stands for it)."""

    def walk(patterns: list[Any], prefix: str) -> list[str]:
        found = []
        for p in patterns:
            if isinstance(p, URLResolver):
                found += walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))
        return found

    routes = walk(get_resolver().url_patterns, "")
    pages = [r for r in routes if not r.startswith(("api/v1/", "admin/"))]
    return sorted({*pages, "admin/", "api/v1/", "api/v1/openapi.json", "api/v1/docs"})


def _api_operations(client: Client) -> list[str]:
    schema = client.get("/api/v1/openapi.json").json()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )


def _seed() -> dict[str, Any]:
    """The demo, plus a case about the member, a token and a calendar feed; the values that
    fill every URL parameter and body."""
    from iskra.decisions.models import Action, Decision
    from iskra.demo.seed import seed_demo
    from iskra.meetings.models import Meeting, Vote
    from iskra.meetings.services import calendar_feed_for
    from iskra.members import services as members
    from iskra.members.models import Application, Membership, Status, Transfer
    from iskra.motions.models import Amendment, Bulletin, Motion, Post
    from iskra.organisation.models import Body, SeatHolding, Unit
    from iskra.representation.models import RecallPetition, Requisition, ReservedPlace

    seed_demo()
    riverside = Unit.objects.get(name="Riverside Branch")
    committee = Body.objects.get(name="Riverside Branch Committee")
    secretary = User.objects.get(email="secretary@example.org")
    member = User.objects.get(email="member@example.org")
    hillside_secretary = (
        SeatHolding.objects.current().get(seat__title="Hillside Branch Secretary").holder
    )
    seat_holders = SeatHolding.objects.values("holder_id")
    other_member = (
        User.objects.filter(
            membership__unit__name="Hillside Branch", membership__status=Status.MEMBER
        )
        .exclude(pk__in=seat_holders)
        .exclude(email="scrutineer@example.org")
        .order_by("pk")
        .first()
    )
    assert other_member is not None
    membership = Membership.objects.get(user=member)
    case = members.open_case(
        actor=secretary,
        membership=membership,
        complaint="Missed the rota.",
        deciding_body=committee,
    )
    token, _ = issue_token(user=member, name="matrix")
    # A by-election for a Riverside seat taking nominations, with the member standing.
    from iskra.organisation.models import Seat
    from iskra.representation import byelections
    from iskra.representation.models import ByElection
    from iskra.representation.services import draft_by_election

    treasurer_seat = Seat.objects.get(title="Riverside Branch Treasurer")
    by_election = ByElection.objects.get(
        ballot=draft_by_election(treasurer_seat, why="Vacant", created_by=secretary)
    )
    nomination = byelections.nominate(actor=member, by_election=by_election, nominee=member)
    # The branch's meeting is under way, so attendance and closing reach their checks.
    from iskra.meetings import services as meetings

    branch_meeting = Meeting.objects.get(body__unit=riverside)
    meetings.open_meeting(actor=secretary, meeting=branch_meeting, reason="opened at once (test)")
    from iskra.ballots.models import Ballot
    from iskra.core.notifications import notify

    # The member's own notification: theirs to read, "not found" to everyone else.
    notify(users=[member], kind="matrix", title="For the matrix", url="/motions/")
    notification = member.notifications.get(kind="matrix")
    # The paper: Riverside's secretary writes for it (a writer sees their own articles only);
    # the article is another writer's letter on the desk.
    from iskra.newsletter.models import MailingList, Send
    from iskra.press import services as press
    from iskra.press.models import Article, Contact, Edition, Leaflet, Publication

    spark = Publication.objects.get(slug="the-spark")
    press.set_role(
        actor=User.objects.get(email="officer@example.org"),
        publication=spark,
        user=secretary,
        kind="writer",
    )
    lead = Article.objects.get(edition__number=41, is_lead=True)
    from iskra.campaigns.models import Event, Rsvp

    stall = Event.objects.get(kind="stall", unit=riverside)
    member_rsvp = Rsvp.objects.get(event=stall, user=member)

    people = {
        "anon": None,
        "applicant": User.objects.get(email="applicant@example.org"),
        "member": member,
        "other_member": other_member,
        "other_secretary": hillside_secretary,
        "secretary": secretary,
        "admin": User.objects.get(email="admin@example.org"),
    }
    values = {
        "unit_id": riverside.pk,
        "district_id": riverside.parent_id,
        "kind_id": riverside.kind_id,
        "body_id": committee.pk,
        "seat_id": SeatHolding.objects.current().get(holder=secretary).seat_id,
        "holding_id": SeatHolding.objects.current().get(holder=secretary).pk,
        "member_user_id": member.pk,
        "member_id": member.pk,
        "user_id": secretary.pk,
        "membership_id": membership.pk,
        "application_id": Application.objects.get(
            membership__user__email="applicant@example.org"
        ).pk,
        "transfer_id": Transfer.objects.get().pk,
        "case_id": case.pk,
        "motion_id": Motion.objects.get(title="Defend Riverside Library").pk,
        "draft_motion_id": Motion.objects.get(status="draft").pk,
        "amendment_id": Amendment.objects.get().pk,
        "post_id": Post.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "bulletin_id": Bulletin.objects.get().pk,
        "meeting_id": Meeting.objects.get(body__unit=riverside).pk,
        "earlier_id": Meeting.objects.get(body__name="National Committee").pk,
        "vote_id": Vote.objects.get(meeting__body__name="National Committee").pk,
        "decision_id": Decision.objects.get().pk,
        "petition_id": RecallPetition.objects.get().pk,
        "requisition_id": Requisition.objects.get().pk,
        "place_id": ReservedPlace.objects.get().pk,
        "by_election_id": by_election.pk,
        "nomination_id": nomination.pk,
        "action_id": Action.objects.get(unit=riverside).pk,
        "ballot_id": Ballot.objects.get(title__startswith="Riverside Hospital").pk,
        "sealed_ballot_id": Ballot.objects.get(title=SEALED_TITLE).pk,
        "challenge_id": MISSING,
        "token_id": token.pk,
        "notification_id": notification.pk,
        "feed_token": calendar_feed_for(member).token,
        "token": "not-a-token",
        "uidb64": "MQ",
        "tracker": "ABCD-EFGH",
        "verb": "open",
        "publication_id": spark.pk,
        "article_id": Article.objects.get(title__startswith="Letter:").pk,
        "edition_id": Edition.objects.get(publication=spark, number=42).pk,
        "slug": spark.slug,
        "article_slug": lead.slug,
        "section_slug": "news",
        "number": 41,
        "name": "edited",
        "image_id": MISSING,
        "leaflet_id": Leaflet.objects.get().pk,
        "list_id": MailingList.objects.get(slug="the-spark-daily").pk,
        "contact_id": Contact.objects.get().pk,
        "step": "done",
        "send_id": Send.objects.get(status="draft").pk,
        "digest": "0" * 64,
        "today": timezone.localdate().isoformat(),
        "event_start": (timezone.now() + timedelta(days=2)).isoformat(),
        "event_end": (timezone.now() + timedelta(days=2, hours=2)).isoformat(),
        # Campaigns: Riverside's public stall (its organiser: Riverside's secretary), the
        # member's RSVP to it, and the campaign.
        "event_id": stall.pk,
        "rsvp_id": member_rsvp.pk,
        "rsvp_token": member_rsvp.token,
        "door_code": member_rsvp.door_code,
        "campaign_slug": stall.campaign.slug,  # type: ignore[union-attr]
        "shift_id": stall.shifts.order_by("pk").first().pk,  # type: ignore[union-attr]
        "stall_start": stall.starts_at.isoformat(),
        "stall_end": stall.ends_at.isoformat(),
    }
    return {"people": people, "values": values}


def _fill(template: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        template = template.replace(f"{{{name}}}", str(value))
    return template


def _page_url(route: str, values: dict[str, Any]) -> str:
    local = {**values, **{k: _fill(str(v), values) for k, v in ROUTE_PARAMS.get(route, {}).items()}}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(local[m.group(1)]), route)


def _body(operation: str, values: dict[str, Any]) -> Any:
    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return values[value[1:-1]]
        return value

    return fill(BODIES.get(operation, {}))


def _ask(client: Client, method: str, url: str, headers: dict[str, str], body: Any) -> str:
    """The answer as the table writes it: the status, and "!" after a redirect that carries
    an error message (a page's form refused, e.g. "Only officers may …")."""
    cache.clear()  # rate limits and cached pages start afresh for every cell
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, **headers)
        elif method == "FORM":
            # A page's form, posted empty: what the permission check says before the form's.
            response = client.post(url, {}, **headers)
        else:
            response = client.generic(
                method,
                url,
                data=json.dumps(body),
                content_type="application/json",
                **headers,
            )
        transaction.set_rollback(True)
    # Signing out (or a new session) is rolled back with the rest: keep the persona signed in.
    client.cookies = cookies
    refused = any(
        m.level >= messages.ERROR for m in getattr(response.wsgi_request, "_messages", [])
    )
    return f"{response.status_code}{'!' if refused else ''}"


def _read_table() -> dict[str, dict[str, str]]:
    with TABLE.open(newline="") as fh:
        return {row["endpoint"]: {p: row[p] for p in PERSONAS} for row in csv.DictReader(fh)}


def _write_table(answers: dict[str, dict[str, str]]) -> None:
    with TABLE.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["endpoint", *PERSONAS])
        for endpoint in sorted(answers):
            writer.writerow([endpoint, *(answers[endpoint][p] for p in PERSONAS)])


@pytest.mark.django_db
def test_access_matrix() -> None:
    seeded = _seed()
    values: dict[str, Any] = seeded["values"]
    clients: dict[str, tuple[Client, Client, dict[str, str]]] = {}
    for persona, user in seeded["people"].items():
        page_client = Client(raise_request_exception=False)
        api_client = Client(raise_request_exception=False)
        headers: dict[str, str] = {}
        if user is not None:
            page_client.force_login(user)
            _, raw = issue_token(user=user, name="matrix")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        clients[persona] = (page_client, api_client, headers)

    endpoints = [f"GET /{r}" for r in _page_routes()]
    endpoints += [f"API {op}" for op in _api_operations(Client())]
    answers: dict[str, dict[str, str]] = {}
    for endpoint in endpoints:
        kind, rest = endpoint.split(" ", 1)
        row = {}
        for persona in PERSONAS:
            page_client, api_client, headers = clients[persona]
            if kind == "GET":
                url = _page_url(rest[1:], values)
                row[persona] = _ask(page_client, "GET", url, {}, None)
            else:
                method, path = rest.split(" ", 1)
                local = {
                    **values,
                    **{k: _fill(str(v), values) for k, v in API_PARAMS.get(path, {}).items()},
                }
                url = _fill(path, local) + API_QUERIES.get(path, "")
                body = _body(rest, values)
                row[persona] = _ask(api_client, method, url, headers, body)
        answers[endpoint] = row
    # Pages that only take a form (GET is 405): post it empty, as each persona.
    for route in _page_routes():
        if "405" not in answers[f"GET /{route}"].values():
            continue
        url = _page_url(route, values)
        endpoint = f"POST /{route}"
        endpoints.append(endpoint)
        answers[endpoint] = {p: _ask(clients[p][0], "FORM", url, {}, None) for p in PERSONAS}

    if os.environ.get("ISKRA_WRITE_MATRIX"):
        _write_table(answers)
    expected = _read_table()
    server_errors = [
        e for e, row in expected.items() if any(s.startswith("5") for s in row.values())
    ]
    assert not server_errors, f"the table expects a server error: {server_errors}"
    missing = sorted(set(answers) - set(expected))
    assert not missing, f"add these endpoints to {TABLE.name} (who may use them?): {missing}"
    gone = sorted(set(expected) - set(answers))
    assert not gone, f"these rows of {TABLE.name} name no endpoint any more: {gone}"
    differences = [
        f"{endpoint} as {p}: expected {expected[endpoint][p]}, got {answers[endpoint][p]}"
        for endpoint in endpoints
        for p in PERSONAS
        if expected[endpoint][p] != answers[endpoint][p]
    ]
    assert not differences, "\n".join(differences)
