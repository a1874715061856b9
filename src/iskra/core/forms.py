"""Small helpers shared by the apps' forms."""

from __future__ import annotations

from typing import Any

from django import forms


def limit_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Offer only ``queryset`` in the model-choice field ``name`` (when one is given): the
    units, bodies or motions this person may choose, found by the view's permission rules."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # ModelMultipleChoiceField is one too
    if queryset is not None:
        field.queryset = queryset
