from __future__ import annotations

from typing import Any

from django import forms

from iskra.accounts.models import User
from iskra.core.widgets import MarkdownTextarea
from iskra.decisions.models import Action
from iskra.organisation.models import Unit
from iskra.press.models import Edition, Leaflet, Publication, Role, Section
from iskra.press.services import MAX_BODY


class PublicationForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="Published by", queryset=Unit.objects.none(), empty_label=None
    )
    name = forms.CharField(label="Name", max_length=120)
    tagline = forms.CharField(label="Tagline", max_length=200, required=False)
    is_public = forms.BooleanField(
        label="Public: published articles are on the open web and in the feeds",
        required=False,
        initial=True,
    )
    sub_editing = forms.BooleanField(
        label="Sub-editors check articles before an editor approves them",
        required=False,
        initial=True,
    )
    print_format = forms.ChoiceField(label="Printed as", choices=Publication.Format.choices)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ArticleForm(forms.Form):
    title = forms.CharField(label="Headline", max_length=200)
    standfirst = forms.CharField(
        label="Standfirst",
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences under the headline, in the feeds and when shared.",
    )
    body = forms.CharField(
        label="Text",
        max_length=MAX_BODY,
        widget=MarkdownTextarea(attrs={"rows": 18}),
        help_text="Markdown: a blank line between paragraphs, ## for a crosshead, "
        "**bold**, *italic*, [a link](https://…).",
    )
    section = forms.ModelChoiceField(
        label="Section", queryset=Section.objects.none(), required=False, empty_label="None"
    )
    byline = forms.CharField(
        label="Byline",
        max_length=120,
        required=False,
        help_text="As printed, e.g. “By a Riverside porter”. Empty: the writer's name.",
    )
    note = forms.CharField(
        label="What you changed",
        max_length=200,
        required=False,
        help_text="For the revision history (optional).",
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = publication.sections.all()  # type: ignore[attr-defined]


class StepForm(forms.Form):
    reason = forms.CharField(
        label="Your word to the writer",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EditionForm(forms.Form):
    number = forms.IntegerField(label="Issue number", min_value=1, max_value=1_000_000)
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    pages = forms.IntegerField(label="Pages", min_value=1, max_value=64, initial=16)


class PlaceForm(forms.Form):
    edition = forms.ModelChoiceField(
        label="Edition", queryset=Edition.objects.none(), required=False, empty_label="None"
    )
    is_lead = forms.BooleanField(label="The lead story (front page)", required=False)

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = publication.editions.all()  # type: ignore[attr-defined]


class StaffForm(forms.Form):
    email = forms.EmailField(label="The member's email address")
    kind = forms.ChoiceField(label="Role", choices=Role.Kind.choices)


class SectionForm(forms.Form):
    name = forms.CharField(label="New section", max_length=60)


class ImageForm(forms.Form):
    image = forms.FileField(
        label="Picture",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
        help_text="A JPEG, PNG, WebP or GIF of up to 20 MB. The server makes it at most 1600 "
        "pixels a side and removes its EXIF (where and when it was taken, the phone).",
    )
    caption = forms.CharField(label="Caption", max_length=300, required=False)
    credit = forms.CharField(
        label="Credit", max_length=120, required=False, help_text="e.g. “Photo: Ann Lee”"
    )


class SendInForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you sending?",
        choices=[
            ("letter", "A letter to the paper"),
            ("report", "A report from the ground (a picket, a stall, a meeting)"),
        ],
        widget=forms.RadioSelect,
        initial="letter",
    )
    title = forms.CharField(label="Headline", max_length=200)
    body = forms.CharField(
        label="Your text",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Letters up to 3,000 characters, reports up to 8,000. The editors may cut it.",
    )
    byline = forms.CharField(
        label="Sign it as",
        max_length=120,
        required=False,
        help_text="e.g. “A Riverside porter”. Empty: your name.",
    )


class LeafletForm(forms.Form):
    title = forms.CharField(label="Headline", max_length=120)
    layout = forms.ChoiceField(
        label="Template", choices=Leaflet.Layout.choices, widget=forms.RadioSelect
    )
    size = forms.ChoiceField(label="Paper size", choices=Leaflet.Size.choices)
    front = forms.CharField(
        label="The front (the cover)",
        max_length=6000,
        widget=MarkdownTextarea(attrs={"rows": 8}),
        help_text="Markdown. The headline is printed above it.",
    )
    back = forms.CharField(
        label="The back (the pamphlet's pages)",
        max_length=24000,
        required=False,
        widget=MarkdownTextarea(attrs={"rows": 12}),
    )
    qr_target = forms.ChoiceField(
        label="The QR code leads to", choices=Leaflet.Target.choices, widget=forms.RadioSelect
    )
    qr_url = forms.URLField(
        label="The address (for “another address”)",
        max_length=300,
        required=False,
        assume_scheme="https",
    )
    qr_label = forms.CharField(
        label="Words beside the QR code",
        max_length=80,
        required=False,
        help_text="e.g. “Join the union today”. Empty: “Join us”.",
    )


class SaleForm(forms.Form):
    pitch = forms.CharField(
        label="Where (the pitch)", max_length=120, help_text="e.g. Riverside market, hospital gate"
    )
    sold_on = forms.DateField(
        label="Day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    copies = forms.IntegerField(label="Copies sold", min_value=0, max_value=5000, initial=0)
    # Text, read by the service's strict parser (plain digits, up to two decimals): a number
    # field would take "1e3" as 1 000.
    money = forms.CharField(
        label="Money taken for the papers",
        required=False,
        max_length=12,
        initial="0",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "pattern": r"[0-9]+(\.[0-9]{1,2})?"}),
    )
    fighting_fund = forms.CharField(
        label="Given to the fighting fund",
        required=False,
        max_length=12,
        initial="0",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "pattern": r"[0-9]+(\.[0-9]{1,2})?"}),
    )
    seller: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Seller", queryset=User.objects.none(), required=False, empty_label="Me"
    )
    action: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Report it on an action",
        queryset=Action.objects.none(),
        required=False,
        empty_label="None",
        help_text="A decision's action counting papers sold: the copies are reported back on it.",
    )

    def __init__(self, *args: Any, sellers: Any, actions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = sellers  # type: ignore[attr-defined]
        self.fields["action"].queryset = actions  # type: ignore[attr-defined]
        if not sellers.exists():
            del self.fields["seller"]
        if not actions.exists():
            del self.fields["action"]


class ContactForm(forms.Form):
    # Its own ids: the branch page shows it beside another form with the same field names.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)

    name = forms.CharField(label="Their name", max_length=120)
    email = forms.EmailField(label="Email", max_length=254, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    note = forms.CharField(label="Note", max_length=300, required=False)
    consent = forms.BooleanField(label="They agreed to be contacted by us", required=False)


class BundleForm(forms.Form):
    copies_wanted = forms.IntegerField(label="Copies wanted", min_value=0, max_value=100_000)
    copies_delivered = forms.IntegerField(
        label="Copies delivered", min_value=0, max_value=100_000, required=False
    )


class SubscriptionForm(forms.Form):
    # Its own ids: the branch page shows it beside another form with the same field names.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "subscription_%s")
        super().__init__(*args, **kwargs)

    kind = forms.ChoiceField(
        label="Kind", choices=[("digital", "Digital"), ("print", "Print (posted)")]
    )
    name = forms.CharField(label="Reader's name", max_length=120)
    email = forms.EmailField(label="Reader's email", max_length=254)
    address = forms.CharField(
        label="Postal address (print)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    months = forms.IntegerField(label="Months", min_value=1, max_value=36, initial=12)
