"""A person changes their own sign-in details (issue 11, point 13): their password (the
current one required; every other session signed out, API tokens revoked) and their email
(confirmed by a signed link sent to the new address; the old address is told, and stays the
sign-in address until the link is followed). Django's own machinery throughout: the password
validators and hashers, and ``django.core.signing`` for the link."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from iskra.accounts import tasks
from iskra.accounts.email_links import EMAIL_CHANGE_MAX_AGE, EMAIL_CHANGE_SALT
from iskra.accounts.models import EmailChange, User
from iskra.accounts.signals import email_changed
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.tasks import send_after_commit
from iskra.core.web import FieldError


def _unit(user: User) -> Any:
    membership = getattr(user, "membership", None)
    return membership.unit if membership is not None else None


@transaction.atomic
def change_password(*, user: User, current: str, new: str) -> User:
    """The caller's own password. The view keeps its own session (``update_session_auth_hash``);
    every other session stops at its next request, as Django checks the password's hash."""
    if not user.check_password(current):
        raise FieldError("old_password", "That is not your current password.")
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise FieldError("new_password1", " ".join(exc.messages)) from None
    user.set_password(new)
    # User.save revokes the person's API tokens and writes the audit entry
    # (account.password_change), whichever way the password changed.
    user.save()
    if user.email:
        send_after_commit(
            to=user.email,
            template="accounts/email/password_changed",
            context={"name": user.full_name},
        )
    return user


def _clean_email(value: str) -> str:
    email = value.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise FieldError("new_email", "Enter a valid email address.") from None
    return email


@transaction.atomic
def request_email_change(*, user: User, new_email: str, password: str) -> str:
    """Send a confirmation link to the new address and tell the old one. Nothing changes until
    the link is followed. Returns the new address (normalised)."""
    if not user.check_password(password):
        raise FieldError("password", "That is not your current password.")
    email = _clean_email(new_email)
    if email == user.email.lower():
        raise FieldError("new_email", "That is already your email address.")
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        # Said plainly: the person is signed in and proved their password, and an address
        # that another account uses could not be confirmed anyway.
        raise FieldError("new_email", "Another account uses that address.")
    # A newer request retires the pending one: only the latest link may be used.
    now = timezone.now()
    EmailChange.objects.filter(user=user, state=EmailChange.State.PENDING).update(
        state=EmailChange.State.REPLACED, ended_at=now
    )
    change = EmailChange.objects.create(user=user, new_email=email, requested_at=now)
    record(
        actor=user,
        action="account.email_change_requested",
        obj=user,
        unit=_unit(user),
        personal={"new": email},
        subject_id=user.pk,
    )
    # The link is made inside the task, when the email is sent: the task row holds the address.
    transaction.on_commit(
        lambda: tasks.send_email_change_link.enqueue(
            user_id=user.pk, new_email=email, request=change.pk
        )
    )
    send_after_commit(
        to=user.email,
        template="accounts/email/email_change_requested",
        context={"name": user.full_name, "new_email": email},
    )
    return email


@transaction.atomic
def confirm_email_change(*, token: str) -> User:
    """Follow the link: the new address becomes the sign-in address; the old one is told."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError("This link has expired. Ask for a new one from your profile.") from None
    except signing.BadSignature:
        raise DomainError("This link is not valid. Ask for a new one from your profile.") from None
    user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    change = (
        EmailChange.objects.select_for_update()
        .filter(pk=data.get("r"), user=user, state=EmailChange.State.PENDING)
        .first()
    )
    if user is None or change is None or user.email != data.get("o"):
        raise DomainError("This link has already been used or replaced by a newer one.")
    new = change.new_email
    if new != data.get("n"):
        raise DomainError("This link is not valid. Ask for a new one from your profile.")
    if User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists():
        raise DomainError("Another account now uses that address; ask for a change to another.")
    old = user.email
    user.email = new
    user.save(update_fields=["email"])
    change.state = EmailChange.State.CONFIRMED
    change.ended_at = timezone.now()
    change.save(update_fields=["state", "ended_at"])
    email_changed.send(sender=User, user=user, old=old, new=new)
    record(
        actor=user,
        action="account.email_change",
        obj=user,
        unit=_unit(user),
        personal={"old": old, "new": new},
        subject_id=user.pk,
    )
    send_after_commit(
        to=old,
        template="accounts/email/email_changed",
        context={"name": user.full_name, "new_email": new},
    )
    return user
