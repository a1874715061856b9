"""Changing one's own password and email address (issue 11, point 13): one page per verb, each
one form calling one service (``iskra.accounts.account_changes``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iskra.accounts import account_changes
from iskra.accounts.forms import EmailChangeForm, PasswordChangeForm
from iskra.accounts.models import User
from iskra.core.errors import DomainError
from iskra.core.web import form_view


def password_change(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    user = User.objects.get(pk=request.user.pk)
    form = PasswordChangeForm(user, request.POST or None)

    def save(form: PasswordChangeForm) -> User:
        changed = account_changes.change_password(
            user=user,
            current=form.cleaned_data["old_password"],
            new=form.cleaned_data["new_password1"],
        )
        # This session stays signed in; every other one is signed out at its next request.
        update_session_auth_hash(request, changed)
        return changed

    return form_view(
        request,
        form,
        save=save,
        done=lambda _: redirect("accounts:profile"),
        success="Your password has changed. You were signed out everywhere else, and your API "
        "tokens were revoked.",
        context={"title": "Change your password", "submit": "Change password"},
    )


def email_change(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    user = User.objects.get(pk=request.user.pk)
    return form_view(
        request,
        EmailChangeForm(request.POST or None),
        save=lambda form: account_changes.request_email_change(
            user=user,
            new_email=form.cleaned_data["new_email"],
            password=form.cleaned_data["password"],
        ),
        done=lambda _: redirect("accounts:profile"),
        success=lambda email: (
            f"We have sent a link to {email}. Your address changes when you "
            f"follow it; until then you sign in with {user.email}."
        ),
        context={"title": "Change your email address", "submit": "Send the confirmation link"},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponseBase:
    """The link from the email: a page with one button (a link opened by a mail scanner must not
    change anything), which makes the new address the sign-in address."""
    if request.method == "POST":
        try:
            user = account_changes.confirm_email_change(token=token)
        except DomainError as exc:
            return _confirm_page(request, error=exc.message, status=400)
        messages.success(request, f"Your email address is now {user.email}.")
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("accounts:profile")
        return redirect("accounts:login")
    return _confirm_page(request)


def _confirm_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "accounts/email_confirm.html", {"error": error}, status=status)
