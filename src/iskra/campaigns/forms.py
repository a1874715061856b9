from __future__ import annotations

from typing import Any

from django import forms

from iskra.campaigns.models import Event
from iskra.core.widgets import MarkdownTextarea

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    summary = forms.CharField(
        label="What it is for",
        max_length=20_000,
        required=False,
        widget=MarkdownTextarea(attrs={"rows": 5}),
    )
    is_public = forms.BooleanField(
        label="Public: its page and its public events are on the open web", required=False
    )


class EventForm(forms.Form):
    title = forms.CharField(label="Title", max_length=160)
    kind = forms.ChoiceField(label="Kind", choices=Event.Kind.choices)
    place = forms.CharField(
        label="Where", max_length=200, help_text="An address people can find, or a video link."
    )
    starts_at = forms.DateTimeField(label="Starts", widget=WHEN)
    ends_at = forms.DateTimeField(label="Ends", widget=WHEN)
    description = forms.CharField(
        label="What happens",
        max_length=20_000,
        required=False,
        widget=MarkdownTextarea(attrs={"rows": 5}),
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="Empty: no limit. When it is full, people join a waiting list that moves up "
        "when someone cannot come.",
    )
    is_public = forms.BooleanField(
        label="Public: anyone may see it and say they are coming", required=False
    )
    action = forms.ChoiceField(
        label="The decision's action it carries out",
        required=False,
        help_text="Its report from the ground is then reported back on the action.",
    )

    def __init__(self, *args: Any, actions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "None")] + [  # type: ignore[attr-defined]
            (str(a.pk), f"{a.title} (due {a.due_on:%-d %b})") for a in actions
        ]


class PublicRsvpForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(label="Your email address", max_length=254)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    consent = forms.BooleanField(
        label="I agree that the organisers contact me about this event",
        required=False,
    )


class WalkInForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(label="Email", max_length=254, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    consent = forms.BooleanField(
        label="They agree that we contact them (else only the name is kept)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "walkin_%s")
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why (everyone coming is told)", max_length=300, widget=forms.Textarea({"rows": 2})
    )


class ReportForm(forms.Form):
    attendance = forms.IntegerField(label="People there", min_value=0, max_value=1_000_000)
    leaflets = forms.IntegerField(
        label="Leaflets given out", min_value=0, max_value=1_000_000, initial=0
    )
    papers_sold = forms.IntegerField(
        label="Papers sold", min_value=0, max_value=1_000_000, initial=0
    )
    contacts = forms.IntegerField(
        label="Contacts made", min_value=0, max_value=1_000_000, initial=0
    )
    money = forms.CharField(
        label="Money collected",
        max_length=12,
        required=False,
        initial="0",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    account = forms.CharField(
        label="A short account",
        max_length=20_000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )


class ShiftForm(forms.Form):
    title = forms.CharField(
        label="The role or the shift", max_length=120, help_text="e.g. Steward, or Picket 9 to 11"
    )
    starts_at = forms.DateTimeField(label="From", widget=WHEN)
    ends_at = forms.DateTimeField(label="To", widget=WHEN)
    needed = forms.IntegerField(label="People it needs", min_value=1, max_value=1000, initial=2)
