"""An audit entry's details in words: "Scrutineer: Jo Bloggs", "Status: draft → admitted".

The log stores what each service recorded (ids, status words, timestamps); the page shows it
through ``describe``, one formatter per kind of field. Ids of people, units and bodies are given
by the page as names (``Names``), looked up once per page for the entries it shows; any other
id reads "motion #12". Nothing here changes what is stored or hashed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

# Fields holding the id of a person, a unit or a body (what the page resolves to names).
PERSON_FIELDS = frozenset(
    {"scrutineer", "user", "member", "holder", "chair", "secretary", "subject", "author", "person"}
)
UNIT_FIELDS = frozenset({"unit", "parent", "from_unit", "to_unit", "units", "districts"})
BODY_FIELDS = frozenset({"body", "target_body", "bodies"})
# Fields holding the id of something else, named by its kind.
OBJECT_FIELDS = frozenset({"motion", "meeting", "vote", "decision", "ballot", "amendment", "post"})

LABELS = {
    "min_published_ballots": "Fewest ballots before figures are published",
    "sealed_by_default": "Sealed by default",
    "sealed": "Sealed ballot",
    "proposed_by": "Proposed by",
    "from_version": "From version",
    "to_version": "To version",
    "tokens_revoked": "Tokens revoked",
    "is_staff": "Staff",
    "holds_members": "Holds members",
    "officer_rights": "Officer rights",
    "ends_on": "Ends on",
    "ended_on": "Ended on",
    "starts_at": "Starts",
    "full_name": "Name",
    "email_preference": "Email",
    # A body's standing orders (organisation.forms.StandingOrdersForm says the same).
    "min_notice_days": "Least notice of a meeting (days)",
    "quorum_percent": "Quorum (%)",
    "majority_numerator": "Majority: top of the fraction",
    "majority_denominator": "Majority: bottom of the fraction",
    "majority_strict": "More than (not at least) the fraction",
    "abstentions_count": "Abstentions count as votes cast",
    "votes_are_secret": "Secret votes",
    "members_may_propose": "Members may propose",
    "supporters_required": "Supporters a motion needs",
    "units_may_propose": "Units may propose",
    "discussion_days": "Discussion period (days)",
    "dissent_days": "Days to record dissent",
    "recall_threshold_percent": "Recall: signatures needed (%)",
    "recall_spread_units": "Recall: from at least this many units",
    "recall_period_days": "Recall: days to gather signatures",
    "recall_ballot_days": "Recall: days the ballot is open",
    "requisition_threshold_percent": "Requisition: % of members",
    "requisition_spread_units": "Requisition: from units",
    "requisition_period_days": "Requisition: days to sign",
    "requisition_call_days": "Requisition: days to call",
    "requisition_hold_days": "Requisition: days to hold",
    "requisition_units": "Requisition: by units",
    "recall_by": "Recall decided by",
    "nomination_days": "By-elections: days of nominations",
    "proxies_allowed": "Proxies allowed",
    "proxy_deadline_hours": "Proxies: hours before",
    "proxy_cap": "Proxies: most held",
    "proxy_same_unit": "Proxies: same unit",
    "entitlement_rule": "Delegates: how many each unit sends",
    "entitlement_first": "Delegates: members the first stands for",
    "entitlement_step": "Delegates: one more per this many members",
    "entitlement_max": "Delegates: the most a unit sends",
    # A recall petition; a requisition of a special meeting.
    "petition": "Recall petition",
    "requisition": "Requisition",
    "call_by": "To be called by",
    "hold_by": "To be held by",
    "signatures": "Signatures",
    "required": "Signatures needed",
    "eligible": "Members who may sign",
    "spread_units": "From at least this many units",
    "closes_on": "Signatures until",
    "holding": "Term",
    "by_rule": "Opened by the rules",
}

Names = Mapping[tuple[str, int], str]


def ids_to_name(entries: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, set[int]]:
    """The ids of people, units and bodies that (action, details) pairs mention, by kind."""
    wanted: dict[str, set[int]] = {"person": set(), "unit": set(), "body": set()}
    for action, details in entries:
        for key, value in details.items():
            kind = _kind(_from_to(action)[1] if key in ("from", "to") else key)
            if kind in wanted:
                wanted[kind].update(v for v in _as_list(value) if isinstance(v, int))
    return wanted


def describe(action: str, details: Mapping[str, Any], names: Names) -> list[tuple[str, str]]:
    """The entry's details as (label, text) pairs, in the order they are best read."""
    rest = dict(details)
    lines: list[tuple[str, str]] = []
    if "from" in rest or "to" in rest:
        label, kind = _from_to(action)
        before, after = rest.pop("from", None), rest.pop("to", None)
        if after is None and action.startswith("motion."):
            # A motion's status entries are named after the status it went to.
            after = action.partition(".")[2]
        lines.append((label, f"{_value(kind, before, names)} → {_value(kind, after, names)}"))
    old, new = rest.pop("old", None), rest.pop("new", None)
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            lines.append(
                (
                    _label(key),
                    f"{_value(key, old.get(key), names)} → {_value(key, new.get(key), names)}",
                )
            )
    elif old is not None or new is not None:
        lines.append(("Change", f"{_value('old', old, names)} → {_value('new', new, names)}"))
    for key, value in rest.items():
        lines.append((_label(key), _value(key, value, names)))
    return lines


def _from_to(action: str) -> tuple[str, str]:
    """What an entry's "from" and "to" are: (label, the field whose kind they have)."""
    if action == "unit.move":
        return "Parent unit", "parent"
    if action.startswith("transfer."):
        return "Unit", "unit"
    if action.startswith("ballot."):
        return "Closes", ""
    return "Status", ""


def _kind(key: str) -> str:
    if key in PERSON_FIELDS:
        return "person"
    if key in UNIT_FIELDS:
        return "unit"
    if key in BODY_FIELDS:
        return "body"
    if key in OBJECT_FIELDS:
        return key
    return ""


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _value(key: str, value: object, names: Names) -> str:
    kind = _kind(key)
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, v, names) for v in value) or "none"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind and _is_id(value):
        assert isinstance(value, int)
        return names.get((kind, value)) or f"{kind} #{value}"
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{_value(key, value['from'], names)} → {_value(key, value['to'], names)}"
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {_value(str(k), v, names)}" for k, v in value.items())
    if isinstance(value, str):
        when = _datetime(value)
        if when is not None:
            return when
        if value.replace("_", "").isalpha() and value.islower():
            return value.replace("_", " ")
    return str(value)


def _datetime(text: str) -> str | None:
    """An ISO timestamp as the site writes dates ("2 Dec 2026 14:00 UTC"), else None."""
    if len(text) < 16 or text[4:5] != "-" or "T" not in text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    zone = " UTC" if when.utcoffset() is not None and not when.utcoffset() else ""
    return f"{when.day} {when:%b %Y %H:%M}{zone}"
