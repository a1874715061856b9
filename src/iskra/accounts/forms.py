from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

from iskra.accounts.models import User


class LoginForm(forms.Form):
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code (or a recovery code)",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = [
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
        ]
        labels = {
            "consent_email": "You may email me",
            "consent_phone": "You may phone me",
            "consent_sms": "You may text me",
            "consent_post": "You may send me post",
            "email_preference": "Emails about what needs me",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Older clients and forms that do not send it keep the person's current choice.
        self.fields["email_preference"].required = False

    def clean_email_preference(self) -> str:
        value = self.cleaned_data.get("email_preference")
        return str(value or self.instance.email_preference)


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. 'branch spreadsheet'."
    )
    confirmation = forms.CharField(
        label="Your password",
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="A token can do what you can: confirm it is you.",
    )

    def __init__(self, *args: Any, two_factor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if two_factor:
            field = self.fields["confirmation"]
            field.label = "A current code from your authenticator app"
            field.widget = forms.TextInput(
                attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
            )
            field.help_text = "A token can do what you can: confirm it is you."


class RecoveryCodesForm(CodeForm):
    """Asks for a current code before new recovery codes replace the old ones."""


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link to this address; your current address stays until you follow it.",
    )
    password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (the current password checked, the validators on the new one), in the
    site's words."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": "That is not your current password.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
