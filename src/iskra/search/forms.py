from __future__ import annotations

from typing import Any

from django import forms

from iskra.search.models import Kind
from iskra.search.query import MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_LENGTH,
        strip=False,
        label="Search for",
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(required=False, label="Show")

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Everything"), *((k, labels[k]) for k in kinds)]
