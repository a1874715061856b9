"""Issue 13, part 5: proxies in a secret ballot that allows them (the standing orders of its
body; a plain ballot; never an industrial action ballot). The proxy casts the member's vote with
the member's place on the roll; a member who voted leaves nothing to cast; the tracker goes to
the member; nothing dates the proxy's use — services, pages and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.ballots import services
from iskra.ballots.models import Ballot, BallotProxy, Preset, Question, RollEntry
from iskra.ballots.services import proxies
from iskra.core.errors import DomainError, PermissionDenied
from iskra.organisation import services as org
from iskra.organisation.models import Body
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh, make_member


@pytest.fixture
def referendum(world: World, django_capture_on_commit_callbacks: object) -> Ballot:
    """An open plain ballot of Branch A, whose general meeting allows proxies (one each)."""
    for n in range(3):
        make_member(f"a{n}@example.org", f"Branch A Member {n}", world.branch_a)
    gm = org.create_body(
        actor=world.admin, unit=world.branch_a, kind=Body.Kind.GENERAL_MEETING, name="A Meeting"
    )
    org.update_standing_orders(
        actor=world.admin,
        body=gm,
        changes={"proxies_allowed": True, "proxy_cap": 1, "proxy_deadline_hours": 24},
    )
    now = timezone.now()
    ballot = services.create_ballot(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        title="Branch referendum",
        preset=Preset.SIMPLE_MAJORITY,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Should the branch affiliate?",
        sealed=False,
    )
    services.appoint_scrutineer(
        actor=fresh(world.secretary), ballot=ballot, scrutineer=fresh(world.other_secretary)
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.open_ballot(actor=fresh(world.secretary), ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def _people(world: World) -> list:  # type: ignore[type-arg]
    from iskra.accounts.models import User

    return list(
        User.objects.filter(email__in=["a0@example.org", "a1@example.org"]).order_by("email")
    )


def _answers(ballot: Ballot) -> dict[str, int]:
    return {str(Question.objects.get(ballot=ballot).pk): 0}


def test_a_proxy_casts_the_members_vote_with_their_place_on_the_roll(
    world: World, referendum: Ballot
) -> None:
    a0, a1 = _people(world)
    assert proxies.why_no_proxies(referendum) == ""
    proxy = services.appoint_ballot_proxy(actor=fresh(a0), ballot=referendum, holder=a1)
    assert AuditEntry.objects.filter(action="ballot.proxy_appoint").exists()
    with pytest.raises(PermissionDenied):
        services.cast_by_proxy(
            actor=fresh(world.member), ballot=referendum, member=a0, answers=_answers(referendum)
        )
    mail.outbox.clear()
    tracker = services.cast_by_proxy(
        actor=fresh(a1), ballot=referendum, member=a0, answers=_answers(referendum)
    )
    assert tracker
    proxy.refresh_from_db()
    assert proxy.state == BallotProxy.State.USED and proxy.ended_at is None
    assert services.voted(referendum, a0) is True
    assert services.voted(referendum, a1) is False  # the proxy still has their own vote
    # Using it writes no audit entry (it would date the vote).
    assert not AuditEntry.objects.filter(action__contains="proxy_cast").exists()
    with pytest.raises(DomainError):
        services.cast_by_proxy(
            actor=fresh(a1), ballot=referendum, member=a0, answers=_answers(referendum)
        )
    with pytest.raises(DomainError, match="already voted for you"):
        services.appoint_ballot_proxy(actor=fresh(a0), ballot=referendum, holder=world.member)


def test_a_member_who_voted_leaves_their_proxy_nothing_to_cast(
    world: World, referendum: Ballot
) -> None:
    a0, a1 = _people(world)
    services.appoint_ballot_proxy(actor=fresh(a0), ballot=referendum, holder=a1)
    services.cast_ballot(ballot=referendum, answers=_answers(referendum), user=fresh(a0))
    with pytest.raises(services.AlreadyVoted, match="has already voted"):
        services.cast_by_proxy(
            actor=fresh(a1), ballot=referendum, member=a0, answers=_answers(referendum)
        )
    assert BallotProxy.objects.get(member=a0).state == BallotProxy.State.APPOINTED


def test_ballots_that_take_no_proxies_and_bad_choices(world: World, referendum: Ballot) -> None:
    a0, a1 = _people(world)
    with pytest.raises(DomainError, match="someone else"):
        services.appoint_ballot_proxy(actor=fresh(a0), ballot=referendum, holder=a0)
    with pytest.raises(DomainError, match="not entitled"):
        services.appoint_ballot_proxy(actor=fresh(a0), ballot=referendum, holder=world.officer)
    with pytest.raises(PermissionDenied):
        services.appoint_ballot_proxy(actor=fresh(world.officer), ballot=referendum, holder=a0)
    services.appoint_ballot_proxy(actor=fresh(a0), ballot=referendum, holder=a1)
    with pytest.raises(DomainError, match="already holds 1 proxy"):
        services.appoint_ballot_proxy(actor=fresh(world.member), ballot=referendum, holder=a1)
    Ballot.objects.filter(pk=referendum.pk).update(closes_at=timezone.now() + timedelta(hours=2))
    referendum.refresh_from_db()
    with pytest.raises(DomainError, match="were to be named by"):
        services.appoint_ballot_proxy(actor=fresh(world.member), ballot=referendum, holder=a0)
    Ballot.objects.filter(pk=referendum.pk).update(preset=Preset.UK_INDUSTRIAL_ACTION)
    referendum.refresh_from_db()
    assert "industrial action" in proxies.why_no_proxies(referendum)
    Ballot.objects.filter(pk=referendum.pk).update(preset=Preset.SIMPLE_MAJORITY, sealed=True)
    referendum.refresh_from_db()
    assert "sealed" in proxies.why_no_proxies(referendum)
    assert BallotProxy.objects.count() == 1


def test_pages_name_a_proxy_who_votes_from_the_ballots_page(
    client: Client, world: World, referendum: Ballot
) -> None:
    a0, a1 = _people(world)
    client.force_login(a0)
    page = client.get(f"/ballots/{referendum.pk}/").content.decode()
    assert "Name a proxy" in page
    form = client.get(f"/ballots/{referendum.pk}/proxy/").content.decode()
    assert "nobody else does" in form and a1.full_name in form
    done = client.post(f"/ballots/{referendum.pk}/proxy/", {"holder": str(a1.pk)})
    assert done.status_code == 302
    client.force_login(a1)
    held = client.get(f"/ballots/{referendum.pk}/").content.decode()
    assert f"Vote for {a0.full_name}" in held
    url = f"/ballots/{referendum.pk}/vote/proxy/{a0.pk}/"
    paper = client.get(url).content.decode()
    assert f"This is the vote of {a0.full_name}, cast by you as their proxy" in paper
    q = Question.objects.get(ballot=referendum)
    review = client.post(url, {f"q{q.pk}": "0"})
    assert "cast by you as their proxy" in review.content.decode()
    cast = client.post(url, {f"q{q.pk}": "0", "cast": "yes"})
    assert cast.status_code == 200 and "Your tracker code" in cast.content.decode()
    assert services.voted(referendum, a0) is True
    again = client.get(url)
    assert again.status_code == 404  # used: no proxy stands any more
    client.force_login(world.member)
    assert client.get(url).status_code == 404


def test_ballot_proxies_through_the_api(world: World, referendum: Ballot) -> None:
    a0, a1 = _people(world)
    api0 = Api(a0)
    info = api0.get(f"/ballots/{referendum.pk}/proxies").json()
    assert info["allowed"] is True and info["yours"] is None
    bad = api0.post(f"/ballots/{referendum.pk}/proxy", {"holder_id": 999_999})
    assert bad.status_code == 400 and "not entitled" in bad.json()["detail"]
    made = api0.post(f"/ballots/{referendum.pk}/proxy", {"holder_id": a1.pk})
    assert made.status_code == 201 and made.json()["holder_id"] == a1.pk
    q = Question.objects.get(ballot=referendum)
    not_mine = Api(world.member).post(
        f"/ballots/{referendum.pk}/proxy-votes", {"member_id": a0.pk, "answers": {str(q.pk): 0}}
    )
    assert not_mine.status_code == 403
    cast = Api(a1).post(
        f"/ballots/{referendum.pk}/proxy-votes", {"member_id": a0.pk, "answers": {str(q.pk): 0}}
    )
    assert cast.status_code == 201 and cast.json()["tracker"]
    assert RollEntry.objects.get(ballot=referendum, user=a0).mark is not None
    assert api0.delete(f"/ballots/{referendum.pk}/proxy").status_code == 400
