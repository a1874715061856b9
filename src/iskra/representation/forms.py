from __future__ import annotations

from typing import Any

from django import forms

from iskra.accounts.models import User
from iskra.core.forms import limit_choices
from iskra.meetings.forms import PROXY_LIST_MOST, MemberChoiceField
from iskra.representation.requisitions import MAX_AGENDA, MAX_PLACE
from iskra.representation.requisitions import MAX_REASON as MAX_REQUISITION_REASON
from iskra.representation.services import MAX_REASON, MAX_REPLY


class StartRecallForm(forms.Form):
    reason = forms.CharField(
        label="Why should they be recalled?",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The members of the constituency read this when they decide whether to sign. "
        "The holder may reply beside it.",
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown beside the reason on the petition's page.",
    )


class StartRequisitionForm(forms.Form):
    agenda = forms.CharField(
        label="The business of the meeting",
        max_length=MAX_AGENDA,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line: the meeting's agenda is exactly this, as you state it.",
    )
    reason = forms.CharField(
        label="Why is the meeting needed?",
        max_length=MAX_REQUISITION_REASON,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The members read this when they decide whether to sign.",
    )
    place = forms.CharField(
        label="Where you propose to meet (optional)",
        max_length=MAX_PLACE,
        required=False,
        help_text="Used if the officers do not call the meeting and Iskra convenes it.",
    )


class CallRequisitionedMeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(max_length=MAX_PLACE, required=False)


class NoConfidenceForm(forms.Form):
    reason = forms.CharField(
        label="Why has the body lost confidence in them?",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="It becomes the motion's text, after the words that end the term. You "
        "submit the motion afterwards, as any motion.",
    )


class ReservedPlaceForm(forms.Form):
    label = forms.CharField(
        label="Places reserved for",
        max_length=60,
        help_text='Who the places are for, as members say of themselves: e.g. "women".',
    )
    at_least = forms.IntegerField(
        label="At least this many of a unit's delegates", min_value=1, max_value=1000, initial=1
    )
    from_delegates = forms.IntegerField(
        label="Where a unit sends at least this many delegates",
        min_value=1,
        max_value=1000,
        initial=2,
    )


class ElectionForm(forms.Form):
    holder = MemberChoiceField(
        queryset=User.objects.none(), label="The member elected", empty_label="Choose a member"
    )
    how = forms.ChoiceField(
        label="How were they elected?",
        choices=[("ballot", "By a ballot"), ("meeting", "At a meeting")],
        widget=forms.RadioSelect,
    )
    ballot = forms.TypedChoiceField(
        label="The ballot",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The constituency's counted ballots that elected someone.",
    )
    meeting = forms.TypedChoiceField(
        label="The meeting",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The constituency's meetings that have been held.",
    )
    started_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Empty: today.",
    )
    substitute = MemberChoiceField(
        queryset=User.objects.none(),
        label="The substitute elected with them (if any)",
        empty_label="No substitute",
        required=False,
        help_text="If the holder is recalled or loses a vote of confidence, the substitute "
        "takes the seat and no by-election is needed.",
    )

    def __init__(
        self,
        *args: object,
        ballots: list[tuple[int, str]],
        meetings: list[tuple[int, str]],
        members: Any,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The constituency's members by name; by email where they are too many for a list.
        if members.count() > PROXY_LIST_MOST:
            self.fields["holder"] = forms.EmailField(label="Email of the member elected")
            self.fields["substitute"] = forms.EmailField(
                label="Email of the substitute elected with them (if any)",
                required=False,
                help_text=self.fields["substitute"].help_text,
            )
        else:
            limit_choices(self, "holder", members)
            limit_choices(self, "substitute", members)
        self.fields["ballot"].choices = [("", "—"), *ballots]  # type: ignore[attr-defined]
        self.fields["meeting"].choices = [("", "—"), *meetings]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("how") == "ballot" and not data.get("ballot"):
            self.add_error("ballot", "Choose the ballot.")
        if data.get("how") == "meeting" and not data.get("meeting"):
            self.add_error("meeting", "Choose the meeting.")
        return data


class NominateForm(forms.Form):
    nominee_email = forms.EmailField(
        label="Email of the member you nominate",
        required=False,
        help_text="They are asked to accept. Leave empty and tick below to stand yourself.",
    )
    myself = forms.BooleanField(label="I stand myself", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("myself") and not data.get("nominee_email"):
            self.add_error(
                "nominee_email", "Give the email of the member you nominate, or stand yourself."
            )
        if data.get("myself") and data.get("nominee_email"):
            self.add_error("myself", "Nominate someone else or stand yourself: one at a time.")
        return data


class UnitSupportForm(forms.Form):
    unit = forms.TypedChoiceField(label="The unit", coerce=int)
    authority = forms.CharField(
        label="Which decision of the unit",
        max_length=200,
        help_text="e.g. 'Riverside branch meeting, 3 March': the unit decided to support it.",
    )

    def __init__(self, *args: object, units: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = list(units)  # type: ignore[attr-defined]
