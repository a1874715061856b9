"""Every motions page: allowed and forbidden with the same setup, a permission matrix across
the personas, bad input never a 500, the PDF bulletin, and constant query counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iskra.motions import services
from iskra.motions.models import Bulletin, Motion, MotionStatus, Post
from iskra.organisation import services as org
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import motion_at


@dataclass
class Pages:
    world: World
    draft: Motion
    admitted: Motion
    live: Motion
    post: Post
    bulletin: Bulletin


@pytest.fixture
def pages(world: World) -> Pages:
    draft = motion_at(world, MotionStatus.DRAFT, title="A draft")
    admitted = motion_at(world, MotionStatus.ADMITTED, title="Admitted")
    live = motion_at(world, MotionStatus.IN_DISCUSSION, title="Live")
    services.table_amendment(
        actor=fresh(world.member),
        motion=live,
        kind="replace",
        passage="every day",
        new_text="daily",
    )
    post = services.post_to_discussion(actor=fresh(world.member), motion=live, text="I agree")
    today = timezone.localdate()
    bulletin = services.create_bulletin(
        actor=fresh(world.officer),
        body=world.national_committee,
        title="Bulletin 1",
        opens_on=today,
        closes_on=today + timedelta(days=5),
    )
    return Pages(world, draft, admitted, live, post, bulletin)


PERSONAS = [
    "member",
    "secretary",
    "other_secretary",
    "officer",
    "committee_member",
    "outsider",
    "admin",
]


def _status(client: Client, who: object, url: str) -> int:
    client.force_login(who)  # type: ignore[arg-type]
    return client.get(url).status_code


# For each page: who gets 200; everyone else gets the forbidden code given.
MATRIX = [
    (
        "/motions/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        403,
    ),
    (
        "/motions/new/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        403,
    ),
    (
        "/motions/{live}/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        404,
    ),
    (
        "/motions/{live}/state/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        404,
    ),
    ("/motions/{draft}/edit/", {"member"}, 403),
    ("/motions/{admitted}/discussion/", {"officer", "admin"}, 403),
    (
        "/motions/{live}/amend/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        403,
    ),
    ("/motions/{live}/position/", {"secretary", "other_secretary", "officer", "admin"}, 403),
    ("/posts/{post}/edit/", {"member"}, 403),
    ("/posts/{post}/hide/", {"officer", "admin"}, 403),
    (
        "/bulletins/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        403,
    ),
    ("/bulletins/new/{nc}/", {"officer", "admin"}, 403),
    (
        "/bulletins/{bulletin}/",
        {"member", "secretary", "other_secretary", "officer", "committee_member", "admin"},
        404,
    ),
]


def _url(template: str, p: Pages) -> str:
    return template.format(
        live=p.live.pk,
        draft=p.draft.pk,
        admitted=p.admitted.pk,
        post=p.post.pk,
        bulletin=p.bulletin.pk,
        nc=p.world.national_committee.pk,
    )


@pytest.mark.parametrize(("template", "allowed", "forbidden"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(
    client: Client, pages: Pages, template: str, allowed: set[str], forbidden: int
) -> None:
    url = _url(template, pages)
    got = {who: _status(client, getattr(pages.world, who), url) for who in PERSONAS}
    # Outsiders are told an object does not exist rather than that it is forbidden.
    hidden = 404 if "{" in template and "/new/" not in template else forbidden
    want = {
        who: 200 if who in allowed else hidden if who == "outsider" else forbidden
        for who in PERSONAS
    }
    assert got == want


def test_anonymous_is_sent_to_sign_in(client: Client, pages: Pages) -> None:
    for template, _, _ in MATRIX:
        response = client.get(_url(template, pages))
        assert response.status_code == 302 and "login" in response["Location"]


def test_candidate_reads_and_discusses_but_cannot_amend(client: Client, pages: Pages) -> None:
    candidate = make_member("c@example.org", "Cand", pages.world.branch_a, "candidate")
    client.force_login(candidate)
    assert client.get(f"/motions/{pages.live.pk}/").status_code == 200
    assert client.get(f"/motions/{pages.live.pk}/amend/").status_code == 403
    client.post(f"/motions/{pages.live.pk}/posts/", {"text": "As a candidate"})
    assert Post.objects.filter(author=candidate).exists()


def test_hidden_text_not_shown(client: Client, pages: Pages) -> None:
    w = pages.world
    services.post_to_discussion(actor=fresh(w.secretary), motion=pages.live, text="SECRET-INSULT")
    client.force_login(w.member)
    assert "SECRET-INSULT" in client.get(f"/motions/{pages.live.pk}/").content.decode()
    post = Post.objects.get(text="SECRET-INSULT")
    client.force_login(w.officer)
    response = client.post(f"/posts/{post.pk}/hide/", {"reason": "Personal abuse"})
    assert response.status_code == 302
    for who in (w.member, w.officer, w.secretary):
        client.force_login(who)
        page = client.get(f"/motions/{pages.live.pk}/").content.decode()
        assert "SECRET-INSULT" not in page
        assert "Personal abuse" in page


def test_edit_post_page_keeps_history(client: Client, pages: Pages) -> None:
    client.force_login(pages.world.member)
    response = client.post(f"/posts/{pages.post.pk}/edit/", {"text": "I agree, strongly"})
    assert response.status_code == 302
    assert pages.post.revisions.get().text == "I agree"
    client.force_login(pages.world.secretary)
    assert client.post(f"/posts/{pages.post.pk}/edit/", {"text": "Hijack"}).status_code == 403
    pages.post.refresh_from_db()
    assert pages.post.text == "I agree, strongly"


def test_actions_by_post(client: Client, pages: Pages) -> None:
    w = pages.world
    body = w.national_committee
    body.supporters_required = 1
    body.save()
    # Support: a member in scope can; an outsider is refused before anything happens.
    client.force_login(w.outsider)
    assert client.post(f"/motions/{pages.draft.pk}/support/").status_code == 404
    client.force_login(w.secretary)
    client.post(f"/motions/{pages.draft.pk}/support/")
    pages.draft.refresh_from_db()
    assert pages.draft.supporters_count == 1
    # Submission by someone else is refused with 403 and the rule, the same as the API.
    response = client.post(f"/motions/{pages.draft.pk}/submit/", follow=True)
    assert response.status_code == 403 and "Not allowed" in response.content.decode()
    pages.draft.refresh_from_db()
    assert pages.draft.status == MotionStatus.DRAFT
    client.force_login(w.member)
    client.post(f"/motions/{pages.draft.pk}/submit/")
    pages.draft.refresh_from_db()
    assert pages.draft.status == MotionStatus.SUBMITTED
    # Admission: the branch secretary cannot; the national officer can.
    client.force_login(w.secretary)
    assert client.post(f"/motions/{pages.draft.pk}/admit/").status_code == 403
    pages.draft.refresh_from_db()
    assert pages.draft.status == MotionStatus.SUBMITTED
    client.force_login(w.officer)
    client.post(f"/motions/{pages.draft.pk}/admit/")
    pages.draft.refresh_from_db()
    assert pages.draft.status == MotionStatus.ADMITTED
    assert client.post(f"/motions/{pages.draft.pk}/no-such-verb/").status_code == 404
    assert client.get(f"/motions/{pages.draft.pk}/admit/").status_code == 405


def test_forms_post_allowed_and_forbidden(client: Client, pages: Pages) -> None:
    w = pages.world
    live = pages.live.pk
    client.force_login(w.other_secretary)
    client.post(
        f"/motions/{live}/position/",
        {
            "unit": w.branch_a.pk,
            "stance": "oppose",
            "votes_for": 0,
            "votes_against": 0,
            "abstentions": 0,
            "mandate": "free",
        },
    )
    assert not pages.live.positions.exists()
    client.force_login(w.secretary)
    response = client.post(
        f"/motions/{live}/position/",
        {
            "unit": w.branch_a.pk,
            "stance": "support",
            "votes_for": 1,
            "votes_against": 1,
            "abstentions": 0,
            "mandate": "instructed",
        },
    )
    assert response.status_code == 302
    assert pages.live.positions.get().stance == "support"
    client.post(f"/motions/{live}/amend/", {"kind": "whole", "new_text": "Better text"})
    assert pages.live.amendments.count() == 2
    client.force_login(w.officer)
    response = client.post(f"/motions/{pages.admitted.pk}/discussion/", {"deadline": ""})
    assert response.status_code == 302
    pages.admitted.refresh_from_db()
    assert pages.admitted.status == MotionStatus.IN_DISCUSSION
    response = client.post(
        "/motions/new/",
        {
            "body": w.national_committee.pk,
            "title": "New",
            "text": "Text",
            "supporting_statement": "",
        },
    )
    assert response.status_code == 302
    assert Motion.objects.filter(title="New", created_by=w.officer).exists()


def test_bulletin_pages_and_pdf(client: Client, pages: Pages) -> None:
    w = pages.world
    b = pages.bulletin.pk
    client.force_login(w.member)
    response = client.post(
        f"/bulletins/{b}/", {"title": "My view", "text": "Long read", "signature": ""}
    )
    assert response.status_code == 302
    assert client.get(f"/bulletins/{b}/pdf/").status_code == 404  # not published yet
    assert client.post(f"/bulletins/{b}/publish/").status_code == 403
    pages.bulletin.refresh_from_db()
    assert pages.bulletin.published_at is None
    client.force_login(w.officer)
    client.post(f"/bulletins/{b}/publish/")
    pages.bulletin.refresh_from_db()
    assert pages.bulletin.published_at is not None
    client.force_login(w.member)
    html = client.get(f"/bulletins/{b}/").content.decode()
    assert "My view" in html and "Long read" in html
    pdf = client.get(f"/bulletins/{b}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # Contributions after publication are refused with a form error.
    response = client.post(f"/bulletins/{b}/", {"title": "Late", "text": "Too late"})
    assert response.status_code == 200
    assert pages.bulletin.contributions.count() == 1
    client.force_login(w.outsider)
    assert client.get(f"/bulletins/{b}/pdf/").status_code == 404
    client.force_login(w.officer)
    response = client.post(
        f"/bulletins/new/{w.national_committee.pk}/",
        {"title": "B2", "opens_on": "2030-01-01", "closes_on": "2030-02-01"},
    )
    assert response.status_code == 302


# --- Bad input -----------------------------------------------------------------------------------

HUGE = "99999999999999999999999"


def test_huge_body_filter_is_not_a_500(pages: Pages) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(pages.world.member)
    assert client.get(f"/motions/?body={HUGE}").status_code == 200
    assert client.get(f"/meetings/?body={HUGE}").status_code == 200


def test_bad_input_never_500(pages: Pages) -> None:
    w = pages.world
    client = Client(raise_request_exception=False)
    client.force_login(w.officer)
    live, draft, post, b = pages.live.pk, pages.draft.pk, pages.post.pk, pages.bulletin.pk
    gets = [
        "/motions/?status=bogus&body=abc",
        "/motions/?body=-1",
        "/motions/new/?body=abc",
        "/motions/999999/",
        f"/motions/{HUGE}/",
        f"/motions/{HUGE}/state/",
        "/motions/abc/",
        "/posts/999999/edit/",
        f"/posts/{HUGE}/hide/",
        "/bulletins/999999/",
        f"/bulletins/{HUGE}/pdf/",
        "/bulletins/new/999999/",
    ]
    for url in gets:
        assert client.get(url).status_code in {200, 404}, url
    posts = [
        ("/motions/new/", {}),
        ("/motions/new/", {"body": "abc", "title": "x", "text": "y"}),
        ("/motions/new/", {"body": HUGE, "title": "x", "text": "y"}),
        ("/motions/new/", {"body": w.national_committee.pk, "title": "x" * 500, "text": "y"}),
        (
            "/motions/new/",
            {"body": w.national_committee.pk, "title": "x", "text": "y", "on_behalf_of": HUGE},
        ),
        (
            "/motions/new/",
            {
                "body": w.national_committee.pk,
                "title": "x",
                "text": "y",
                "on_behalf_of": w.branch_a.pk,
            },
        ),
        (f"/motions/{draft}/edit/", {}),
        (f"/motions/{live}/discussion/", {"deadline": "not a date"}),
        (f"/motions/{live}/discussion/", {"deadline": "2020-02-30"}),
        (f"/motions/{pages.admitted.pk}/discussion/", {"deadline": "2001-01-01"}),
        (f"/motions/{live}/amend/", {}),
        (f"/motions/{live}/amend/", {"kind": "bogus"}),
        (f"/motions/{live}/amend/", {"kind": "delete", "passage": "not there"}),
        (f"/motions/{live}/amend/", {"kind": "replace", "passage": "e", "new_text": "x"}),
        (f"/motions/{live}/amend/", {"kind": "whole", "new_text": "x", "proposing_unit": HUGE}),
        (f"/motions/{live}/position/", {}),
        (
            f"/motions/{live}/position/",
            {"unit": HUGE, "stance": "x", "votes_for": "-3", "mandate": "?"},
        ),
        (f"/motions/{live}/position/", {"unit": "abc", "votes_for": "1e99"}),
        (f"/motions/{live}/posts/", {}),
        (f"/motions/{live}/posts/", {"text": "Reply", "parent": HUGE}),
        (f"/motions/{live}/posts/", {"text": "Reply", "parent": "abc"}),
        (f"/motions/{live}/posts/", {"text": "x" * 10001}),
        (f"/motions/{live}/rule_out/", {}),
        (f"/motions/{live}/withdraw/", {"reason": "x" * 5000}),
        (f"/motions/{live}/agree_composite/", {}),
        (f"/posts/{post}/edit/", {"text": ""}),
        (f"/posts/{post}/hide/", {}),
        (f"/posts/{post}/hide/", {"reason": "x" * 301}),
        (f"/bulletins/{b}/", {}),
        (f"/bulletins/{b}/", {"title": "x" * 300, "text": "y"}),
        (
            f"/bulletins/new/{w.national_committee.pk}/",
            {"title": "B", "opens_on": "2030-13-01", "closes_on": "x"},
        ),
        (
            f"/bulletins/new/{w.national_committee.pk}/",
            {"title": "B", "opens_on": "2030-02-01", "closes_on": "2030-01-01"},
        ),
        ("/bulletins/999999/publish/", {}),
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


def _grow(world: World, motion: Motion, n: int = 30) -> None:
    """n more branches, each with a member, a circulation row, a position and a post."""
    from iskra.motions.models import Circulation, Position

    for i in range(n):
        unit = org.create_unit(
            actor=world.admin,
            name=f"Branch {i:02d}",
            kind=world.branch_a.kind,
            parent=world.district,
        )
        user = make_member(f"grow{i}@example.org", f"Grown {i}", unit)
        Circulation.objects.create(
            motion=motion,
            unit=unit,
            unit_path=unit.path,
            members=1,
            circulated_at=timezone.now(),
            deadline=motion.discussion_deadline,
        )
        Position.objects.create(
            motion=motion,
            unit=unit,
            stance="support",
            recorded_by=world.officer,
            recorded_at=timezone.now(),
        )
        services.post_to_discussion(actor=user, motion=motion, text=f"Post {i}")
        services.table_amendment(actor=user, motion=motion, kind="whole", new_text=f"Alt {i}")


def test_motion_and_state_pages_constant_in_organisation_size(client: Client, pages: Pages) -> None:
    client.force_login(pages.world.member)
    urls = [f"/motions/{pages.live.pk}/", f"/motions/{pages.live.pk}/state/", "/motions/"]
    before = [_count(client, u) for u in urls]
    _grow(pages.world, pages.live)
    client.force_login(fresh(pages.world.member))
    after = [_count(client, u) for u in urls]
    assert after == before


def test_motion_page_loads_the_state_table_unit_by_unit(client: Client, pages: Pages) -> None:
    """The motion page gives the overall figures and loads the table unit by unit from the
    state page (htmx; a link without JavaScript), whose fragment is the table alone."""
    client.force_login(pages.world.member)
    url = f"/motions/{pages.live.pk}/state/"
    html = client.get(f"/motions/{pages.live.pk}/").content.decode()
    assert f'hx-get="{url}"' in html and f'href="{url}"' in html
    assert (
        "Branches so far — support: 0; support if amended: 0; oppose: 0; not yet discussed: "
        in html
    )
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="state"') and "<h1>" not in fragment
    assert '<th scope="row">All</th>' in fragment
