"""List pages use a number of queries that does not grow with the organisation's size."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from iskra.members import services as members
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat, UnitKind
from tests.conftest import World, make_member


def grow(world: World, n: int = 30) -> None:
    """Add n members to Branch A, n units under it, and bodies and seats with holders."""
    kind = UnitKind.objects.get(name="Branch")
    for i in range(n):
        user = make_member(f"grow{i}@example.org", f"Grown {i:02d}", world.branch_a)
        unit = org.create_unit(actor=world.admin, name=f"Sub {i}", kind=kind, parent=world.branch_a)
        if i % 5 == 0:
            body = org.create_body(
                actor=world.admin, unit=world.branch_a, kind=Body.Kind.COMMITTEE, name=f"C{i}"
            )
            seat = org.create_seat(
                actor=world.admin,
                body=body,
                role=Seat.Role.DELEGATE,
                title=f"D{i}",
                represents_unit=unit,
            )
            org.appoint_to_seat(actor=world.admin, seat=seat, holder=user)
        members.apply_to_join(
            email=f"applicant{i}@example.org",
            full_name=f"Applicant {i}",
            password="a long enough password 42",
            unit=world.branch_a,
            agreed_to_aims=True,
        )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    "/",
    "/members/",
    "/members/?q=example",
    "/units/{branch_a}/",
    "/units/{branch_a}/members/",
    "/bodies/{branch_body}/",
    "/applications/",
    "/transfers/",
    "/cases/",
    "/audit/",
    "/membership/",
]


def test_list_pages_constant_in_organisation_size(world: World) -> None:
    client = Client()
    client.force_login(world.secretary)
    urls = [
        p.format(branch_a=world.branch_a.pk, branch_body=world.branch_committee.pk) for p in PAGES
    ]
    # Warm up (session, content types) so both rounds count the same things.
    for url in urls:
        count(client, url)
    before = {url: count(client, url) for url in urls}
    grow(world)
    after = {url: count(client, url) for url in urls}
    assert after == before


def test_pages_have_a_fixed_bound(world: World, django_assert_max_num_queries: object) -> None:
    grow(world, 10)
    client = Client()
    client.force_login(world.officer)
    # Home asks one or two queries per role's list of what waits (issue 11, point 9: motions
    # to admit, minutes, scrutiny, trustee tasks, own and branch actions, recall petitions,
    # requisitions to sign or to call) and the header's unread count: more than the others,
    # still a fixed number.
    bounds = {"/": 34, "/members/": 25, f"/units/{world.branch_a.pk}/": 25}
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):  # type: ignore[operator]
            assert client.get(url).status_code == 200
