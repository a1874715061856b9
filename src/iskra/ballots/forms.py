from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from iskra.ballots.models import Preset, Question


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
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    paper_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Voting paper statements",
        help_text="Strike ballots get the statutory statement by default; edit it here.",
    )
    opens_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    closes_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
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
    """Read the voting form: q<ID> holds one option number; approval boxes repeat q<ID>;
    ranked questions use q<ID>_<option>=rank."""
    answers: dict[str, Any] = {}
    for q in questions:
        key = f"q{q['id']}"
        kind = q["kind"]
        if kind in {"yes_no", "choose_one"}:
            value = data.get(key, "")
            answers[str(q["id"])] = int(value) if str(value).isdigit() else None
        elif kind == "approval":
            answers[str(q["id"])] = [int(v) for v in data.getlist(key) if str(v).isdigit()]
        else:
            ranks: list[tuple[int, int]] = []
            for i in range(len(q["options"])):
                raw = data.get(f"{key}_{i}", "")
                if str(raw).isdigit() and int(raw) > 0:
                    ranks.append((int(raw), i))
            ranks.sort()
            if len({r for r, _ in ranks}) != len(ranks):
                raise ValueError(
                    f"Question {q['position']}: give each preference a different number."
                )
            answers[str(q["id"])] = [i for _, i in ranks]
    return answers
