"""Emails that carry a password-setup link. The task rows hold an id or the address typed,
never the link: the link is built inside the task, when the email is sent."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from iskra.accounts.email_links import email_change_token
from iskra.accounts.models import Invitation, User
from iskra.core.email import send_now


def _link_parts(user: User) -> dict[str, str]:
    site = urlsplit(settings.SITE_URL)
    return {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme or "https",
        "domain": site.netloc,
    }


@task()
def send_password_reset(*, email: str) -> None:
    """Send the reset link to the account with this address, if there is one (the page
    answered the same either way)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    parts = _link_parts(user)
    send_now(
        to=user.email,
        template="accounts/email/password_reset",
        context={
            **parts,
            "user": user,
            "email": user.email,
            "site_name": parts["domain"],
        },
    )


@task()
def send_invitation(*, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("user", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.user.is_active:
        return
    parts = _link_parts(invitation.user)
    link = f"{settings.SITE_URL}/accounts/reset/{parts['uid']}/{parts['token']}/"
    send_now(
        to=invitation.user.email,
        template="accounts/email/invitation",
        context={
            "name": invitation.user.full_name,
            "link": link,
            "inviter": str(invitation.invited_by or ""),
        },
    )


@task()
def send_email_change_link(*, user_id: int, new_email: str, request: int = 0) -> None:
    """The confirmation link for a new address, sent to that address (issue 11, point 13)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    token = email_change_token(user, new_email, request)
    send_now(
        to=new_email,
        template="accounts/email/email_change_confirm",
        context={
            "name": user.full_name,
            "link": f"{settings.SITE_URL}/accounts/email/confirm/{token}/",
        },
    )
