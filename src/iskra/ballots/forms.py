from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from iskra.ballots.models import Preset, Question
from iskra.ballots.policy import default_sealed
from iskra.core.widgets import MarkdownTextarea


def default_voting_window() -> dict[str, datetime]:
    """What a new ballot's form starts with: open from this minute, for two weeks."""
    opens_at = timezone.localtime().replace(second=0, microsecond=0)
    return {"opens_at": opens_at, "closes_at": opens_at + timedelta(days=14)}


class BallotForm(forms.Form):
    title = forms.CharField(max_length=200)
    preset = forms.ChoiceField(choices=Preset.choices, label="Kind of ballot")
    question = forms.CharField(
        max_length=500,
        required=False,
        help_text="For yes/no ballots, e.g. 'Are you prepared to take part in strike action?'",
    )
    description = forms.CharField(widget=MarkdownTextarea(attrs={"rows": 3}), required=False)
    paper_text = forms.CharField(
        widget=MarkdownTextarea(attrs={"rows": 5}),
        required=False,
        label="Voting paper statements",
        help_text="Strike ballots get the statutory statement by default; edit it here.",
    )
    opens_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        label="Opens",
        help_text=f"In the organisation's time zone ({settings.TIME_ZONE}).",
    )
    closes_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        label="Closes",
        help_text=f"In the organisation's time zone ({settings.TIME_ZONE}). Votes are refused "
        "from this moment; the worker then counts the ballot and publishes the result.",
    )
    filter_workplace = forms.CharField(
        max_length=200, required=False, label="Only members at this workplace"
    )
    filter_employer = forms.CharField(
        max_length=200, required=False, label="Only members with this employer"
    )
    filter_job_title = forms.CharField(
        max_length=200, required=False, label="Only members with this job"
    )
    important_public_service = forms.BooleanField(
        required=False, label="Important public service (for rules in force before 18 Feb 2026)"
    )
    min_published_ballots = forms.IntegerField(
        min_value=1,
        max_value=1_000_000,
        initial=10,
        required=False,
        label="Publication minimum (ballots cast)",
        help_text="If fewer ballots than this are cast, the bulletin board and the figures for "
        "each answer are withheld, because with so few ballots they would show how people "
        "voted; turnout and the outcome are still published. Where the law requires the figures "
        "whatever the turnout (the notice of the result of an industrial action ballot, TULRCA "
        "1992 s.231), set 1.",
    )
    # This form always defines a ballot of the unit's members: the policy's default for one.
    sealed = forms.BooleanField(
        required=False,
        initial=lambda: default_sealed(preset=Preset.SIMPLE_MAJORITY, constituency_body=None),
        label="Sealed ballot (recommended)",
        help_text="Votes are encrypted in each voter's browser; only the trustees you name, "
        "together, can open the result, and anyone can verify the count.",
    )

    def __init__(
        self, *args: Any, workplaces: list[tuple[str, int]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if workplaces is not None:
            # A picker of the workplaces members have recorded, with how many each has, so
            # that a typing slip cannot leave the roll empty.
            self.fields["filter_workplace"] = forms.ChoiceField(
                required=False,
                label="Only members at this workplace",
                choices=[("", "Every workplace (all members of the unit)")]
                + [(w, f"{w} ({n} member{'s' if n != 1 else ''})") for w, n in workplaces],
                help_text="The workplaces recorded on members' profiles.",
            )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(choices=Question.Kind.choices)
    text = forms.CharField(max_length=500, label="Question")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One option or candidate per line (yes/no questions need none).",
    )
    seats = forms.IntegerField(
        min_value=1, initial=1, required=False, help_text="For STV elections"
    )
    max_choices = forms.IntegerField(
        min_value=1,
        initial=1,
        required=False,
        label="Choose up to",
        help_text="For 'choose up to k'",
    )


class ScrutineerForm(forms.Form):
    email = forms.EmailField(label="Scrutineer's email")


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        label="New closing time",
        help_text=f"In the organisation's time zone ({settings.TIME_ZONE}).",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ChallengeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why you should be on the roll"
    )


class ChallengeDecisionForm(forms.Form):
    uphold = forms.ChoiceField(
        choices=[("yes", "Uphold: add to the roll"), ("no", "Reject")],
        widget=forms.RadioSelect,
        label="Decision",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


def answers_from_post(questions: list[dict[str, Any]], data: Any) -> dict[str, Any]:
    """Read the voting form into a paper as the API takes it (question id → answer), leaving
    out a question with nothing chosen so that ``tally.validate_paper`` refuses it.

    q<ID> holds one option number (radio buttons) or repeats for approval boxes; ranked
    questions use q<ID>_<option>=rank; the box q<ID>_blank leaves the question blank on
    purpose. Raises ValueError for what only the form can get wrong (two equal preference
    numbers, a preference that is not a number, options chosen with the blank box)."""
    from iskra.ballots.tally import BLANK

    answers: dict[str, Any] = {}
    for q in questions:
        key = f"q{q['id']}"
        kind = q["kind"]
        name = f"Question {q['position']}"
        blank = data.get(f"{key}_blank", "") == BLANK
        answer: Any = None
        if kind in {"yes_no", "choose_one"}:
            value = str(data.get(key, "")).strip()
            if value:
                answer = int(value) if value.isdigit() and len(value) < 6 else value
        elif kind == "approval":
            values = [str(v).strip() for v in data.getlist(key) if str(v).strip()]
            if values:
                answer = [int(v) if v.isdigit() and len(v) < 6 else v for v in values]
        else:
            ranks: list[tuple[int, int]] = []
            for i in range(len(q["options"])):
                raw = str(data.get(f"{key}_{i}", "")).strip()
                if not raw:
                    continue
                if not raw.isdigit() or len(raw) > 4 or int(raw) < 1:
                    raise ValueError(
                        f"{name}: “{raw[:20]}” is not a preference number; number your "
                        "choices 1, 2, 3…"
                    )
                ranks.append((int(raw), i))
            ranks.sort()
            if len({r for r, _ in ranks}) != len(ranks):
                raise ValueError(f"{name}: give each preference a different number.")
            if ranks:
                answer = [i for _, i in ranks]
        if blank and answer is not None:
            raise ValueError(
                f"{name}: you made a choice and also ticked “Blank”. Do one or the other."
            )
        if blank:
            answers[str(q["id"])] = BLANK
        elif answer is not None:
            answers[str(q["id"])] = answer
    return answers


class ToBallotForm(forms.Form):
    constituency = forms.ChoiceField(
        choices=[
            ("all", "Every member in good standing in the body's scope (all-member ballot)"),
            ("body", "The members of the body (a secret vote of the body)"),
        ],
        widget=forms.RadioSelect,
        label="Who votes",
    )
    preset = forms.ChoiceField(
        choices=[
            ("simple_majority", "Simple majority"),
            ("union_two_thirds", "Two-thirds majority"),
        ],
        label="Majority",
    )
    sealing = forms.ChoiceField(
        choices=[
            ("", "The default: sealed for an all-member ballot, plain for the body's own vote"),
            ("sealed", "Sealed (encrypted in the voter's browser, opened by trustees)"),
            ("plain", "Plain"),
        ],
        required=False,
        widget=forms.RadioSelect,
        label="Sealed ballot",
        help_text="A sealed ballot stays secret even against whoever runs the server; it needs "
        "trustees and a credential authority before it opens.",
    )
    opens_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    closes_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
