from __future__ import annotations

from django import forms

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
