from __future__ import annotations

from django import forms

from iskra.core.forms import limit_choices
from iskra.decisions.models import Decision
from iskra.organisation.models import Body, Unit


class DissentForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, label="Dissent statement"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="On behalf of (optional)",
        empty_label="Myself",
    )

    def __init__(
        self, *args: object, units: object = None, allow_self: bool = True, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "unit", units)
        if not allow_self:
            # An officer who may dissent only for their unit chooses which unit.
            field = self.fields["unit"]
            assert isinstance(field, forms.ModelChoiceField)
            field.required = True
            field.empty_label = None
            field.label = "On behalf of"


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    target = forms.IntegerField(min_value=0, required=False, help_text="e.g. 1000")
    measure = forms.CharField(
        max_length=60, required=False, help_text="What it counts, e.g. leaflets"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label="Assign to a unit"
    )
    assignee_email = forms.EmailField(required=False, label="…or to a member (email)")

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "unit", units)


class CommitmentForm(forms.Form):
    description = forms.CharField(
        max_length=300, label="What you'll do", help_text="e.g. 'I'll leaflet Saturday, 2 hours'"
    )
    amount = forms.IntegerField(
        min_value=0, required=False, initial=0, label="How many (of the target)"
    )


class ReportForm(forms.Form):
    figure = forms.IntegerField(min_value=0, required=False, initial=0)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What happened"
    )
    commitment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RegisterFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", widget=forms.SearchInput)
    body = forms.ModelChoiceField(
        queryset=Body.objects.all(), required=False, empty_label="Any body"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(), required=False, empty_label="Any unit", label="Binding on"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Decision.Status.choices], required=False
    )
