"""Who may do what with a secret ballot. Nobody — officer, scrutineer or administrator — can
see how anyone voted, and nobody sees any count before the close."""

from __future__ import annotations

from typing import Any

from iskra.ballots.models import Ballot, Challenge, Preset, RollEntry
from iskra.core.errors import NotFound
from iskra.members.models import Membership, Status
from iskra.organisation.models import SeatHolding
from iskra.organisation.permissions import is_officer_of


def can_manage(user: Any, ballot: Ballot) -> bool:
    # Officers of the ballot's unit define, open and extend it — except the person a recall
    # ballot would recall, who is often one of them (found from outside: a branch secretary
    # extended the ballot on their own recall).
    if not is_officer_of(user, ballot.unit):
        return False
    return not (ballot.preset == Preset.RECALL and is_recalled_by(user, ballot))


def is_recalled_by(user: Any, ballot: Ballot) -> bool:
    """Whether this recall ballot is about this person (a petition's ballot against their seat:
    ``representation``'s model points here, so the lookup goes by its relation's name)."""
    return Ballot.objects.filter(
        pk=ballot.pk, recall_petition__holding__holder_id=getattr(user, "pk", None) or 0
    ).exists()


def is_scrutineer(user: Any, ballot: Ballot) -> bool:
    return ballot.scrutineer_id is not None and ballot.scrutineer_id == getattr(user, "pk", None)


def holds_office_in(user: Any, ballot: Ballot) -> bool:
    """An office in the unit: a current seat on a body of the unit, a unit above or below it."""
    unit = ballot.unit
    ancestors = unit.ancestor_ids
    holdings = (
        SeatHolding.objects.current()
        .filter(holder_id=getattr(user, "pk", None) or 0)
        .values_list("seat__body__unit_id", "seat__body__unit__path")
    )
    return any(uid in ancestors or path.startswith(unit.path) for uid, path in holdings)


def in_constituency_unit(user: Any, ballot: Ballot) -> bool:
    membership = (
        Membership.objects.filter(user_id=getattr(user, "pk", None) or 0)
        .select_related("unit")
        .first()
    )
    return (
        membership is not None
        and membership.status in {Status.MEMBER, Status.CANDIDATE}
        and membership.unit.path.startswith(ballot.unit.path)
    )


def on_roll(user: Any, ballot: Ballot) -> bool:
    return RollEntry.objects.filter(ballot=ballot, user_id=getattr(user, "pk", None) or 0).exists()


def sealed_role(user: Any, ballot: Ballot) -> bool:
    """A trustee or the credential authority of a sealed ballot (they see it from the draft)."""
    if not ballot.sealed:
        return False
    pk = getattr(user, "pk", None) or 0
    return ballot.credential_authority_id == pk or ballot.trustees.filter(user_id=pk).exists()


def can_view(user: Any, ballot: Ballot) -> bool:
    # Drafts are for the officers who prepare them, the scrutineer, and a sealed ballot's
    # trustees and credential authority.
    if ballot.state == Ballot.State.DRAFT:
        return can_manage(user, ballot) or is_scrutineer(user, ballot) or sealed_role(user, ballot)
    # Open and closed ballots: the constituency, the officers, the scrutineer.
    return (
        on_roll(user, ballot)
        or in_constituency_unit(user, ballot)
        or can_manage(user, ballot)
        or is_scrutineer(user, ballot)
        or sealed_role(user, ballot)
        or bool(getattr(user, "is_superuser", False))
    )


def can_see_whole_roll(user: Any, ballot: Ballot) -> bool:
    # Who voted (never how) is for the scrutineer, and only after the close, so that a ballot
    # cast in a member's name without their knowledge can be detected.
    return is_scrutineer(user, ballot) and ballot.state == Ballot.State.CLOSED


def load_ballot(user: Any, ballot_id: int) -> Ballot:
    ballot = Ballot.objects.select_related("unit", "scrutineer").filter(pk=ballot_id).first()
    if ballot is None or not can_view(user, ballot):
        raise NotFound("No such ballot.")
    return ballot


def load_challenge(user: Any, challenge_id: int) -> Challenge:
    """A roll challenge, for someone who may see its ballot; "not found" otherwise."""
    challenge = Challenge.objects.select_related("ballot").filter(pk=challenge_id).first()
    if challenge is None:
        raise NotFound("No such challenge.")
    challenge.ballot = load_ballot(user, challenge.ballot_id)
    return challenge
