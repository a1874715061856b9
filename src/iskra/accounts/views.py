from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from iskra.accounts import services
from iskra.accounts.forms import CodeForm, LoginForm, ProfileForm, RecoveryCodesForm, TokenForm
from iskra.accounts.models import User
from iskra.core.errors import DomainError
from iskra.core.ratelimit import client_address
from iskra.core.web import form_view, keep_form, kept_form, post_action
from iskra.organisation.models import Organisation

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return str(reverse_lazy("home:home"))


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        # django-axes (its backend comes first) counts failures per email and client address
        # together, and refuses while that pair is locked out (see ``locked_out``).
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "That email address and password do not match.")
        elif services.has_confirmed_totp(user):
            request.session["pending_2fa_user"] = user.pk
            request.session["pending_2fa_next"] = _next(request)
            return redirect("accounts:2fa_verify")
        else:
            login(request, user)
            return redirect(_next(request))
    context = {
        "form": form,
        "next": _next(request),
        "idle_signed_out": request.session.pop("idle_signed_out", False),
        "idle_minutes": settings.ISKRA_SESSION_IDLE_MINUTES,
    }
    return render(request, "accounts/login.html", context)


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer while an email address is locked out from this client address."""
    form = LoginForm({"email": (credentials or {}).get("email", ""), "password": ""})
    form.is_valid()
    form.errors.clear()
    minutes = max(1, settings.LOGIN_RATE_WINDOW_SECONDS // 60)
    form.add_error(
        None, f"Too many failed attempts. Wait {minutes} minutes, or reset your password."
    )
    return render(
        request, "accounts/login.html", {"form": form, "next": _next(request)}, status=429
    )


@login_not_required
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    """The second step of signing in; also where a session opened without the second factor
    (before two-factor was turned on in another browser) must prove it before going on."""
    signed_in = request.user.is_authenticated
    if signed_in:
        if request.user.is_verified() or not services.has_confirmed_totp(request.user):  # type: ignore[union-attr]
            return redirect(_next(request))
        user: User | None = User.objects.filter(pk=int(request.user.pk or 0)).first()
    else:
        user_id = request.session.get("pending_2fa_user")
        user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    verified: User = user

    def done(device: Any) -> HttpResponseBase:
        target = request.session.get("pending_2fa_next") or _next(request)
        if signed_in:
            request.session.cycle_key()
        else:
            login(request, verified, backend=MODEL_BACKEND)
        otp_login(request, device)
        request.session.pop("pending_2fa_user", None)
        request.session.pop("pending_2fa_next", None)
        return redirect(target)

    return form_view(
        request,
        CodeForm(request.POST or None),
        save=lambda form: services.verify_second_factor(
            user=verified, code=form.cleaned_data["code"]
        ),
        done=done,
        template="accounts/2fa_verify.html",
        error_field="code",
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    response = render(request, "accounts/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


def two_factor_setup(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    user = request.user
    if services.has_confirmed_totp(user):
        return render(
            request,
            "accounts/2fa_on.html",
            {
                "form": kept_form(request, "2fa-disable", CodeForm),
                "codes_form": kept_form(
                    request, "recovery-codes", RecoveryCodesForm, auto_id="id_rc_%s"
                ),
                "codes_left": services.recovery_codes_left(user),
            },
        )
    device = services.start_totp_setup(user=user)
    uri = services.provisioning_uri(device, Organisation.current().name)

    def done(confirmed: tuple[Any, list[str]]) -> HttpResponseBase:
        otp_login(request, confirmed[0])
        return _show_recovery_codes(request, confirmed[1])

    response = form_view(
        request,
        CodeForm(request.POST or None),
        save=lambda form: services.confirm_totp(user=user, code=form.cleaned_data["code"]),
        done=done,
        success="Two-factor sign-in is on.",
        template="accounts/2fa_setup.html",
        context={
            "secret": services.totp_secret(device),
            "qr": segno.make(uri).svg_data_uri(scale=4),
            "required": services.two_factor_required(user),
        },
        error_field="code",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    back = redirect("accounts:2fa_setup")
    form = RecoveryCodesForm(request.POST, auto_id="id_rc_%s")
    if not form.is_valid():
        return keep_form(request, "recovery-codes", form, back)
    try:
        codes = services.regenerate_recovery_codes(
            user=request.user, code=form.cleaned_data["code"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    return _show_recovery_codes(request, codes)


@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    user = request.user
    back = redirect("accounts:2fa_setup")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return keep_form(request, "2fa-disable", form, back)
    return post_action(
        request,
        lambda: services.disable_totp(user=user, code=form.cleaned_data["code"]),
        then=back,
        success="Two-factor sign-in is off.",
    )


def _profile_page(
    request: HttpRequest, user: User, form: ProfileForm, token_form: TokenForm | None = None
) -> HttpResponse:
    has_2fa = services.has_confirmed_totp(user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": token_form or TokenForm(two_factor=has_2fa),
            "tokens": user.tokens.all(),
            "has_2fa": has_2fa,
        },
    )


def profile(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    user = request.user
    has_2fa = services.has_confirmed_totp(user)
    return form_view(
        request,
        ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk)),
        save=lambda form: services.update_profile(
            actor=user, user=user, changes={f: form.cleaned_data[f] for f in form.changed_data}
        ),
        done=lambda _: redirect("accounts:profile"),
        success="Your profile is saved.",
        template="accounts/profile.html",
        context={
            "token_form": TokenForm(two_factor=has_2fa),
            "tokens": user.tokens.all(),
            "has_2fa": has_2fa,
        },
    )


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    user = request.user
    form = TokenForm(request.POST, two_factor=services.has_confirmed_totp(user))
    if form.is_valid():
        try:
            token, raw = services.create_token(
                user=user,
                name=form.cleaned_data["name"],
                confirmation=form.cleaned_data["confirmation"],
            )
        except DomainError as exc:
            form.add_error("confirmation", exc.message)
        else:
            # Post/redirect/get: a refresh must not create a second token. The raw value is
            # kept in the session just long enough to be shown once.
            request.session["new_token"] = {"id": token.pk, "raw": raw}
            return redirect("accounts:token_created")
    profile_form = ProfileForm(instance=User.objects.get(pk=user.pk))
    return _profile_page(request, user, profile_form, form)


def token_created(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    shown = request.session.pop("new_token", None)
    token = request.user.tokens.filter(pk=shown["id"]).first() if shown else None
    if token is None or shown is None:
        messages.info(request, "A token is shown only once, right after it is created.")
        return redirect("accounts:profile")
    response = render(request, "accounts/token_created.html", {"token": token, "raw": shown["raw"]})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponseBase:
    assert isinstance(request.user, User)
    user = request.user
    return post_action(
        request,
        lambda: services.revoke_token(user=user, token_id=token_id),
        then=redirect("accounts:profile"),
        success="Token revoked.",
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link: the same answer, the same work and the same time whether or
    not the address has an account (the lookup and the email happen in a background task that
    is queued either way), and limited per client address and per email address."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = str(form.cleaned_data["email"]).strip().lower()
        try:
            services.request_password_reset(
                email=email, client=client_address(self.request) or "unknown"
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return redirect(self.success_url)


password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = login_not_required(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
