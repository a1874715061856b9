from __future__ import annotations

from django import forms

from iskra.accounts.models import User
from iskra.apikit.inputs import TEXT
from iskra.core.forms import limit_choices
from iskra.core.widgets import MarkdownTextarea
from iskra.meetings.models import AgendaItem, Ballot, Vote
from iskra.motions.models import Amendment, Motion, Position


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
        limit_choices(self, "motions", motions)


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
        choices=[c for c in Ballot.Choice.choices if c[0] != Ballot.Choice.SPLIT],
        widget=forms.RadioSelect,
        label="Your vote",
    )
    # The member whose proxy casts this vote (empty: the voter's own vote).
    on_behalf_of = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


# Above this many people to choose from, the proxy is named by email rather than from a list.
PROXY_LIST_MOST = 300


class MemberChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class ProxyForm(forms.Form):
    """Name a proxy: from a list of those who may be named, or by email in a large body."""

    holder = MemberChoiceField(
        queryset=User.objects.none(),
        label="Your proxy",
        empty_label="Choose a member",
        help_text="They vote for you in the votes taken by name (roll calls and card votes).",
    )

    def __init__(self, *args: object, candidates: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        count = candidates.count()  # type: ignore[attr-defined]
        if count > PROXY_LIST_MOST:
            self.fields["holder"] = forms.EmailField(
                label="Your proxy's email",
                help_text="The email address they use for Iskra.",
            )
        else:
            limit_choices(self, "holder", candidates)


class SplitCardForm(forms.Form):
    """A delegation splits its card between for, against and abstaining (card votes)."""

    votes_for = forms.DecimalField(label="For", min_value=0, max_digits=14, decimal_places=2)
    votes_against = forms.DecimalField(
        label="Against", min_value=0, max_digits=14, decimal_places=2
    )
    abstentions = forms.DecimalField(
        label="Abstain", min_value=0, max_digits=14, decimal_places=2, initial=0, required=False
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(widget=MarkdownTextarea(attrs={"rows": 20}))


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


class CirculatedMotionForm(forms.Form):
    """Put a higher body's motion, circulated to the unit, on the meeting's agenda."""

    motion = forms.ModelChoiceField(
        queryset=Motion.objects.none(),
        label="Motion circulated for discussion",
        help_text="Its amendments come with it; the meeting's votes decide the branch's position.",
    )

    def __init__(self, *args: object, motions: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit_choices(self, "motion", motions)


class MeetingPositionForm(forms.Form):
    """The position a meeting's vote took, with the mandate for the unit's delegates."""

    stance = forms.ChoiceField(choices=Position.Stance.choices, widget=forms.RadioSelect)
    mandate = forms.ChoiceField(
        choices=Position.Mandate.choices,
        widget=forms.RadioSelect,
        label="Mandate for the branch's delegates",
    )
    mandate_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT,
        label="Note on the mandate",
        help_text="For example: how delegates should vote on composites.",
    )

    def __init__(self, *args: object, stances: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["stance"]
        assert isinstance(field, forms.ChoiceField)
        if stances is not None:
            field.choices = [(s, Position.Stance(s).label) for s in stances]
            if len(stances) == 1:
                field.initial = stances[0]


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
        limit_choices(self, "motions", motions)


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
