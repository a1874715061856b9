"""The member home's "what needs me": one list, each app adding what it owns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NeedsMe:
    title: str
    detail: str
    url: str


def what_needs_me(user: Any) -> list[NeedsMe]:
    from iskra.members.models import DisciplinaryCase
    from iskra.members.selectors import cases_for, incoming_transfers, pending_applications
    from iskra.organisation.permissions import is_any_officer

    items: list[NeedsMe] = []
    if is_any_officer(user):
        applications = pending_applications(user).count()
        if applications:
            items.append(
                NeedsMe(
                    "Applications to decide",
                    f"{applications} waiting",
                    reverse("members:applications"),
                )
            )
        transfers = incoming_transfers(user).count()
        if transfers:
            items.append(
                NeedsMe("Transfers to decide", f"{transfers} waiting", reverse("members:transfers"))
            )
    open_cases = (
        cases_for(user)
        .filter(state__in=[DisciplinaryCase.State.OPEN, DisciplinaryCase.State.APPEALED])
        .exclude(membership__user_id=user.pk)
        .count()
    )
    if open_cases:
        items.append(
            NeedsMe(
                "Disciplinary cases in progress", f"{open_cases} open", reverse("members:cases")
            )
        )
    return items
