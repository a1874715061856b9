"""Gathering signatures, as recall petitions and requisitions do: who may sign is fixed the day
it starts (one INSERT … SELECT of the members then, with their unit); one signature per member
(a unique constraint); a withdrawn signature no longer counts and may be given again; the
threshold may ask for a spread over units.

The audit log says that a member signed, not who: like a statutory petition's marked register,
who signed is not shown to the officers (who are often those the petition is about).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.members.models import Membership


def fix_eligible(
    eligible_model: type[models.Model], petition: Any, members: QuerySet[Membership]
) -> int:
    """Record who may sign (``members``' users with their unit) in one statement; their count."""
    sql, params = members.values_list("user_id", "unit_id").query.sql_with_params()
    table = eligible_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (petition_id, user_id, unit_id) "  # noqa: S608
            "SELECT %s, chosen.* FROM (" + sql + ") chosen",
            [petition.pk, *params],
        )
        return int(cursor.rowcount)


def refuse_if_lapsed(petition: Any, doing: str) -> None:
    if petition.state == "open" and timezone.localdate() > petition.closes_on:
        raise DomainError(f"It lapsed on {petition.closes_on:%-d %B %Y}: {doing} is over.")


def add_signature(
    signature_model: type[models.Model],
    petition: Any,
    actor: Any,
    unit_id: int,
    *,
    action: str,
    unit: Any,
    key: str = "petition",
) -> None:
    """Sign, or sign again after withdrawing; the count goes up by one."""
    now = timezone.now()
    withdrawn = signature_model._default_manager.filter(
        petition=petition, signer=actor, withdrawn_at__isnull=False
    ).update(withdrawn_at=None, signed_at=now)
    if not withdrawn:
        try:
            with transaction.atomic():
                signature_model._default_manager.create(
                    petition=petition, signer=actor, unit_id=unit_id, signed_at=now
                )
        except IntegrityError:
            raise DomainError("You have already signed.") from None
    type(petition)._default_manager.filter(pk=petition.pk).update(signatures=F("signatures") + 1)
    petition.refresh_from_db(fields=["signatures"])
    record(
        actor=None,
        action=action,
        obj=petition,
        unit=unit,
        data={key: petition.pk, "signatures": petition.signatures},
    )


def withdraw_signature(
    signature_model: type[models.Model],
    petition: Any,
    actor: Any,
    *,
    action: str,
    unit: Any,
    key: str = "petition",
) -> None:
    """Take a signature back; the count goes down by one."""
    changed = signature_model._default_manager.filter(
        petition=petition, signer_id=getattr(actor, "pk", None) or 0, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not changed:
        raise DomainError("You have not signed.")
    type(petition)._default_manager.filter(pk=petition.pk).update(signatures=F("signatures") - 1)
    petition.refresh_from_db(fields=["signatures"])
    record(
        actor=None,
        action=action,
        obj=petition,
        unit=unit,
        data={key: petition.pk, "signatures": petition.signatures},
    )


def signed_units(signature_model: type[models.Model], petition: Any) -> int:
    """How many units the live signatures come from (for the spread rule)."""
    return (
        signature_model._default_manager.filter(petition=petition, withdrawn_at__isnull=True)
        .values("unit_id")
        .distinct()
        .count()
    )


def has_signed(signature_model: type[models.Model], user: Any, petition: Any) -> bool:
    return signature_model._default_manager.filter(
        petition=petition, signer_id=getattr(user, "pk", None) or 0, withdrawn_at__isnull=True
    ).exists()


def reached(signature_model: type[models.Model], petition: Any) -> bool:
    """Whether the signatures reach the threshold (and its spread over units)."""
    if petition.signatures < petition.required:
        return False
    return (
        not petition.spread_units
        or signed_units(signature_model, petition) >= petition.spread_units
    )


def eligible_unit(eligible_model: type[models.Model], petition: Any, user: Any) -> int | None:
    """The unit of this person on the day it started, if they may sign."""
    return (
        eligible_model._default_manager.filter(
            petition=petition, user_id=getattr(user, "pk", None) or 0
        )
        .values_list("unit_id", flat=True)
        .first()
    )


def in_good_standing(user: Any) -> bool:
    """Whether this person's membership is in good standing now (one who has lapsed or is
    suspended since the day it started no longer signs)."""
    from iskra.members.models import Status

    return Membership.objects.filter(
        user_id=getattr(user, "pk", None) or 0, status=Status.MEMBER, user__is_active=True
    ).exists()
