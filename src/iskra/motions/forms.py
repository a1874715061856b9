from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone

from iskra.core.forms import limit_choices
from iskra.core.widgets import MarkdownTextarea
from iskra.motions.models import Amendment, Motion, Position
from iskra.motions.text import MAX_TEXT
from iskra.organisation.models import Body, Unit


def _decisions_in_force() -> QuerySet[Any]:
    """The decisions a motion may amend or rescind. Decisions stand on motions (a decision is a
    carried motion), so they are reached through the motion's own foreign key, not imported."""
    model = Motion._meta.get_field("amends_decision").related_model
    assert isinstance(model, type) and issubclass(model, Model)
    return model._default_manager.filter(status__in=["in_force", "amended"])


class MotionForm(forms.Form):
    body = forms.ModelChoiceField(
        queryset=Body.objects.select_related("unit"), label="To which body"
    )
    title = forms.CharField(max_length=200)
    text = forms.CharField(
        widget=MarkdownTextarea(attrs={"rows": 10}),
        max_length=MAX_TEXT,
        help_text="Markdown: *emphasis*, lists with -, paragraphs with a blank line.",
    )
    supporting_statement = forms.CharField(
        widget=MarkdownTextarea(attrs={"rows": 4}), required=False
    )
    on_behalf_of = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Propose on behalf of (optional)",
        empty_label="Myself, with supporters",
    )
    authority = forms.CharField(
        max_length=200,
        required=False,
        label="Decided at (for a unit's motion)",
        help_text="e.g. 'Branch meeting, 3 March'",
    )
    amends_decision = forms.ModelChoiceField(
        queryset=_decisions_in_force(),
        required=False,
        label="This motion amends decision (optional)",
    )
    rescinds_decision = forms.ModelChoiceField(
        queryset=_decisions_in_force(),
        required=False,
        label="This motion rescinds decision (optional)",
    )

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "on_behalf_of", units)


class DraftForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=MarkdownTextarea(attrs={"rows": 10}), max_length=MAX_TEXT)
    supporting_statement = forms.CharField(
        widget=MarkdownTextarea(attrs={"rows": 4}), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DiscussionForm(forms.Form):
    deadline = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        help_text="Empty: the body's usual discussion period.",
    )


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(choices=Amendment.Kind.choices, widget=forms.RadioSelect)
    passage = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_TEXT,
        required=False,
        help_text="Copy the exact words from the motion (not needed to replace the whole text).",
    )
    new_text = forms.CharField(
        widget=MarkdownTextarea(attrs={"rows": 3}),
        required=False,
        label="New words",
        max_length=MAX_TEXT,
    )
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    proposing_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Tabled by (optional)",
        empty_label="Myself",
    )

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "proposing_unit", units)


class PositionForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="Unit")
    stance = forms.ChoiceField(
        choices=Position.Stance.choices, widget=forms.RadioSelect, label="Position"
    )
    votes_for = forms.IntegerField(min_value=0, initial=0)
    votes_against = forms.IntegerField(min_value=0, initial=0)
    abstentions = forms.IntegerField(min_value=0, initial=0)
    mandate = forms.ChoiceField(choices=Position.Mandate.choices, widget=forms.RadioSelect)
    mandate_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    meeting = forms.ModelChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label="The meeting that decided it",
        empty_label="No meeting (decided otherwise)",
        help_text="A branch meeting can also vote on the motion and record the position from "
        "its own page.",
    )

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "unit", units)
        # The units' meetings, reached through the position's relation: meetings stand on
        # motions and are not imported here.
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        model = Position._meta.get_field("meeting").related_model
        assert not isinstance(model, str)
        since = timezone.now() - timedelta(days=366)
        meeting.queryset = (
            model._default_manager.filter(body__unit__in=units, starts_at__gte=since).order_by(
                "-starts_at"
            )
            if units is not None
            else model._default_manager.none()
        )
        meeting.label_from_instance = _meeting_label  # type: ignore[method-assign,assignment]


def _meeting_label(meeting: Any) -> str:
    return f"{meeting.title} ({meeting.starts_at:%-d %b %Y})"


class PostForm(forms.Form):
    text = forms.CharField(
        widget=MarkdownTextarea(attrs={"rows": 4}), label="Your contribution", max_length=10000
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(max_length=300)


class BulletinForm(forms.Form):
    title = forms.CharField(max_length=200)
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ContributionForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))
    signature = forms.CharField(
        max_length=200, required=False, help_text="How to sign it; empty: your name."
    )


class CompositeForm(forms.Form):
    motions = forms.ModelMultipleChoiceField(
        queryset=Motion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Motions to merge",
    )
    title = forms.CharField(max_length=200)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        label="Text of the composite",
        max_length=MAX_TEXT,
    )

    def __init__(self, *args: object, motions: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "motions", motions)
