"""Who may do what with the organisation's structure. Rights come from current seats only."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from iskra.core.errors import NotFound, PermissionDenied
from iskra.organisation.models import Body, Seat, SeatHolding, Unit

_CACHE_ATTR = "_iskra_officer_paths"
_COVERS_ALL_ATTR = "_iskra_covers_all"


def officer_paths(user: Any) -> tuple[str, ...]:
    """The paths of the units this person is an officer of today (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached: tuple[str, ...] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = tuple(
            SeatHolding.objects.current()
            # Only seats that say so give rights over member data.
            .filter(holder=user, seat__grants_officer_rights=True)
            .values_list("seat__body__unit__path", flat=True)
            .distinct()
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_rights(user: Any) -> None:
    """Drop the cached rights, e.g. after a seat changes hands within one request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    if hasattr(user, _COVERS_ALL_ATTR):
        delattr(user, _COVERS_ALL_ATTR)


def is_officer_of(user: Any, unit: Unit) -> bool:
    # Superusers administer the installation and may act everywhere.
    if getattr(user, "is_superuser", False):
        return True
    # An officer of a unit is an officer of every unit below it.
    return any(unit.path.startswith(path) for path in officer_paths(user))


def is_any_officer(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(officer_paths(user))


def _is_root_path(path: str) -> bool:
    # A root unit's path names only itself: "/1/".
    return path.count("/") == 2


def _covers_every_root(user: Any, paths: tuple[str, ...]) -> bool:
    cached: bool | None = getattr(user, _COVERS_ALL_ATTR, None)
    if cached is None:
        root_paths = [p for p in paths if _is_root_path(p)]
        cached = (
            bool(root_paths)
            and not Unit.objects.filter(parent__isnull=True).exclude(path__in=root_paths).exists()
        )
        setattr(user, _COVERS_ALL_ATTR, cached)
    return cached


def runs_meetings_of(user: Any, body: Body) -> bool:
    """The secretary or chair of the body, or an officer of its unit, runs its meetings (calls
    them, keeps the attendance, opens and closes them)."""
    if is_officer_of(user, body.unit):
        return True
    return (
        SeatHolding.objects.current()
        .filter(
            holder_id=getattr(user, "pk", None),
            seat__body=body,
            seat__role__in=[Seat.Role.SECRETARY, Seat.Role.CHAIR],
        )
        .exists()
    )


def bodies_run_by_q(user: Any) -> Q:
    """A filter on bodies keeping those whose meetings this person runs (as runs_meetings_of)."""
    if getattr(user, "is_superuser", False):
        return Q()
    seats = SeatHolding.objects.current().filter(
        holder_id=getattr(user, "pk", None),
        seat__role__in=[Seat.Role.SECRETARY, Seat.Role.CHAIR],
    )
    return officer_scope_q(user, "unit__path") | Q(pk__in=seats.values("seat__body_id"))


def officer_scope_q(user: Any, path_field: str = "unit__path") -> Q:
    """A filter keeping only rows whose unit lies within this person's officer rights."""
    if getattr(user, "is_superuser", False):
        return Q()
    paths = officer_paths(user)
    if not paths:
        return Q(pk__in=[])
    # An officer of the only root unit covers everything: a filter that is always true (and
    # needs no join) replaces the path test. It must not be an empty Q(), which an OR drops.
    if _covers_every_root(user, paths):
        return Q(pk__isnull=False)
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def is_national_officer(user: Any) -> bool:
    # National officers hold an officer seat on a body of the root unit.
    if getattr(user, "is_superuser", False):
        return True
    return any(_is_root_path(path) for path in officer_paths(user))


def can_manage_settings(user: Any) -> bool:
    return is_national_officer(user)


def can_manage_structure(user: Any, unit: Unit) -> bool:
    # Units, bodies and seats are managed by officers of the unit (or above).
    return is_officer_of(user, unit)


def can_edit_standing_orders(user: Any, body: Body) -> bool:
    # A body's standing orders are changed by the officers of its unit (or above), as its seats.
    return is_officer_of(user, body.unit)


def can_view_organisation(user: Any) -> bool:
    # The structure (units, bodies, who holds which office) is visible to every active member.
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or officer_paths(user):
        return True
    # An active member (a candidate or a member). Memberships stand on organisation (each is in
    # a unit), so the membership is reached through the person, and asked its own standing.
    membership = getattr(user, "membership", None)
    return membership is not None and bool(membership.is_active)


def load_unit(user: Any, unit_id: int) -> Unit:
    if not can_view_organisation(user):
        raise NotFound("No such unit.")
    unit = Unit.objects.select_related("kind", "parent").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("No such unit.")
    return unit


def load_body(user: Any, body_id: int) -> Body:
    if not can_view_organisation(user):
        raise NotFound("No such body.")
    body = Body.objects.select_related("unit").filter(pk=body_id).first()
    if body is None:
        raise NotFound("No such body.")
    return body


def load_seat(user: Any, seat_id: int) -> Seat:
    """A seat on a body the person may see; "not found" otherwise."""
    seat = Seat.objects.select_related("body__unit").filter(pk=seat_id).first()
    if seat is None or not can_view_organisation(user):
        raise NotFound("No such seat.")
    return seat


def load_holding(user: Any, holding_id: int) -> SeatHolding:
    """A term in a seat, for someone who may manage the structure of its body's unit: "not
    found" if there is no such term, "not allowed" otherwise."""
    holding = (
        SeatHolding.objects.select_related("seat__body__unit", "holder")
        .filter(pk=holding_id)
        .first()
    )
    if holding is None:
        raise NotFound("No such term.")
    # Only those who manage the unit's structure end a term.
    require(can_manage_structure(user, holding.seat.body.unit))
    return holding


def require(condition: bool, message: str = "You do not have permission to do this.") -> None:
    if not condition:
        raise PermissionDenied(message)
