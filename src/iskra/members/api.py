from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from iskra.accounts import services as accounts_services
from iskra.accounts.api_auth import request_user
from iskra.accounts.services import TooManyRequests
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_FILTER, SEARCH_FILTER, WORD_FILTER, PathId
from iskra.apikit.pagination import Paged, Pages
from iskra.apikit.schemas import Error
from iskra.core.errors import NotFound
from iskra.core.ratelimit import TOO_MANY, allow_anonymous
from iskra.members import selectors, services
from iskra.members.models import Application, Membership
from iskra.members.permissions import can_view_directory, load_application, load_membership
from iskra.members.schemas import (
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    EventOut,
    MemberOut,
    MeOut,
    ProfileIn,
    StatusIn,
)
from iskra.organisation.models import Unit
from iskra.organisation.permissions import require
from iskra.organisation.selectors import unit_or_none

router = Router(tags=["members"])


def _member_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "user_id": m.user_id,
        "number": m.number,
        "name": m.user.full_name,
        "email": m.user.email,
        "unit_id": m.unit_id,
        "unit_name": m.unit.name,
        "status": m.status,
        "admitted_on": m.admitted_on,
        "probation_ends_on": m.probation_ends_on,
    }


def _application_out(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "membership_id": a.membership_id,
        "name": a.membership.user.full_name,
        "email": a.membership.user.email,
        "unit_id": a.unit_id,
        "message": a.message,
        "submitted_at": a.submitted_at,
        "decision": a.decision,
        "reason": a.reason,
    }


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    user = request_user(request)
    membership = Membership.objects.select_related("user", "unit").filter(user_id=user.pk).first()
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "membership": _member_out(membership) if membership else None,
    }


@router.patch("/me", response={200: MeOut, **ERRORS})
def update_me(request: HttpRequest, payload: ProfileIn) -> Any:
    accounts_services.update_profile(
        actor=request_user(request),
        user=request_user(request),
        changes=payload.dict(exclude_none=True),
    )
    return me(request)


@router.get("/members", response={200: list[MemberOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_members(
    request: HttpRequest,
    q: str = SEARCH_FILTER,
    status: str = WORD_FILTER,
    unit_id: int | None = ID_FILTER,
    seat_role: str = WORD_FILTER,
) -> Any:
    require(can_view_directory(request.user), "The member directory is for officers.")
    unit = unit_or_none(unit_id or None)
    members = selectors.directory(
        request.user, query=q, status=status, unit=unit, seat_role=seat_role
    )
    # A queryset: the paginator slices it in SQL.
    return members


@router.get("/members/{membership_id}", response={200: MemberOut, **ERRORS})
def get_member(request: HttpRequest, membership_id: PathId) -> Any:
    return _member_out(load_membership(request.user, membership_id))


@router.get("/members/{membership_id}/history", response={200: list[EventOut], **ERRORS})
def member_history(request: HttpRequest, membership_id: PathId) -> Any:
    membership = load_membership(request.user, membership_id)
    return list(membership.events.all())


@router.post("/members/{membership_id}/status", response={200: MemberOut, **ERRORS})
def change_status(request: HttpRequest, membership_id: PathId, payload: StatusIn) -> Any:
    membership = load_membership(request.user, membership_id)
    services.change_status(
        actor=request.user,
        membership=membership,
        to_status=payload.to_status,
        reason=payload.reason,
    )
    return _member_out(load_membership(request.user, membership_id))


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_applications(request: HttpRequest) -> Any:
    return Paged(selectors.pending_applications(request.user), _application_out)


@router.post("/applications", auth=None, response={201: ApplicationOut, 429: Error, **ERRORS})
def apply(request: HttpRequest, payload: ApplicationIn) -> Any:
    """The join page's API twin: public, like the page (and limited like it, per client
    address: 429 when over ``ANON_RATE_LIMIT``)."""
    if not allow_anonymous(request, "join"):
        raise TooManyRequests(TOO_MANY)
    unit = Unit.objects.select_related("kind").filter(pk=payload.unit_id).first()
    if unit is None:
        raise NotFound("No such branch.")
    application = services.apply_to_join(
        email=payload.email,
        full_name=payload.full_name,
        password=payload.password,
        unit=unit,
        agreed_to_aims=payload.agreed_to_aims,
        message=payload.message,
    )
    return Status(201, _application_out(application))


@router.post("/applications/{application_id}/decision", response={200: ApplicationOut, **ERRORS})
def decide(request: HttpRequest, application_id: PathId, payload: DecisionIn) -> Any:
    application = load_application(request.user, application_id)
    application = services.decide_application(
        actor=request.user, application=application, admit=payload.admit, reason=payload.reason
    )
    return _application_out(
        Application.objects.select_related("membership__user").get(pk=application.pk)
    )
