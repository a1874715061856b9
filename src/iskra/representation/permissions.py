"""Who sees a recall petition and who may act on it. A petition is the business of the seat's
constituency: its members (on the day it started), the holder and the officers over the seat's
body see it; to anyone else it does not exist (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from iskra.core.errors import NotFound
from iskra.organisation.models import Body, Seat, SeatHolding
from iskra.organisation.permissions import (
    bodies_run_by_q,
    is_officer_of,
    officer_scope_q,
    runs_meetings_of,
)
from iskra.representation.models import (
    ByElection,
    Nomination,
    RecallEligible,
    RecallPetition,
    Requisition,
    RequisitionEligible,
    RequisitionSignature,
)


def can_view_petition(user: Any, petition: RecallPetition) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == petition.holding.holder_id or is_officer_of(
        user, petition.holding.seat.body.unit
    ):
        return True
    return RecallEligible.objects.filter(petition=petition, user_id=user.pk).exists()


def visible_petitions(user: Any) -> QuerySet[RecallPetition]:
    """The petitions this person may see (``can_view_petition``), as one query."""
    petitions = RecallPetition.objects.select_related(
        "holding__seat__body__unit", "holding__holder"
    )
    if not getattr(user, "is_authenticated", False):
        return petitions.none()
    if getattr(user, "is_superuser", False):
        return petitions
    eligible = RecallEligible.objects.filter(user_id=user.pk).values("petition_id")
    return petitions.filter(
        Q(pk__in=eligible)
        | Q(holding__holder_id=user.pk)
        | officer_scope_q(user, "holding__seat__body__unit__path")
    )


def with_your_part(petitions: QuerySet[RecallPetition], user: Any) -> QuerySet[RecallPetition]:
    """Each petition annotated with whether this person's signature counts (``you_signed``) and
    whether they were of the constituency when it started (``you_eligible``)."""
    from django.db.models import Exists, OuterRef

    from iskra.representation.models import RecallSignature

    pk = getattr(user, "pk", None) or 0
    return petitions.annotate(
        you_signed=Exists(
            RecallSignature.objects.filter(
                petition=OuterRef("pk"), signer_id=pk, withdrawn_at__isnull=True
            )
        ),
        you_eligible=Exists(RecallEligible.objects.filter(petition=OuterRef("pk"), user_id=pk)),
    )


def load_petition(user: Any, petition_id: int, *, whole: bool = False) -> RecallPetition:
    """The petition, if this person may see it. ``whole``: with what its page shows (the
    seat's constituency, the starter, the ballots); a verb needs only the holding."""
    related = ["holding__seat__body__unit", "holding__holder"]
    if whole:
        related += [
            "holding__seat__constituency_unit",
            "holding__seat__constituency_body",
            "started_by",
            "ballot",
            "by_election",
        ]
    petition = RecallPetition.objects.select_related(*related).filter(pk=petition_id).first()
    if petition is None or not can_view_petition(user, petition):
        raise NotFound("No such recall petition.")
    return petition


def is_eligible(user: Any, petition: RecallPetition) -> bool:
    return RecallEligible.objects.filter(
        petition=petition, user_id=getattr(user, "pk", None) or 0
    ).exists()


def load_holding(user: Any, holding_id: int) -> SeatHolding:
    """A seat's holding, for its record and its recall: every member sees who holds the
    organisation's seats (as on the units' pages)."""
    from iskra.motions.permissions import is_member_or_superuser

    holding = (
        SeatHolding.objects.select_related(
            "seat__body__unit", "seat__constituency_unit", "seat__constituency_body", "holder"
        )
        .filter(pk=holding_id)
        .first()
    )
    if holding is None or not (
        is_member_or_superuser(user) or is_officer_of(user, holding.seat.body.unit)
    ):
        raise NotFound("No such seat holding.")
    return holding


def why_not_start(user: Any, holding: SeatHolding, live: RecallPetition | None) -> str:
    """Why this person cannot start a recall of this holding ("" if they can): the term has
    ended, it is their own seat, a petition (``live``) is under way, the seat has no
    constituency, or they are not of it. The service checks the same when it starts one."""
    from iskra.core.errors import DomainError
    from iskra.representation.services import constituency

    if holding.ended_on is not None:
        return "This term has ended."
    if getattr(user, "pk", None) == holding.holder_id:
        return "This is your own seat."
    if live is not None:
        return "A petition to recall them is already under way."
    try:
        members = constituency(holding)
    except DomainError as exc:
        return exc.message
    if not members.filter(user_id=getattr(user, "pk", None) or 0).exists():
        return "Only members of the constituency that elects this seat can start its recall."
    return ""


# Requisitions of a special meeting: the business of the members under the body's unit (on the
# day it started) and of the officers over it; to anyone else one does not exist (404).


def can_view_requisition(user: Any, requisition: Requisition) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_officer_of(user, requisition.body.unit) or runs_meetings_of(user, requisition.body):
        return True
    return RequisitionEligible.objects.filter(petition=requisition, user_id=user.pk).exists()


def visible_requisitions(user: Any) -> QuerySet[Requisition]:
    """The requisitions this person may see (``can_view_requisition``), as one query."""
    rows = Requisition.objects.select_related("body__unit", "meeting")
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if getattr(user, "is_superuser", False):
        return rows
    eligible = RequisitionEligible.objects.filter(user_id=user.pk).values("petition_id")
    return rows.filter(
        Q(pk__in=eligible)
        | officer_scope_q(user, "body__unit__path")
        | Q(body__in=Body.objects.filter(bodies_run_by_q(user)))
    )


def with_your_signature(rows: QuerySet[Requisition], user: Any) -> QuerySet[Requisition]:
    """Each requisition annotated with whether this person's signature counts (``you_signed``)
    and whether they may sign it (``you_eligible``)."""
    from django.db.models import Exists, OuterRef

    pk = getattr(user, "pk", None) or 0
    return rows.annotate(
        you_signed=Exists(
            RequisitionSignature.objects.filter(
                petition=OuterRef("pk"), signer_id=pk, withdrawn_at__isnull=True
            )
        ),
        you_eligible=Exists(
            RequisitionEligible.objects.filter(petition=OuterRef("pk"), user_id=pk)
        ),
    )


def load_requisition(user: Any, requisition_id: int) -> Requisition:
    requisition = (
        Requisition.objects.select_related("body__unit", "started_by", "meeting")
        .filter(pk=requisition_id)
        .first()
    )
    if requisition is None or not can_view_requisition(user, requisition):
        raise NotFound("No such requisition.")
    return requisition


def may_sign_requisition(user: Any, requisition: Requisition) -> bool:
    return RequisitionEligible.objects.filter(
        petition=requisition, user_id=getattr(user, "pk", None) or 0
    ).exists()


def why_not_requisition(user: Any, body: Body) -> str:
    """Why this person cannot requisition a meeting of this body ("" if they can). The service
    checks the same when it starts one."""
    from iskra.representation.requisitions import members_under

    if not members_under(body).filter(user_id=getattr(user, "pk", None) or 0).exists():
        return (
            f"Only members in good standing of {body.unit.name} can requisition a meeting of "
            f"{body.name}."
        )
    return ""


def why_not_no_confidence(
    user: Any, *, holding: SeatHolding | None = None, committee: Body | None = None
) -> str:
    """Why this person cannot move no confidence in this holder or committee ("" if they
    can): the term ended, it is them, no body elects them, or they may not propose to it. The
    service checks the same when it drafts the motion."""
    from iskra.core.errors import DomainError
    from iskra.motions.permissions import can_propose_to
    from iskra.representation.no_confidence import deciding_body

    if holding is not None:
        if holding.ended_on is not None:
            return "This term has ended."
        if getattr(user, "pk", None) == holding.holder_id:
            return "This is your own seat."
        seats = [holding.seat]
    else:
        assert committee is not None
        current = SeatHolding.objects.current().filter(seat__body=committee)
        if not current.exists():
            return f"{committee.name} has no current members."
        if current.filter(holder_id=getattr(user, "pk", None) or 0).exists():
            return "You sit on this committee."
        seats = [h.seat for h in current.select_related("seat")]
    try:
        bodies = {body.pk: body for body in map(deciding_body, seats)}
    except DomainError as exc:
        return exc.message
    if len(bodies) != 1:
        return "Its members are elected by different bodies: move no confidence in each."
    body = next(iter(bodies.values()))
    if not can_propose_to(user, body):
        return f"Only those who may propose motions to {body.name} can move no confidence."
    return ""


# Elections, by-elections and nominations (representation/elections.py, byelections.py).


def can_record_election(user: Any, seat: Seat) -> bool:
    """The officers who manage the seat's body record who was elected to it; for a delegate's
    seat, also the officers of the unit it represents (the branch sends in its delegates)."""
    from iskra.organisation.permissions import can_manage_structure
    from iskra.representation.services import _ballot_place

    if can_manage_structure(user, seat.body.unit):
        return True
    return seat.represents_unit_id is not None and is_officer_of(user, _ballot_place(seat)[0])


def can_view_by_election(user: Any, by_election: ByElection) -> bool:
    """The constituency's members and the electing unit's officers see a by-election."""
    from iskra.representation.byelections import in_constituency
    from iskra.representation.services import _ballot_place

    unit, _body = _ballot_place(by_election.seat)
    return in_constituency(user, by_election.seat) or is_officer_of(user, unit)


def load_by_election(user: Any, by_election_id: int) -> ByElection:
    found = (
        ByElection.objects.select_related(
            "seat__body__unit", "seat__constituency_unit", "seat__constituency_body", "ballot"
        )
        .filter(pk=by_election_id)
        .first()
    )
    if found is None or not can_view_by_election(user, found):
        raise NotFound("No such by-election.")
    return found


def load_nomination(user: Any, nomination_id: int) -> Nomination:
    found = Nomination.objects.select_related("by_election").filter(pk=nomination_id).first()
    if found is None or not can_view_by_election(user, found.by_election):
        raise NotFound("No such nomination.")
    return found
