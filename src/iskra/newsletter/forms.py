from __future__ import annotations

from typing import Any

from django import forms

from iskra.core.widgets import MarkdownTextarea
from iskra.newsletter.models import MailingList
from iskra.press.models import Article, Publication


class ListForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(label="What it is", max_length=300, required=False)
    frequency = forms.ChoiceField(label="How often", choices=MailingList.Frequency.choices)
    is_public = forms.BooleanField(
        label="Open to the public (they confirm by email)", required=False, initial=True
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)


class SendForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    intro = forms.CharField(
        label="Introduction",
        max_length=20_000,
        required=False,
        widget=MarkdownTextarea(attrs={"rows": 6}),
    )
    articles = forms.ModelMultipleChoiceField(
        label="Articles",
        queryset=Article.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The latest published articles; each goes in with its headline, standfirst "
        "and a link.",
    )

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = Article.objects.filter(
            publication=publication, state=Article.State.PUBLISHED
        ).order_by("-published_at", "-pk")
        # The ids, not a sliced queryset: the field filters its queryset by the ticked ids,
        # which a slice does not allow (every ticked article was refused as "not valid").
        ids = list(latest.values_list("pk", flat=True)[:30])
        self.fields["articles"].queryset = latest.filter(pk__in=ids)  # type: ignore[attr-defined]
