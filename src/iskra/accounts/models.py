"""People and their credentials: email login, profile, personal access tokens.

Two-factor devices (authenticator app, recovery codes) are django-otp's models."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from iskra.audit.services import record


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Their standing in the organisation is their Membership (members app)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    workplace = models.CharField(max_length=200, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    union = models.CharField(max_length=200, blank=True)
    # Free data from imports and organisation-specific fields (e.g. CRM ids, shift patterns).
    extra = models.JSONField(default=dict, blank=True)
    consent_email = models.BooleanField(default=True)
    consent_phone = models.BooleanField(default=False)
    consent_sms = models.BooleanField(default=False)
    consent_post = models.BooleanField(default=False)

    class EmailPreference(models.TextChoices):
        IMMEDIATE = "immediate", "Email me as things happen"
        DAILY = "daily", "One email a day (digest)"
        NONE = "none", "No email; I'll look in the app"

    email_preference = models.CharField(
        max_length=10, choices=EmailPreference.choices, default=EmailPreference.IMMEDIATE
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["full_name"], name="user_full_name_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``set_password`` keeps the new raw password in ``_password`` until the save. Whatever
        # path changed it (reset link, admin, ``iskra changepassword``), the person's API tokens
        # die with the old password.
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            revoke_tokens_after_password_change(user=self)

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class UsedRecoveryCode(models.Model):
    """A recovery code that has been used, kept as a hash, so that trying it again gets a clear
    message. The codes themselves live, hashed, in django-otp's static-token device."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="used_recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"], name="used_recovery_code_idx")]

    def __str__(self) -> str:
        return f"recovery code used by {self.user} at {self.used_at}"


class EmailChange(models.Model):
    """A person's request to change their sign-in address (issue 11, point 13). The link sent to
    the new address names this row; it works only while the row is pending. A newer request
    retires the pending one, and the database holds at most one pending request per person, so
    a link works once and never comes back to life (not even if the address is changed back)."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the link"
        CONFIRMED = "confirmed", "Confirmed"
        REPLACED = "replaced", "Replaced by a newer request"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="one_pending_email_change_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"email change {self.pk} of {self.user_id} ({self.state})"


class PersonalAccessToken(models.Model):
    """An API credential. Only a SHA-256 of the token is stored; the prefix identifies it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """An officer's invitation to an existing person to set a password and sign in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation for {self.user}"


def revoke_tokens_after_password_change(*, user: User) -> int:
    """Revoke every active token of someone whose password has just changed (``User.save``).

    Here rather than in services: the model calls it, and services import the tasks, which
    import the models (a circle if the models imported the services back)."""
    revoked = PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record(
        actor=user,
        action="account.password_change",
        obj=user,
        data={"tokens_revoked": revoked},
    )
    return int(revoked)
