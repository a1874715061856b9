"""Erasing a former member's personal data on their request (GDPR Art. 17).

What goes: everything that identifies the person -- the account's email, name, contact and
workplace details, profile extras, consents; sign-in (password, tokens, second factor,
invitations), notifications and calendar feed; the free text of their application and the
reasons recorded on their membership's history; their discussion posts' text; and every
personal value about them in the audit log. What stays, with the person shown as a pseudonym:
the records the organisation must keep -- membership history (dates and statuses), seats held,
attendance and roll-call votes, positions and counts, decisions and dissent, ballot rolls and
counts, and the audit chain, which still verifies.
"""

from __future__ import annotations

import secrets
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from iskra.accounts.models import (
    EmailChange,
    Invitation,
    PersonalAccessToken,
    UsedRecoveryCode,
    User,
)
from iskra.audit.models import AuditHead
from iskra.audit.services import ERASE_ACTION, erasable_values, erase_personal_values, record
from iskra.core.errors import DomainError
from iskra.core.models import Notification
from iskra.core.words import visible
from iskra.meetings.models import CalendarFeed
from iskra.members.models import Application, Membership, MembershipEvent, Status
from iskra.motions.models import Post
from iskra.organisation.permissions import require
from iskra.privacy.permissions import can_erase

FORMER = {Status.RESIGNED, Status.LAPSED, Status.EXPELLED, Status.DECLINED}
REMOVED = "[removed at the author's request]"
ERASED_DOMAIN = "erased.invalid"


def is_erased(user: User) -> bool:
    return user.email.endswith(f"@{ERASED_DOMAIN}")


@transaction.atomic
def erase_former_member(*, actor: Any, user: User, reason: str) -> str:
    """Replace a former member by a pseudonym and erase their personal data; return the
    pseudonym. ``reason`` names the request answered (not the person)."""
    # The chain's head first: no entry about this person can be written while we erase.
    AuditHead.objects.select_for_update().get_or_create(pk=1)
    user = User.objects.select_for_update().get(pk=user.pk)
    membership = Membership.objects.select_related("unit").filter(user=user).first()
    require(can_erase(actor, membership), "Only an officer over the person's branch can do this.")
    if is_erased(user):
        raise DomainError("This person's data has already been erased.")
    if membership is not None and membership.status not in FORMER:
        raise DomainError(
            f"Only a former member's data can be erased; this membership is "
            f"{membership.get_status_display().lower()}. Record the end of the membership first."
        )
    if user.is_superuser:
        raise DomainError("An administrator's account cannot be erased here.")
    if not visible(reason):
        raise DomainError("Say which request this answers (e.g. 'email of 2 December').")
    token = secrets.token_hex(4)
    pseudonym = f"Former member {token}"
    count = erasable_values(user).count()
    erasure = record(
        actor=actor,
        action=ERASE_ACTION,
        obj=membership if membership is not None else user,
        unit=membership.unit if membership is not None else None,
        data={"pseudonym": pseudonym, "personal_values": count, "request": reason.strip()[:200]},
    )
    erased = erase_personal_values(user=user, erasure=erasure)
    assert erased == count  # the head's lock keeps new values out
    for field in ("pronouns", "phone", "address", "postcode", "workplace", "employer"):
        setattr(user, field, "")
    user.job_title = user.union = ""
    old_email = user.email
    user.email = f"erased-{token}@{ERASED_DOMAIN}"
    user.full_name = pseudonym
    user.extra = {}
    user.consent_email = user.consent_phone = user.consent_sms = user.consent_post = False
    user.email_preference = User.EmailPreference.NONE
    user.is_active = False
    user.set_unusable_password()
    user.save()
    for model in (
        PersonalAccessToken,
        EmailChange,
        TOTPDevice,
        StaticDevice,
        UsedRecoveryCode,
        Invitation,
        Notification,
        CalendarFeed,
    ):
        model.objects.filter(user=user).delete()
    # The sign-in limiter's records name the email address that was typed.
    for log in (AccessAttempt, AccessFailureLog, AccessLog):
        log.objects.filter(username__iexact=old_email).delete()
    if membership is not None:
        Application.objects.filter(membership=membership).update(message="", reason="")
        MembershipEvent.objects.filter(membership=membership).update(reason="")
    Post.objects.filter(author=user).update(text=REMOVED)
    # What they wrote on recall petitions: a reason they started, a reply as a holder.
    from iskra.representation.models import RecallPetition

    RecallPetition.objects.filter(started_by=user).update(reason=REMOVED)
    RecallPetition.objects.filter(holding__holder=user).exclude(reply="").update(reply=REMOVED)
    _erase_press(user=user, old_email=old_email, token=token)
    from iskra.campaigns.models import Rsvp

    # Their RSVPs keep the events' counts, without their name, address or phone.
    Rsvp.objects.filter(Q(user=user) | Q(email__iexact=old_email)).update(
        name=pseudonym, email="", phone=""
    )
    return pseudonym


def _erase_press(*, user: User, old_email: str, token: str) -> None:
    """The newsletter's rows with their address leave every list (the delivery counts stay);
    the branch's records of a paper subscription or a contact at that address keep their
    dates and counts without the name, address or phone;
    a letter or report they sent that was never published is blanked with its revisions. What
    the paper published stays as published, under the pseudonym (journalism, GDPR Art. 85)."""

    from iskra.newsletter.models import Subscriber
    from iskra.press.models import Article, Contact, PaperSubscription, Revision

    rows = Subscriber.objects.filter(Q(user=user) | Q(email=old_email.strip().lower()))
    for sub in rows.select_for_update():
        sub.email = f"erased-{token}-{sub.pk}@{ERASED_DOMAIN}"
        sub.user = None
        sub.status = Subscriber.Status.UNSUBSCRIBED
        sub.left_at = sub.left_at or timezone.now()
        sub.save(update_fields=["email", "user", "status", "left_at"])
    address = old_email.strip().lower()
    erased = f"erased-{token}@{ERASED_DOMAIN}"
    for paper_sub in PaperSubscription.objects.filter(email__iexact=address).select_for_update():
        paper_sub.name, paper_sub.email = REMOVED[:120], erased
        paper_sub.address = REMOVED if paper_sub.address else ""
        paper_sub.save(update_fields=["name", "email", "address"])
    Contact.objects.filter(email__iexact=address).update(
        name=REMOVED[:120], email=erased, phone="", note=""
    )
    letters = Article.objects.filter(
        author=user, kind__in=[Article.Kind.LETTER, Article.Kind.REPORT], published_at__isnull=True
    )
    Revision.objects.filter(article__in=letters).update(title=REMOVED, body=REMOVED)
    for letter in letters.select_for_update():
        letter.slug = f"removed-{letter.pk}"
        letter.title, letter.body, letter.standfirst, letter.body_html = REMOVED, REMOVED, "", ""
        letter.byline = ""
        letter.save(update_fields=["slug", "title", "body", "standfirst", "body_html", "byline"])
