from __future__ import annotations

from django import forms

from iskra.meetings.models import AgendaItem, Ballot, Vote
from iskra.motions.models import Amendment, Motion


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(max_length=300, required=False)
    notice = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    motions = forms.ModelMultipleChoiceField(
        queryset=Motion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Motions for the agenda",
    )

    def __init__(self, *args: object, motions: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["motions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if motions is not None:
            field.queryset = motions  # type: ignore[assignment]


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(AgendaItem.Kind.REPORT, "Report"), (AgendaItem.Kind.OTHER, "Other business")]
    )
    title = forms.CharField(max_length=200)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MarkAttendanceForm(forms.Form):
    email = forms.EmailField(label="Member's email")


class HandsForm(forms.Form):
    subject = forms.CharField(widget=forms.HiddenInput)
    votes_for = forms.IntegerField(min_value=0)
    votes_against = forms.IntegerField(min_value=0)
    abstentions = forms.IntegerField(min_value=0, initial=0)


class OpenVoteForm(forms.Form):
    subject = forms.CharField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        choices=[
            (Vote.Method.ROLL_CALL, "Roll call"),
            (Vote.Method.CARD, "Card vote"),
            (Vote.Method.SECRET, "Secret ballot"),
        ]
    )


class CastForm(forms.Form):
    choice = forms.ChoiceField(
        choices=Ballot.Choice.choices, widget=forms.RadioSelect, label="Your vote"
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 20}))


def parse_subject(subject: str, motion_ids: set[int]) -> tuple[Motion, Amendment | None] | None:
    """``m12`` is motion 12, ``a7`` amendment 7 (of a motion on the agenda)."""
    if subject.startswith("m") and subject[1:].isdigit() and int(subject[1:]) in motion_ids:
        return Motion.objects.select_related("body__unit").get(pk=int(subject[1:])), None
    if subject.startswith("a") and subject[1:].isdigit():
        amendment = (
            Amendment.objects.select_related("motion__body__unit")
            .filter(pk=int(subject[1:]), motion_id__in=motion_ids)
            .first()
        )
        if amendment is not None:
            return amendment.motion, amendment
    return None


class RecordMeetingForm(forms.Form):
    """A meeting held earlier (offline), recorded afterwards."""

    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="When it was held",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(max_length=300, required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Notes (optional)"
    )
    motions = forms.ModelMultipleChoiceField(
        queryset=Motion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Motions it discussed",
    )

    def __init__(self, *args: object, motions: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["motions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if motions is not None:
            field.queryset = motions  # type: ignore[assignment]


class OpenMeetingForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        label="Reason for opening before its time",
        help_text="Needed only before the time the meeting was called for; the minutes record it.",
    )


class SignInForm(forms.Form):
    code = forms.CharField(max_length=8, required=False, label="Code shown in the room", strip=True)


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("attending", "I will attend"), ("apologies", "I send my apologies")],
        widget=forms.RadioSelect,
        label="Your reply",
    )
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")
