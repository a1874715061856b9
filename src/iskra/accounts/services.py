"""Sign-in safety: rate limiting, TOTP two-factor, personal access tokens, invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from iskra.accounts.models import Invitation, LoginFailure, PersonalAccessToken, TOTPDevice, User
from iskra.audit.services import record
from iskra.core.email import send_after_commit
from iskra.core.errors import DomainError
from iskra.organisation.permissions import is_any_officer, require

TOKEN_PREFIX = "isk_"  # noqa: S105 - a public marker, not a secret.


# --- Rate limiting ------------------------------------------------------------------------------


def is_rate_limited(*, email: str, client: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_RATE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_RATE_LIMIT
    return (
        recent.filter(email=email.lower()).count() >= limit
        or recent.filter(client=client).count() >= limit * 4
    )


def note_login_failure(*, email: str, client: str) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], client=client[:64])
    # Old rows are of no further use; keep the table small.
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def clear_login_failures(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()


# --- Two-factor ---------------------------------------------------------------------------------


def two_factor_required(user: Any) -> bool:
    """Whether this person must use two-factor sign-in (policy is the organisation's)."""
    from iskra.organisation.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return False
    organisation = Organisation.objects.only("require_2fa_for_officers").first()
    if organisation is None or not organisation.require_2fa_for_officers:
        return False
    # Seats that give access to member data, and administrators, need the second factor.
    return is_any_officer(user) or bool(user.is_superuser)


def has_confirmed_totp(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


@transaction.atomic
def start_totp_setup(*, user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise DomainError(
            "Two-factor sign-in is already on. Turn it off first to register a new device."
        )
    if device is None:
        device = TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
    return device


def provisioning_uri(device: TOTPDevice, issuer: str) -> str:
    return str(
        pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=issuer)
    )


def _verify(device: TOTPDevice, code: str) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for drift in (0, -1, 1):
        at = now + timedelta(seconds=30 * drift)
        step = int(at.timestamp()) // 30
        # A code works once: replaying an observed code within its window is refused.
        if step > device.last_used_step and secrets.compare_digest(totp.at(at), code):
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    return False


@transaction.atomic
def confirm_totp(*, user: User, code: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise DomainError("Start the set-up first.")
    if not _verify(device, code):
        raise DomainError(
            "That code is not right. Check the time on your phone and try the newest code."
        )
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    record(actor=user, action="account.2fa_on", obj=user)
    return device


@transaction.atomic
def check_totp(*, user: User, code: str) -> bool:
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    return device is not None and _verify(device, code)


@transaction.atomic
def disable_totp(*, user: User, code: str) -> None:
    if not check_totp(user=user, code=code):
        raise DomainError("Enter a current code from your authenticator to turn two-factor off.")
    TOTPDevice.objects.filter(user=user).delete()
    record(actor=user, action="account.2fa_off", obj=user)


# --- Personal access tokens -----------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    if not name.strip():
        raise DomainError("Give the token a name so you can recognise it later.")
    if PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).count() >= 20:
        raise DomainError("You have 20 active tokens; revoke one first.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name.strip()[:100], prefix=raw[:12], token_hash=hash_token(raw)
    )
    record(
        actor=user,
        action="token.create",
        obj=token,
        data={"name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> PersonalAccessToken:
    token = PersonalAccessToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise DomainError("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=user, action="token.revoke", obj=token, data={"prefix": token.prefix})
    return token


def user_for_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last use at most once a minute to spare the database on busy clients.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Invitations ----------------------------------------------------------------------------------


def password_setup_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/accounts/reset/{uid}/{token}/"


@transaction.atomic
def invite(*, actor: Any, user: User) -> Invitation:
    """Email a person a link to set their password and sign in (e.g. after an import)."""
    membership = getattr(user, "membership", None)
    from iskra.members.permissions import can_manage_member

    require(
        membership is not None and can_manage_member(actor, membership),
        "You can only invite members of your units.",
    )
    invitation = Invitation.objects.create(user=user, invited_by=actor)
    record(
        actor=actor, action="account.invite", obj=user, unit=membership.unit if membership else None
    )
    send_after_commit(
        to=user.email,
        template="accounts/email/invitation",
        context={"name": user.full_name, "link": password_setup_link(user), "inviter": str(actor)},
    )
    return invitation
