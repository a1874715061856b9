from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iskra.search import selectors
from iskra.search.forms import SearchForm
from iskra.search.models import Kind
from iskra.search.query import QueryError


@login_not_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Search what this person may read. Visitors find the public decisions."""
    kinds = selectors.searchable_kinds(request.user)
    form = SearchForm(request.GET or None, kinds=kinds)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        # The page number is not part of the form: a new search starts on the first page.
        page = request.GET.get("page", "")
        try:
            results = selectors.search(
                request.user,
                text=data["q"],
                kind=data["kind"],
                page=int(page) if page.isdigit() and len(page) < 5 else 1,
            )
        except QueryError as exc:
            form.add_error("q", str(exc))
    labels = dict(Kind.choices)
    context = {
        "form": form,
        "results": results,
        "kind_links": [(k, labels[k], results.label_of(k)) for k in kinds] if results else [],
        "kind_label": labels.get(results.kind, "") if results else "",
    }
    # htmx asks for the results only, as the person types.
    template = "search/_results.html" if request.headers.get("HX-Request") else "search/page.html"
    return render(request, template, context, status=400 if form.errors else 200)
