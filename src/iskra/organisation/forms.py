from __future__ import annotations

from django import forms

from iskra.organisation.models import Body, Organisation, Seat, Unit, UnitKind
from iskra.organisation.services import STANDING_ORDERS


class SettingsForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "statement_of_aims",
            "probation_days",
            "require_2fa_for_officers",
            "share_pronouns_with_members",
            "share_email_with_members",
            "share_phone_with_members",
            "share_workplace_with_members",
            "default_quorum_percent",
            "default_turnout_threshold_percent",
        ]
        widgets = {"statement_of_aims": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "require_2fa_for_officers": "Require two-factor sign-in for officers",
            "default_quorum_percent": "Default quorum (% of members)",
            "default_turnout_threshold_percent": "Default minimum turnout (%)",
        }


class UnitKindForm(forms.ModelForm[UnitKind]):
    class Meta:
        model = UnitKind
        fields = ["name", "level", "holds_members"]


class UnitForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ModelChoiceField(queryset=UnitKind.objects.all())
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MoveUnitForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        queryset=Unit.objects.select_related("kind").all(), label="New parent unit"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BodyForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Body.Kind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SeatForm(forms.Form):
    title = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=Seat.Role.choices)
    grants_officer_rights = forms.BooleanField(
        required=False, label="Gives access to member records of this unit and below"
    )
    term_months = forms.IntegerField(min_value=1, max_value=120, required=False)


class AppointForm(forms.Form):
    holder_email = forms.EmailField(label="Email of the member elected")
    started_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Empty: today.",
    )


class EndHoldingForm(forms.Form):
    reason = forms.CharField(max_length=200, help_text="Resigned, recalled, term over…")


class StandingOrdersForm(forms.ModelForm[Body]):
    """A body's standing orders, in the words its officers use (``services.STANDING_ORDERS``)."""

    majority_strict = forms.TypedChoiceField(
        label="Votes for must be",
        choices=[("True", "more than the fraction"), ("False", "at least the fraction")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        help_text="A simple majority is “more than 1/2”; two thirds is usually “at least 2/3”.",
    )

    class Meta:
        model = Body
        fields = list(STANDING_ORDERS)
        labels = {
            "min_notice_days": "Least notice of a meeting (days)",
            "quorum_percent": "Quorum (% of the body's members present)",
            "majority_numerator": "Majority needed: the fraction's top number",
            "majority_denominator": "Majority needed: the fraction's bottom number",
            "abstentions_count": "Abstentions count as votes cast",
            "votes_are_secret": "Votes at meetings are secret",
            "members_may_propose": "Members may propose motions",
            "supporters_required": "Supporters a member's motion needs",
            "units_may_propose": "Units may propose motions by their own decision",
            "discussion_days": "Discussion period of a motion (days)",
            "dissent_days": "Days after a decision in which dissent may be recorded",
            "recall_threshold_percent": "Recall: signatures needed (% of the constituency)",
            "recall_spread_units": "Recall: from at least this many units",
            "recall_period_days": "Recall: days a petition gathers signatures",
            "recall_ballot_days": "Recall: days the recall ballot is open",
            "recall_by": "Recall: at the threshold, decided by",
            "nomination_days": "By-elections: days nominations are taken",
            "requisition_threshold_percent": "Requisition of a special meeting: signatures "
            "needed (% of the members)",
            "requisition_spread_units": "Requisition: from at least this many units",
            "requisition_period_days": "Requisition: days it gathers signatures",
            "requisition_call_days": "Requisition: days the officers have to call the meeting",
            "requisition_hold_days": "Requisition: the meeting is held within this many days",
            "requisition_units": "Requisition: or valid when this many units support it by "
            "their own decision (0: not by units)",
            "proxies_allowed": "Members may appoint a proxy to vote for them at a meeting",
            "proxy_deadline_hours": "Proxies: appointed at least this many hours before",
            "proxy_cap": "Proxies: the most one member holds at a meeting",
            "proxy_same_unit": "Proxies: only a member of the same unit",
            "entitlement_rule": "Delegates: how many each unit sends",
            "entitlement_first": "Delegates: members the first delegate stands for",
            "entitlement_step": "Delegates: one more per this many members",
            "entitlement_max": "Delegates: the most a unit sends",
        }
        help_texts = {
            "min_notice_days": "A meeting called with less notice is refused, naming this rule.",
            "quorum_percent": "Leave empty to use the organisation's default.",
            "majority_numerator": "1 (and 2 below) for a half; 2 (and 3 below) for two thirds.",
            "majority_denominator": "Of the votes cast.",
            "abstentions_count": "If ticked, abstaining counts against a motion that needs "
            "a share of the votes cast.",
        }
