"""Notifications are emailed as each person prefers: as it happens, a daily digest, or never."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.accounts.services import update_profile
from iskra.core.errors import DomainError
from iskra.core.notifications import notify, send_due_notification_emails
from tests.conftest import World, fresh


def test_preferences_decide_when_email_goes(world: World) -> None:
    member, secretary, officer = fresh(world.member), fresh(world.secretary), fresh(world.officer)
    update_profile(actor=secretary, user=secretary, changes={"email_preference": "daily"})
    update_profile(actor=officer, user=officer, changes={"email_preference": "none"})
    with pytest.raises(DomainError):
        update_profile(actor=member, user=member, changes={"email_preference": "hourly"})
    notify(
        users=[member, secretary, officer],
        kind="test",
        title="Motion for discussion",
        url="/motions/1/",
    )
    mail.outbox.clear()
    send_due_notification_emails()
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert "Motion for discussion" in mail.outbox[0].body
    mail.outbox.clear()
    send_due_notification_emails()
    assert mail.outbox == []  # each notification is emailed once
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        send_due_notification_emails()
    assert [m.to for m in mail.outbox] == [["secretary@example.org"]]


def test_profile_page_sets_the_preference(client: Client, world: World) -> None:
    client.force_login(world.member)
    page = client.get("/accounts/profile/")
    assert "Emails about what needs me" in page.content.decode()
    data = {"full_name": "Mo Member", "email_preference": "daily", "consent_email": "on"}
    client.post("/accounts/profile/", data)
    assert User.objects.get(pk=world.member.pk).email_preference == "daily"
