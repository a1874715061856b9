"""People in the Django admin. Changes that matter for access — email, password, staff and
superuser status, being active, groups and permissions — write an audit entry naming the
administrator, like the services do. People are never deleted here (deactivate instead): a
person's memberships, votes and history hang on them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from iskra.accounts.models import User
from iskra.audit.services import record

AUDITED = ["email", "is_active", "is_staff", "is_superuser", "groups", "user_permissions"]


PERSONAL_FIELDS = ("email", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


def _plain(value: Any) -> Any:
    """A form value as JSON for the audit entry (related objects by name)."""
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return sorted(str(item) for item in value)
    return value


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):  # type: ignore[type-arg]
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="admin.user_create",
                    obj=obj,
                    data={"is_staff": obj.is_staff},
                    # Erasable on the person's request (docs/privacy.md): kept apart.
                    personal={"email": obj.email},
                    subject_id=obj.pk,
                )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the many-to-many fields are saved, so groups and permissions are final.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            changed = [f for f in AUDITED if f in form.changed_data]
            if change and changed:
                values = {
                    field: {
                        "from": _plain(form.initial.get(field)),
                        "to": _plain(form.cleaned_data.get(field)),
                    }
                    for field in changed
                }
                # The email addresses are the person's: erasable, kept apart from the chain.
                personal = {f: values.pop(f) for f in PERSONAL_FIELDS if f in values}
                record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="admin.user_change",
                    obj=form.instance,
                    data=values,
                    personal=personal,
                    subject_id=form.instance.pk,
                )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.filter(pk=id).first()
                record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="admin.password_change",
                    obj=user,
                )
        return response


# Authenticator secrets and recovery codes belong to their owner: not shown or edited here.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
