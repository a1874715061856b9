"""Everything Iskra holds about a person (GDPR Art. 15 and 20), as plain data.

Found, not listed by hand: every row of every model with a reference to the person's account
or membership, so a model added later is in the export without anyone remembering it. Fields
that hold secrets (password and token hashes, second-factor keys, ballot credentials and
trackers) are left out: they are not information about the person, and an export that leaks
by email must not let anyone sign in or link a ballot to its voter.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.models import AuditEntry, AuditPersonalValue
from iskra.members.models import Membership

# Substrings of field names never exported.
SECRET = ("password", "hash", "secret", "key", "token", "credential", "tracker", "salt", "otp")
# Models exported in their own section (the audit log, the membership itself).
SKIP = {AuditEntry, AuditPersonalValue, Membership}
# A reference through one of these is the person's own record (their notification, seat, post,
# commitment, place on a roll...): the whole row is theirs. Through any other (``decided_by``,
# ``created_by``, ``complainant``...) the row is mostly about someone else -- another member's
# case, a motion many people proposed -- so the export says only that they are named in it.
OWN = {"user", "author", "holder", "assignee", "reported_by", "member", "seller"}
# Records that name a person by their email address, not their account: a newsletter signed
# up for on the public form, a paper subscription or a contact recorded by a branch.
BY_EMAIL = (
    ("newsletter", "subscriber"),
    ("press", "papersubscription"),
    ("press", "contact"),
    ("campaigns", "rsvp"),
)


def _is_secret(field: models.Field[Any, Any]) -> bool:
    return any(word in field.name.lower() for word in SECRET)


def _row(obj: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if _is_secret(field):
            continue
        out[field.attname] = field.value_from_object(obj)
    clean: dict[str, Any] = json.loads(json.dumps(out, cls=DjangoJSONEncoder))
    return clean


def _references(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every foreign key or one-to-one to ``target``."""
    found = []
    for model in apps.get_models():
        if model in SKIP:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is target and not _is_secret(field):
                found.append((model, field.name))
    return found


def personal_data(user: User) -> dict[str, Any]:
    """The export: the account, then every record naming the person, then the audit log's
    entries by them and its personal values about them."""
    membership = Membership.objects.filter(user=user).first()
    sections: dict[str, list[dict[str, Any]]] = {}
    owners: list[tuple[type[models.Model], models.Model]] = [(User, user)]
    if membership is not None:
        owners.append((Membership, membership))
    for target, owner in owners:
        for model, field in _references(target):
            rows = model._default_manager.filter(**{field: owner}).order_by("pk")
            title = f"{model._meta.app_label}.{model._meta.model_name} ({field})"
            if target is Membership or field in OWN:
                exported = [_row(r) for r in rows]
            else:
                exported = [
                    {"id": pk, "you_are": field} for pk in rows.values_list("pk", flat=True)
                ]
            if exported:
                sections[title] = exported
    for label, name in BY_EMAIL:
        model = apps.get_model(label, name)
        rows = model._default_manager.filter(email__iexact=user.email).order_by("pk")
        if any(f.name == "user" for f in model._meta.concrete_fields):
            rows = rows.exclude(user=user)  # already above, by the account
        if exported := [_row(r) for r in rows]:
            sections[f"{label}.{name} (email)"] = exported
    return {
        "format": "iskra personal data export, version 1",
        "exported_at": timezone.now().isoformat(),
        "account": _row(user),
        "membership": _row(membership) if membership is not None else None,
        "records": sections,
        "audit_log": _audit(user),
    }


def _audit(user: User) -> list[dict[str, Any]]:
    """Entries the person made or that hold a personal value about them. Only their own
    personal values are shown: another person's (say, the officer who decided) are theirs."""
    entries = (
        AuditEntry.objects.filter(
            models.Q(actor_id=user.pk) | models.Q(personal__subject_id=user.pk)
        )
        .distinct()
        .select_related("unit")
        .prefetch_related("personal")
        .order_by("seq")
    )
    out = []
    for entry in entries:
        mine = {
            v.name: v.value
            for v in entry.personal.all()
            if v.subject_id == user.pk and v.erased_by_seq is None
        }
        out.append(
            {
                "seq": entry.seq,
                "at": entry.at.isoformat(),
                "action": entry.action,
                "object": f"{entry.object_type} {entry.object_id}".strip(),
                "unit": entry.unit.name if entry.unit else None,
                "by_you": entry.actor_id == user.pk,
                "details": entry.data,
                "personal_values_about_you": mine,
            }
        )
    return out
