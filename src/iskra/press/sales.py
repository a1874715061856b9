"""Distribution and sales: bundle orders per branch per edition, sales recorded per pitch and
seller (copies, money taken, fighting fund), targets and the league table, people met while
selling (with their consent) on the branch's follow-up list, and readers' subscriptions with
their renewal reminders. A sale may name a decision's action that counts papers sold: the sale
is then reported back on it (``iskra.decisions.services.report_back``), in the same transaction.

Who: members of a unit record their own sales; its officers record anyone's, order bundles,
and see the contacts and subscriptions; the publication's editors set the targets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError, TooMany
from iskra.core.tasks import send_after_commit
from iskra.decisions.models import Action
from iskra.decisions.services import report_back
from iskra.members.models import Membership, Status
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, require
from iskra.press.models import (
    BundleOrder,
    Contact,
    Edition,
    PaperSubscription,
    Publication,
    Sale,
    SalesTarget,
)
from iskra.press.permissions import is_editor
from iskra.press.services import FieldError, clean_email

# The most one sale may record (a typo of 10 000 copies is caught), and money's ceiling.
MAX_COPIES = 5000
MAX_MONEY = Decimal("100000")
# Days before a subscription ends that its reader is reminded.
REMIND_DAYS = 14
# How far back a sale may be recorded, and how often a contact is sent the join page.
SALES_BACK_DAYS = 366
INVITE_AGAIN_DAYS = 7
# Contacts one person may add in a day (a list of addresses to mail is not a contact list).
CONTACTS_A_DAY = 40
MONEY_PATTERN = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")


def in_reach(publication: Publication, unit: Unit) -> bool:
    """Whether the unit is the publisher's or one below it: the units a paper is sold by."""
    return unit.path.startswith(publication.unit.path)


def edition_on(publication: Publication, day: date) -> Edition | None:
    """The edition on sale that day: the latest published one dated that day or before."""
    return (
        Edition.objects.filter(publication=publication, published_at__isnull=False, date__lte=day)
        .order_by("-date", "-number")
        .first()
    )


def is_member_of(user: Any, unit: Unit) -> bool:
    """A member in good standing whose branch is this unit or below it."""
    if not getattr(user, "is_authenticated", False):
        return False
    membership = Membership.objects.filter(user_id=user.pk).select_related("unit").first()
    return (
        membership is not None
        and membership.status in (Status.MEMBER, Status.CANDIDATE)
        and membership.unit.path.startswith(unit.path)
    )


def can_sell_for(user: Any, unit: Unit) -> bool:
    return is_officer_of(user, unit) or is_member_of(user, unit)


def parse_money(value: Any, field: str) -> Decimal:
    text = str(value if value not in (None, "") else "0").strip()
    if isinstance(value, str) and not MONEY_PATTERN.fullmatch(text):
        # Plain digits only: "1e3" is not a typo for 13 that becomes 1 000.
        if re.fullmatch(r"-[0-9.]+", text):
            raise FieldError(field, "An amount cannot be negative.")
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
            raise FieldError(field, "Give the amount in whole pence or cents.")
        raise FieldError(field, "Give an amount of money, such as 12.50.")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError(field, "Give an amount of money, such as 12.50.") from None
    if not amount.is_finite():
        raise FieldError(field, "Give an amount of money, such as 12.50.")
    if amount < 0:
        raise FieldError(field, "An amount cannot be negative.")
    if amount > MAX_MONEY:
        raise FieldError(field, f"That is more than {MAX_MONEY:,} {settings.CURRENCY}: check it.")
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError(field, "Give the amount in whole pence or cents.")
    return amount.quantize(Decimal("0.01"))


def sale_actions(unit: Unit) -> list[Action]:
    """The actions a sale in this unit may report on: assigned to it or to a unit above it,
    still open, counting something."""
    ancestors = [p for p in unit.path.split("/") if p]
    paths = ["/" + "/".join(ancestors[: n + 1]) + "/" for n in range(len(ancestors))]
    return list(
        Action.objects.filter(unit_path__in=paths, due_on__gte=timezone.localdate())
        .exclude(measure="")
        .select_related("decision", "unit")
        .order_by("due_on")[:20]
    )


def record_sale(
    *,
    actor: Any,
    publication: Publication,
    unit: Unit,
    seller: Any,
    pitch: str,
    sold_on: date,
    copies: int,
    money: Any = 0,
    fighting_fund: Any = 0,
    edition: Edition | None = None,
    action: Action | None = None,
) -> Sale:
    require(
        can_sell_for(actor, unit),
        f"Only members and officers of {unit.name} record its sales.",
    )
    if seller.pk != actor.pk:
        require(is_officer_of(actor, unit), "Record your own sales; officers record anyone's.")
        if not is_member_of(seller, unit):
            raise FieldError("seller", f"The seller is not a member of {unit.name}.")
    pitch = pitch.strip()
    if not pitch:
        raise FieldError("pitch", "Say where you sold (the pitch).")
    if len(pitch) > 120:
        raise FieldError("pitch", "Keep the pitch to 120 characters.")
    if not isinstance(copies, int) or copies < 0:
        raise FieldError("copies", "Copies sold cannot be negative.")
    if copies > MAX_COPIES:
        raise FieldError("copies", f"More than {MAX_COPIES:,} copies at one pitch: check it.")
    cash, fund = parse_money(money, "money"), parse_money(fighting_fund, "fighting_fund")
    if not copies and not cash and not fund:
        raise FieldError("copies", "Record copies sold, money taken or the fighting fund.")
    if sold_on > timezone.localdate():
        raise FieldError("sold_on", "A sale cannot be in the future.")
    if sold_on < timezone.localdate() - timedelta(days=SALES_BACK_DAYS):
        raise FieldError("sold_on", "Record sales of the last twelve months; check the year.")
    if not in_reach(publication, unit):
        raise FieldError("unit", f"{unit.name} does not sell {publication.name}.")
    if edition is not None and edition.publication_id != publication.pk:
        raise FieldError("edition", "That edition is of another publication.")
    # Filed under the edition on sale that day, however it was recorded.
    edition = edition or edition_on(publication, sold_on)
    with transaction.atomic():
        sale = Sale.objects.create(
            publication=publication,
            edition=edition,
            unit=unit,
            seller=seller,
            pitch=pitch,
            sold_on=sold_on,
            copies=copies,
            money=cash,
            fighting_fund=fund,
            recorded_by=actor,
            created_at=timezone.now(),
        )
        if action is not None:
            if action.pk not in {a.pk for a in sale_actions(unit)}:
                raise FieldError("action", "Choose an open action of this unit or above it.")
            sale.action = action
            sale.report = report_back(
                actor=actor,
                action=action,
                figure=copies,
                text=f"{copies} copies of {publication.name} sold at {pitch} on "
                f"{sold_on:%-d %B %Y} (from the sales ledger).",
            )
            sale.save(update_fields=["action", "report"])
        record(
            actor=actor,
            action="press.sale.record",
            obj=sale,
            unit=unit,
            data={
                "copies": copies,
                "money": str(cash),
                "fighting_fund": str(fund),
                "currency": settings.CURRENCY,
                "seller_id": seller.pk,
            },
        )
    return sale


def set_bundle(
    *, actor: Any, edition: Edition, unit: Unit, wanted: int, delivered: int | None = None
) -> BundleOrder:
    require(is_officer_of(actor, unit), f"Only officers of {unit.name} order its bundle.")
    if wanted < 0 or wanted > 100_000 or (delivered is not None and not 0 <= delivered <= 100_000):
        raise FieldError("copies_wanted", "Give a number of copies, 0 or more.")
    if delivered is not None and delivered > wanted:
        raise FieldError(
            "copies_delivered", "More delivered than wanted: change the copies wanted first."
        )
    if not in_reach(edition.publication, unit):
        raise FieldError("unit", f"{unit.name} does not sell {edition.publication.name}.")
    with transaction.atomic():
        if edition.published_at is not None:
            # Once the edition is out, the order stands; only what came is recorded.
            earlier = BundleOrder.objects.filter(edition=edition, unit=unit).first()
            if (earlier.copies_wanted if earlier else None) != wanted:
                raise FieldError(
                    "copies_wanted",
                    f"Number {edition.number} is out: its order cannot change now, only the "
                    "copies delivered.",
                )
        bundle, _ = BundleOrder.objects.update_or_create(
            edition=edition,
            unit=unit,
            defaults={
                "copies_wanted": wanted,
                "copies_delivered": delivered,
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        record(
            actor=actor,
            action="press.bundle.set",
            obj=bundle,
            unit=unit,
            data={"edition": edition.number, "wanted": wanted, "delivered": delivered},
        )
    return bundle


def set_target(*, actor: Any, publication: Publication, unit: Unit, copies: int) -> SalesTarget:
    require(is_editor(actor, publication), "Only the publication's editors set the targets.")
    if not 0 < copies <= 100_000:
        raise FieldError("copies", "Give a target of 1 copy or more.")
    if not in_reach(publication, unit) or unit.pk == publication.unit_id:
        raise FieldError("unit", f"Targets are for the units that sell {publication.name}.")
    with transaction.atomic():
        target, _ = SalesTarget.objects.update_or_create(
            publication=publication, unit=unit, defaults={"copies_per_edition": copies}
        )
        record(
            actor=actor, action="press.target.set", obj=target, unit=unit, data={"copies": copies}
        )
    return target


def add_contact(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    consent: bool,
    email: str = "",
    phone: str = "",
    note: str = "",
    sale: Sale | None = None,
) -> Contact:
    require(can_sell_for(actor, unit), f"Only members and officers of {unit.name} add contacts.")
    if not consent:
        raise FieldError("consent", "Only with their consent: ask them first.")
    name, email, phone = name.strip(), clean_email(email), phone.strip()
    if not name:
        raise FieldError("name", "Give their name.")
    if not email and not phone:
        raise FieldError("email", "Give an email address or a phone number.")
    if any(c in phone for c in "\r\n"):
        raise FieldError("phone", "Give the phone number on one line.")
    with transaction.atomic():
        today = Contact.objects.filter(
            created_by=actor, created_at__gte=timezone.now() - timedelta(days=1)
        ).count()
        if today >= CONTACTS_A_DAY:
            raise TooMany(f"You have added {today} contacts today: that is the most a day.")
        contact = Contact.objects.create(
            unit=unit,
            sale=sale,
            name=name[:120],
            email=email[:254],
            phone=phone[:40],
            note=note.strip()[:300],
            consent=True,
            created_by=actor,
            created_at=timezone.now(),
        )
        record(
            actor=actor,
            action="press.contact.add",
            obj=contact,
            unit=unit,
            personal={"name": contact.name},
        )
    return contact


def invite_contact(*, actor: Any, contact: Contact) -> Contact:
    """Email the contact the join page (they agreed to be contacted)."""
    require(is_officer_of(actor, contact.unit), "Only the unit's officers follow up contacts.")
    if not contact.email:
        raise DomainError("They gave no email address: phone them instead.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        since = timezone.now() - timedelta(days=INVITE_AGAIN_DAYS)
        if contact.invited_at is not None and contact.invited_at > since:
            raise DomainError(
                f"They were sent the join page on {contact.invited_at:%-d %B}: give them a "
                f"week before sending it again."
            )
        contact.invited_at = timezone.now()
        contact.save(update_fields=["invited_at"])
        send_after_commit(
            to=contact.email,
            template="press/email/join_invitation",
            context={
                "name": contact.name,
                "unit": contact.unit.name,
                "url": settings.SITE_URL + reverse("members:join"),
            },
        )
        record(actor=actor, action="press.contact.invite", obj=contact, unit=contact.unit)
    return contact


def remove_contact(*, actor: Any, contact: Contact) -> None:
    """Take someone off the follow-up list (they asked, or it was a mistake): the row goes; the
    audit log keeps that it was removed, not who they were."""
    require(is_officer_of(actor, contact.unit), "Only the unit's officers follow up contacts.")
    with transaction.atomic():
        record(actor=actor, action="press.contact.remove", obj=contact, unit=contact.unit)
        contact.delete()


def mark_followed_up(*, actor: Any, contact: Contact) -> Contact:
    require(is_officer_of(actor, contact.unit), "Only the unit's officers follow up contacts.")
    contact.followed_up_at = timezone.now()
    contact.save(update_fields=["followed_up_at"])
    record(actor=actor, action="press.contact.followed_up", obj=contact, unit=contact.unit)
    return contact


def add_subscription(
    *,
    actor: Any,
    publication: Publication,
    unit: Unit,
    kind: str,
    name: str,
    email: str,
    months: int,
    address: str = "",
    starts_on: date | None = None,
) -> PaperSubscription:
    require(is_officer_of(actor, unit), f"Only officers of {unit.name} record subscriptions.")
    if kind not in PaperSubscription.Kind.values:
        raise FieldError("kind", "Choose print or digital.")
    if kind == PaperSubscription.Kind.PRINT and not address.strip():
        raise FieldError("address", "A print subscription needs the address to post it to.")
    if not 1 <= months <= 36:
        raise FieldError("months", "A subscription runs 1 to 36 months.")
    if not name.strip():
        raise FieldError("name", "Give the reader's name.")
    if not clean_email(email):
        raise FieldError("email", "Give the reader's email address.")
    if not in_reach(publication, unit):
        raise FieldError("unit", f"{unit.name} does not sell {publication.name}.")
    start = starts_on or timezone.localdate()
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    end = date(year, month, min(start.day, 28))
    with transaction.atomic():
        sub = PaperSubscription.objects.create(
            publication=publication,
            unit=unit,
            kind=kind,
            name=name.strip()[:120],
            email=email.strip().lower()[:254],
            address=address.strip()[:1000],
            starts_on=start,
            ends_on=end,
            created_by=actor,
            created_at=timezone.now(),
        )
        record(
            actor=actor,
            action="press.subscription.add",
            obj=sub,
            unit=unit,
            data={"kind": kind, "months": months},
        )
    return sub


def remind_due_subscriptions(*, today: date | None = None) -> int:
    """The worker's sweep: email readers whose subscription ends within ``REMIND_DAYS``."""
    today = today or timezone.localdate()
    due = PaperSubscription.objects.filter(
        reminded_at__isnull=True, ends_on__gte=today, ends_on__lte=today + timedelta(REMIND_DAYS)
    ).select_related("publication")
    n = 0
    for sub in due:
        with transaction.atomic():
            if not PaperSubscription.objects.filter(pk=sub.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            send_after_commit(
                to=sub.email,
                template="press/email/renewal",
                context={
                    "name": sub.name,
                    "publication": sub.publication.name,
                    "ends_on": sub.ends_on,
                    "kind": sub.get_kind_display().lower(),
                },
            )
            n += 1
    return n


@dataclass(frozen=True)
class LeagueRow:
    unit: Unit
    copies: int
    money: Decimal
    fighting_fund: Decimal
    target: int | None

    @property
    def percent(self) -> int | None:
        return round(100 * self.copies / self.target) if self.target else None


def league(publication: Publication, edition: Edition | None) -> list[LeagueRow]:
    """Each selling unit's sales of an edition (or of the last 28 days), against its target."""
    sales = Sale.objects.filter(publication=publication)
    sales = (
        sales.filter(edition=edition)
        if edition is not None
        else sales.filter(sold_on__gte=timezone.localdate() - timedelta(days=28))
    )
    totals = {
        row["unit"]: row
        for row in sales.values("unit").annotate(
            copies=Sum("copies"), money=Sum("money"), fund=Sum("fighting_fund")
        )
    }
    targets = dict(
        SalesTarget.objects.filter(publication=publication).values_list(
            "unit_id", "copies_per_edition"
        )
    )
    units = Unit.objects.filter(Q(pk__in=totals) | Q(pk__in=targets)).order_by("name")
    rows = [
        LeagueRow(
            unit=u,
            copies=int(totals.get(u.pk, {}).get("copies") or 0),
            money=totals.get(u.pk, {}).get("money") or Decimal(0),
            fighting_fund=totals.get(u.pk, {}).get("fund") or Decimal(0),
            target=targets.get(u.pk),
        )
        for u in units
    ]
    return sorted(rows, key=lambda r: (-(r.percent or -1), -r.copies, r.unit.name))
