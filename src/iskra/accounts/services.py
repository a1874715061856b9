"""Sign-in safety: rate limiting, TOTP two-factor, personal access tokens, invitations."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iskra.accounts import tasks
from iskra.accounts.models import (
    Invitation,
    PersonalAccessToken,
    UsedRecoveryCode,
    User,
)
from iskra.audit.services import record
from iskra.core import ratelimit
from iskra.core.errors import DomainError, PermissionDenied
from iskra.organisation.permissions import is_any_officer, is_officer_of, require

PROFILE_FIELDS = (
    "full_name",
    "pronouns",
    "phone",
    "address",
    "postcode",
    "workplace",
    "employer",
    "job_title",
    "union",
    "consent_email",
    "consent_phone",
    "consent_sms",
    "consent_post",
    "email_preference",
)

TOKEN_PREFIX = "isk_"  # noqa: S105 - a public marker, not a secret.


# --- Sign-in limits (django-axes) ----------------------------------------------------------------


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """The email address a sign-in attempt names, as django-axes keys its counts on it."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if value is None and request is not None and hasattr(request, "POST"):
        value = request.POST.get("email") or request.POST.get("username")
    return str(value or "").strip().lower()[:254]


# --- Two-factor ---------------------------------------------------------------------------------
#
# The devices are django-otp's: a TOTP device for the authenticator app, and a static-token
# device whose tokens are the recovery codes. Recovery codes are stored as a hash (the plain
# code is shown once); a used code is remembered as a hash so that it gets a clear message.

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_NAME = "Recovery codes"


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


def totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def has_confirmed_totp(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def totp_secret(device: TOTPDevice) -> str:
    """The key as the base32 text authenticator apps expect."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def start_totp_setup(*, user: User) -> TOTPDevice:
    if has_confirmed_totp(user):
        raise DomainError(
            "Two-factor sign-in is already on. Turn it off first to register a new device."
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice, issuer: str) -> str:
    return str(
        pyotp.TOTP(totp_secret(device)).provisioning_uri(name=device.user.email, issuer_name=issuer)
    )


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def _throttled_message(device: Any) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return f"Too many wrong codes. Wait {wait} second{'s' if wait != 1 else ''} and try again."


def confirm_totp(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor on with a first valid code; returns the device and the recovery codes
    (shown once). A wrong code counts towards the device's throttling (kept: not rolled back)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            problem: str | None = "Start the set-up first."
        else:
            problem = _throttled_message(device)
            if problem is None and not device.verify_token(_digits(code)):
                problem = (
                    "That code is not right. Check the time on your phone and try the newest code."
                )
    if problem is not None or device is None:
        raise DomainError(problem or "Start the set-up first.")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(actor=user, action="account.2fa_on", obj=user)
        return device, _new_recovery_codes(user)


def _recovery_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    # 16 hex characters fit django-otp's token column; 64 bits of a hash of a 59-bit random
    # code: the stored value does not give the code back.
    return hashlib.sha256(f"iskra-recovery-code:{normalised}".encode()).hexdigest()[:16]


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=_RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    UsedRecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=_recovery_hash(code)) for code in codes]
    )
    return codes


def regenerate_recovery_codes(*, user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current second factor."""
    verify_second_factor(user=user, code=code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(actor=user, action="account.recovery_codes", obj=user)
    return codes


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count())


def _use_recovery_code(user: User, code: str) -> tuple[StaticDevice | None, str | None]:
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return None, "That code is not right. Try the newest one from your app."
    throttled = _throttled_message(device)
    if throttled:
        return None, throttled
    hashed = _recovery_hash(code)
    token = device.token_set.filter(token=hashed).first()
    if token is None:
        device.throttle_increment()
        if UsedRecoveryCode.objects.filter(user=user, code_hash=hashed).exists():
            return None, (
                "This recovery code has already been used. Each code works once: "
                "use another of your codes, or the code from your authenticator app."
            )
        return None, "That recovery code is not right. Check it and try again."
    token.delete()
    UsedRecoveryCode.objects.create(user=user, code_hash=hashed)
    device.throttle_reset()
    record(
        actor=user,
        action="account.recovery_code_used",
        obj=user,
        data={"left": device.token_set.count()},
    )
    return device, None


@transaction.atomic
def _check_second_factor(
    user: User, code: str
) -> tuple[TOTPDevice | StaticDevice | None, str | None]:
    # Returns the problem rather than raising it, so the throttling count a wrong code adds is
    # committed, not rolled back with the exception.
    digits = _digits(code)
    if not any(ch.isalpha() for ch in code) and 6 <= len(digits) <= 8:
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return None, "Two-factor sign-in is not on for this account."
        throttled = _throttled_message(device)
        if throttled:
            return None, throttled
        if not device.verify_token(digits):
            return None, "That code is not right. Try the newest one from your app."
        return device, None
    return _use_recovery_code(user, code)


def verify_second_factor(*, user: User, code: str) -> TOTPDevice | StaticDevice:
    """Check a current authenticator code, or one of the person's recovery codes.

    Wrong codes slow further tries down (django-otp's throttling, on the device itself: a
    correct password does not reset it). Returns the device that matched.
    """
    device, problem = _check_second_factor(user, code)
    if device is None:
        raise DomainError(problem or "That code is not right.")
    return device


def check_totp(*, user: User, code: str) -> bool:
    try:
        verify_second_factor(user=user, code=code)
    except DomainError:
        return False
    return True


def disable_totp(*, user: User, code: str) -> None:
    try:
        verify_second_factor(user=user, code=code)
    except DomainError as exc:
        raise DomainError(
            f"{exc.message} Enter a current code from your authenticator (or a recovery code) "
            "to turn two-factor off."
        ) from None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        UsedRecoveryCode.objects.filter(user=user).delete()
        record(actor=user, action="account.2fa_off", obj=user)


# --- Personal access tokens -----------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user: User, name: str, confirmation: str) -> tuple[PersonalAccessToken, str]:
    """Create a token; the raw value is returned once and never stored.

    A token outlives the session, so it needs a fresh proof: a current second factor when the
    person has two-factor on, otherwise their password, typed again.
    """
    if not name.strip():
        raise DomainError("Give the token a name so you can recognise it later.")
    if has_confirmed_totp(user):
        try:
            verify_second_factor(user=user, code=confirmation)
        except DomainError as exc:
            raise DomainError(
                f"{exc.message} A token needs a current code from your authenticator app."
            ) from None
    elif two_factor_required(user):
        raise PermissionDenied("Set up two-factor sign-in before creating a token.")
    elif not confirmation or not user.check_password(confirmation):
        raise DomainError("That password is not right. A token needs your password again.")
    return issue_token(user=user, name=name)


def issue_token(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token without asking for a proof: for trusted code only (a command run by the
    server's operator, the test and fuzzing tools). Pages and the API call :func:`create_token`."""
    if not name.strip():
        raise DomainError("Give the token a name so you can recognise it later.")
    with transaction.atomic():
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


@transaction.atomic
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


class TooManyRequests(DomainError):
    status_code = 429


def request_password_reset(*, email: str, client: str) -> None:
    """Queue the reset email for this address. Known and unknown addresses take the same path
    (the task looks the account up), so the answer cannot tell them apart."""
    window = settings.ANON_RATE_WINDOW_SECONDS
    if not ratelimit.allow(
        "password-reset", client, limit=settings.ANON_RATE_LIMIT, window=window
    ) or not ratelimit.allow(
        "password-reset-email", email, limit=settings.PASSWORD_RESET_PER_EMAIL, window=window
    ):
        raise TooManyRequests(ratelimit.TOO_MANY)
    tasks.send_password_reset.enqueue(email=email)


@transaction.atomic
def invite(*, actor: Any, user: User) -> Invitation:
    """Email a person a link to set their password and sign in (e.g. after an import).

    The queued task holds the invitation's id; the link is made when the email is sent, so it
    is never stored."""

    # Members stand on accounts: the membership is reached through the person. Officers of the
    # member's unit invite (as members.permissions.can_manage_member says).
    membership = getattr(user, "membership", None)
    require(
        membership is not None and is_officer_of(actor, membership.unit),
        "You can only invite members of your units.",
    )
    invitation = Invitation.objects.create(user=user, invited_by=actor)
    record(
        actor=actor, action="account.invite", obj=user, unit=membership.unit if membership else None
    )
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation_id=invitation.pk))
    return invitation


# --- Profile ---------------------------------------------------------------------------------------


@transaction.atomic
def update_profile(*, actor: Any, user: User, changes: dict[str, Any]) -> User:
    """A person edits their own profile; officers of a member's unit edit the member's."""
    # Members stand on accounts, so a person's membership is reached through them. Others'
    # profiles are edited by officers of the member's unit (as members.permissions says).
    membership = getattr(user, "membership", None)
    if user.pk != actor.pk:
        require(membership is not None and is_officer_of(actor, membership.unit))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if (
        "email_preference" in changes
        and changes["email_preference"] not in User.EmailPreference.values
    ):
        raise DomainError("Choose how often to be emailed: as things happen, daily, or never.")
    if "full_name" in changes and not str(changes["full_name"]).strip():
        raise DomainError("A name cannot be empty.")
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in changes.items():
        if getattr(user, field) != value:
            old[field], new[field] = getattr(user, field), value
            setattr(user, field, value)
    if new:
        user.save(update_fields=list(new))
        record(
            actor=actor,
            action="profile.update",
            obj=user,
            unit=membership.unit if membership else None,
            personal={"old": old, "new": new},
            subject_id=user.pk,
        )
    return user
