from __future__ import annotations

from typing import Any

from django import forms

from iskra.core.widgets import FastSelect
from iskra.members.models import DisciplinaryCase, Status
from iskra.organisation.models import Body, Seat, Unit


def branch_choices() -> forms.ModelChoiceField[Unit]:
    return forms.ModelChoiceField(
        queryset=Unit.objects.filter(kind__holds_members=True)
        .select_related("parent")
        .order_by("name"),
        label="Branch",
        empty_label="Choose your branch",
    )


class JoinForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; you will sign in with it.",
    )
    pronouns = forms.CharField(max_length=40, required=False)
    phone = forms.CharField(max_length=40, required=False)
    postcode = forms.CharField(max_length=16, required=False)
    workplace = forms.CharField(max_length=200, required=False)
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Anything you'd like the branch to know",
    )
    agree = forms.BooleanField(label="I agree with the aims of the organisation set out above")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"] = branch_choices()
        self.order_fields(["full_name", "email", "password", "unit"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("admit", "Admit"), ("decline", "Decline")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when declining; the applicant is told.",
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Name, email, number, postcode…"}),
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(), required=False, widget=FastSelect, empty_label="Any unit"
    )
    seat = forms.ChoiceField(
        choices=[("", "Any or no seat"), *Seat.Role.choices], required=False, label="Holds a seat"
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from iskra.organisation.permissions import officer_scope_q

        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        # Any unit within the officer's rights is a valid filter (a link may name a branch)…
        scope = (
            Unit.objects.filter(officer_scope_q(user, "path"))
            if user is not None
            else Unit.objects.none()
        )
        field.queryset = scope
        # …but the menu lists only the upper levels (and the officer's own branches): listing
        # thousands of branches would make the page slow and the menu unusable. Branches are
        # found by typing their name into the search.
        listed = list(scope.filter(kind__holds_members=False).order_by("path")[:300])
        if len(listed) < 2:
            listed = list(scope.order_by("path")[:300])
        selected = self.data.get("unit") if self.is_bound else None
        if selected and str(selected).isdigit() and all(str(u.pk) != str(selected) for u in listed):
            listed += list(scope.filter(pk=int(selected)))
        field.widget.choices = [("", "Any unit"), *((u.pk, u.name) for u in listed)]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (Status.MEMBER, Status.LAPSED, Status.RESIGNED)],
        label="New status",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ProbationForm(forms.Form):
    held = forms.BooleanField(
        required=False, label="Hold: do not make a member at the end of probation"
    )
    extend_to = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Or extend probation to",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class TransferRequestForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Why (optional)"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_unit"] = branch_choices()
        self.fields["to_unit"].label = "Branch to move to"
        self.order_fields(["to_unit", "reason"])


class TransferDecisionForm(forms.Form):
    accept = forms.ChoiceField(
        choices=[("yes", "Accept"), ("no", "Decline")], widget=forms.RadioSelect, label="Decision"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OpenCaseForm(forms.Form):
    complaint = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    deciding_body = forms.ModelChoiceField(queryset=Body.objects.none(), label="Body to decide")

    def __init__(self, *args: object, bodies: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["deciding_body"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = bodies  # type: ignore[assignment]


class CaseDecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=DisciplinaryCase.Outcome.choices, widget=forms.RadioSelect)
    suspended_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For a suspension.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Written reason")


class AppealForm(forms.Form):
    grounds = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Grounds of appeal")


class AppealDecisionForm(forms.Form):
    upheld = forms.ChoiceField(
        choices=[("yes", "Uphold the decision"), ("no", "Overturn the decision")],
        widget=forms.RadioSelect,
        label="Decision",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Written reason")
