from __future__ import annotations

from django import forms

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
