"""The glossary page, the {% term %} tag that links to it, and the a/an helper."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

from iskra.core.glossary import BY_SLUG, TERMS
from iskra.core.words import article, with_article
from tests.conftest import World


def test_glossary_is_public_with_an_anchor_per_term(client: Client, world: World) -> None:
    response = client.get("/glossary/")
    assert response.status_code == 200
    html = response.content.decode()
    for t in TERMS:
        assert f'<dt id="{t.slug}" tabindex="-1">{t.word}</dt>' in html
    assert "<h1>Glossary</h1>" in html


def test_terms_are_unique_and_in_order() -> None:
    assert len(BY_SLUG) == len(TERMS)
    words = [t.word.lower() for t in TERMS]
    assert words == sorted(words)


def test_term_tag_links_the_word_to_its_entry() -> None:
    html = Template(
        '{% load iskra %}{% term "composite" %} / {% term "card-vote" "card votes" %}'
    ).render(Context())
    assert html.startswith('<a class="term" href="/glossary/#composite" title="Several motions')
    assert ">composite</a>" in html
    assert 'href="/glossary/#card-vote"' in html and ">card votes</a>" in html


def test_an_unknown_term_is_a_template_error_not_a_silent_blank() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template('{% load iskra %}{% term "nonsense" %}').render(Context())


def test_motion_page_links_its_words_to_the_glossary(client: Client, world: World) -> None:
    from iskra.motions import services as motions

    motion = motions.create_motion(
        actor=world.secretary,
        body=world.branch_committee,
        title="Hold a jumble sale",
        text="We resolve to hold one.",
    )
    client.force_login(world.secretary)
    html = client.get(f"/motions/{motion.pk}/").content.decode()
    assert 'href="/glossary/#table-an-amendment"' in html


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("applicant", "an"),
        ("member", "a"),
        ("expelled", "an"),
        ("union", "a"),
        ("hour", "an"),
        ("district", "a"),
        ("", "a"),
    ],
)
def test_article(word: str, expected: str) -> None:
    assert article(word) == expected


def test_with_article_and_filter() -> None:
    assert with_article("applicant") == "an applicant"
    assert (
        Template("{% load iskra %}{{ w|with_article }}").render(Context({"w": "area"})) == "an area"
    )
