"""The decisions API: the register (public decisions for everyone), the trail of a decision,
dissent, actions cascading down the tree, commitments, reports and the dashboards."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from iskra.accounts.api_auth import TokenAuth, person, request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_FILTER, SEARCH_FILTER, WORD_FILTER, PathId
from iskra.apikit.pagination import Paged, Pages
from iskra.core.errors import DomainError, NotFound
from iskra.core.markdown import render_markdown
from iskra.decisions import selectors, services
from iskra.decisions.models import Action, Commitment, Decision, Dissent, Report
from iskra.decisions.permissions import can_see_names, load_action, load_decision
from iskra.decisions.schemas import (
    ActionIn,
    ActionOut,
    ActionReportOut,
    CommitmentIn,
    CommitmentOut,
    DashboardOut,
    DecisionOut,
    DecisionSummaryOut,
    DissentIn,
    DissentOut,
    ReportIn,
)
from iskra.meetings.api import vote_out
from iskra.motions.permissions import is_member_or_superuser
from iskra.organisation.permissions import load_unit, require
from iskra.organisation.selectors import unit_or_none

router = Router(tags=["decisions"])


def _viewer(request: HttpRequest) -> Any:
    """For public endpoints: the token's owner if a token is sent (a bad one is refused),
    else the session's user, else the anonymous visitor."""
    if request.headers.get("Authorization") and TokenAuth()(request) is None:
        raise AuthenticationError
    return request.user


def _is_member(user: Any) -> bool:
    # As on the pages: members (and superusers) see the whole record, others the public part.
    return is_member_or_superuser(user)


def _summary(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "number": d.number,
        "title": d.title,
        "body_id": d.body_id,
        "body_name": d.body.name,
        "scope_id": d.scope_id,
        "scope_name": d.scope.name,
        "effective_on": d.effective_on,
        "status": d.status,
        "is_public": d.is_public,
    }


def _child_out(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "unit_id": a.unit_id,
        "assignee_id": a.assignee_id,
        "due_on": a.due_on,
        "target": a.target,
    }


def _action_summary(a: Action) -> dict[str, Any]:
    return {
        **_child_out(a),
        "decision_id": a.decision_id,
        "parent_id": a.parent_id,
        "description": a.description,
        "measure": a.measure,
        "unit_name": a.unit.name if a.unit else None,
        "assignee_name": a.assignee.full_name if a.assignee else None,
        "children": [_child_out(c) for c in a.children.all()],
    }


def _dissent_out(d: Dissent) -> dict[str, Any]:
    return {
        "id": d.pk,
        "user_id": d.user_id,
        "name": d.user.full_name if d.user else None,
        "unit_id": d.unit_id,
        "unit_name": d.unit.name if d.unit else None,
        "text": d.text,
        "created_at": d.created_at,
    }


def _decision_out(user: Any, decision_id: int) -> dict[str, Any]:
    decision = load_decision(user, decision_id)
    member = _is_member(user)
    vote = decision.vote
    return {
        **_summary(decision),
        "text": decision.text,
        "text_html": str(render_markdown(decision.text)),
        "motion_id": decision.motion_id,
        "meeting_id": decision.meeting_id,
        "dissent_until": decision.dissent_until,
        "amends_id": decision.amends_id,
        "rescinds_id": decision.rescinds_id,
        "amended_by": list(decision.amended_by.values_list("pk", flat=True)),
        "rescinded_by": list(decision.rescinded_by.values_list("pk", flat=True)),
        "vote": {
            "id": vote.pk,
            "method": vote.method,
            "votes_for": float(vote.votes_for),
            "votes_against": float(vote.votes_against),
            "abstentions": float(vote.abstentions),
            "carried": vote.carried,
            "meeting_id": vote.meeting_id,
        }
        if vote is not None
        else None,
        # How each member voted is for the members the body answers to.
        "votes": [
            vote_out(v)
            for v in decision.motion.votes.prefetch_related("ballots__user").order_by(
                "opened_at", "pk"
            )
        ]
        if member
        else [],
        "dissents": [_dissent_out(d) for d in decision.dissents.select_related("user", "unit")],
        "actions": [
            _action_summary(a)
            for a in decision.actions.filter(parent__isnull=True)
            .select_related("unit", "assignee")
            .prefetch_related("children")
        ],
    }


# --- The register ------------------------------------------------------------------------------


@router.get("/decisions", auth=None, response={200: list[DecisionSummaryOut], **ERRORS})
@paginate(Pages, page_size=50)
def register(
    request: HttpRequest,
    body_id: int | None = ID_FILTER,
    unit_id: int | None = ID_FILTER,
    status: str = WORD_FILTER,
    q: str = SEARCH_FILTER,
) -> Any:
    """The decisions register: public decisions for everyone, all of them for members.
    ``unit_id`` keeps the decisions binding that unit (made by it or by a unit above it)."""
    user = _viewer(request)
    if status and status not in Decision.Status.values:
        raise DomainError("Unknown status: " + ", ".join(Decision.Status.values) + ".")
    decisions = selectors.decisions_register(
        body_id=body_id,
        unit=unit_or_none(unit_id),
        status=status,
        query=q.strip(),
        public_only=not _is_member(user),
    )
    return Paged(decisions, _summary)


@router.get("/decisions/{decision_id}", auth=None, response={200: DecisionOut, **ERRORS})
def get_decision(request: HttpRequest, decision_id: PathId) -> Any:
    """The decision with its vote, dissents and actions; names for roll calls to members."""
    return _decision_out(_viewer(request), decision_id)


@router.post("/decisions/{decision_id}/dissents", response={201: DissentOut, **ERRORS})
def dissent(request: HttpRequest, decision_id: PathId, payload: DissentIn) -> Any:
    """Put the minority's view on the record, once, within the period. The decision binds."""
    user = request_user(request)
    result = services.add_dissent(
        actor=user,
        decision=load_decision(user, decision_id),
        text=payload.text,
        unit=unit_or_none(payload.unit_id),
    )
    return Status(
        201, _dissent_out(Dissent.objects.select_related("user", "unit").get(pk=result.pk))
    )


@router.post("/decisions/{decision_id}/complete", response={200: DecisionOut, **ERRORS})
def complete(request: HttpRequest, decision_id: PathId) -> Any:
    user = request_user(request)
    services.complete_decision(actor=user, decision=load_decision(user, decision_id))
    return _decision_out(user, decision_id)


@router.get("/decisions/{decision_id}/dashboard", response={200: DashboardOut, **ERRORS})
def decision_dashboard(
    request: HttpRequest, decision_id: PathId, unit_id: int | None = None
) -> Any:
    """Asked / committed / reported / overdue for this decision, at its scope or a unit in it."""
    user = request_user(request)
    decision = load_decision(user, decision_id)
    require(_is_member(user), "The accountability dashboard is for members.")
    unit = load_unit(user, unit_id) if unit_id is not None else decision.scope
    total, rows = selectors.dashboard(decision=decision, unit=unit)
    return {"total": total.as_dict(), "rows": [r.as_dict() for r in rows]}


# --- Actions -----------------------------------------------------------------------------------


def _commitment_out(c: Commitment, *, show_name: bool = True) -> dict[str, Any]:
    unit = c.action.unit
    return {
        "id": c.pk,
        "action_id": c.action_id,
        "user_id": c.user_id,
        # Another branch's members are not named to this one (docs/organisation.md).
        "name": c.user.full_name if show_name or unit is None else f"A member of {unit.name}",
        "description": c.description,
        "amount": c.amount,
        "due_on": c.due_on,
        "created_at": c.created_at,
    }


def _action_out(action: Action, user: Any) -> dict[str, Any]:
    show = can_see_names(user, action)
    return {
        **_action_summary(action),
        "commitments": [
            _commitment_out(c, show_name=show)
            for c in action.commitments.select_related("user", "action__unit")
        ],
        "reports": list(action.reports.all()),
    }


@router.post("/decisions/{decision_id}/actions", response={201: ActionOut, **ERRORS})
def create_action(request: HttpRequest, decision_id: PathId, payload: ActionIn) -> Any:
    """Assign an action to a unit or a member; with ``parent_id`` it cascades an action
    assigned to your unit further down."""
    user = request_user(request)
    decision = load_decision(user, decision_id)
    parent = load_action(user, payload.parent_id) if payload.parent_id is not None else None
    assignee = person(payload.assignee_id) if payload.assignee_id is not None else None
    action = services.create_action(
        actor=user,
        decision=decision,
        title=payload.title,
        due_on=payload.due_on,
        description=payload.description,
        target=payload.target,
        measure=payload.measure,
        unit=unit_or_none(payload.unit_id),
        assignee=assignee,
        parent=parent,
    )
    return Status(201, _action_out(load_action(user, action.pk), user))


@router.get("/actions/{action_id}", response={200: ActionOut, **ERRORS})
def get_action(request: HttpRequest, action_id: PathId) -> Any:
    user = request_user(request)
    return _action_out(load_action(user, action_id), user)


@router.post("/actions/{action_id}/commitments", response={201: CommitmentOut, **ERRORS})
def commit(request: HttpRequest, action_id: PathId, payload: CommitmentIn) -> Any:
    """Take on part of the action ("I'll leaflet Saturday, 2 hours")."""
    user = request_user(request)
    c = services.commit_to_action(
        actor=user,
        action=load_action(user, action_id),
        description=payload.description,
        amount=payload.amount,
        due_on=payload.due_on,
    )
    # The service created it with user=actor, so c.user costs no query.
    return Status(201, _commitment_out(c))


@router.post("/actions/{action_id}/reports", response={201: ActionReportOut, **ERRORS})
def report(request: HttpRequest, action_id: PathId, payload: ReportIn) -> Any:
    """Report back with figures and text, on the action or on your commitment to it."""
    user = request_user(request)
    action = load_action(user, action_id)
    commitment = None
    if payload.commitment_id is not None:
        commitment = Commitment.objects.filter(pk=payload.commitment_id, action=action).first()
        if commitment is None:
            raise NotFound("No such commitment to this action.")
    corrects = None
    if payload.corrects_id is not None:
        corrects = Report.objects.filter(pk=payload.corrects_id, action=action).first()
        if corrects is None:
            raise NotFound("No such report on this action.")
    result: Report = services.report_back(
        actor=user,
        action=action,
        figure=payload.figure,
        text=payload.text,
        commitment=commitment,
        corrects=corrects,
    )
    return Status(201, result)


@router.get("/units/{unit_id}/dashboard", response={200: DashboardOut, **ERRORS})
def unit_dashboard(request: HttpRequest, unit_id: PathId) -> Any:
    """Every action assigned in the unit and below, rolled up, per unit directly below."""
    total, rows = selectors.dashboard(unit=load_unit(request_user(request), unit_id))
    return {"total": total.as_dict(), "rows": [r.as_dict() for r in rows]}
