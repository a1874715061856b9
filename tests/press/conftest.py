from __future__ import annotations

from dataclasses import dataclass

import pytest

from iskra.accounts.models import User
from iskra.press import services as press
from iskra.press.models import Article, Publication, Role, Section
from tests.conftest import World, fresh, make_member


@dataclass
class Paper:
    world: World
    publication: Publication
    editor: User
    sub_editor: User
    writer: User
    other_writer: User
    news: Section


@pytest.fixture
def paper(world: World) -> Paper:
    """The national paper: an editor, a sub-editor and two writers (all Branch A members); the
    national officer appoints its staff."""
    publication = press.create_publication(
        actor=world.officer, unit=world.national, name="The Spark", tagline="Our paper"
    )
    people = {
        kind: make_member(f"{kind}@example.org", name, world.branch_a)
        for kind, name in (
            ("editor", "Eda Editor"),
            ("sub", "Sid Sub"),
            ("writer", "Wyn Writer"),
            ("writer2", "Wes Writer"),
        )
    }
    for key, kind in (
        ("editor", Role.Kind.EDITOR),
        ("sub", Role.Kind.SUB_EDITOR),
        ("writer", Role.Kind.WRITER),
        ("writer2", Role.Kind.WRITER),
    ):
        press.set_role(actor=world.officer, publication=publication, user=people[key], kind=kind)
    editor = fresh(people["editor"])
    news = press.add_section(actor=editor, publication=publication, name="News")
    return Paper(
        world=world,
        publication=publication,
        editor=editor,
        sub_editor=fresh(people["sub"]),
        writer=fresh(people["writer"]),
        other_writer=fresh(people["writer2"]),
        news=news,
    )


def published_article(
    paper: Paper,
    title: str = "Porters win",
    *,
    standfirst: str = "They won.",
    body: str = "We won.",
) -> Article:
    """An article by the writer, taken through every step of the workflow to published."""
    article = press.write_article(
        actor=paper.writer,
        publication=paper.publication,
        title=title,
        standfirst=standfirst,
        body=body,
        section=paper.news,
    )
    for actor, step in (
        (paper.writer, "submit"),
        (paper.sub_editor, "edited"),
        (paper.editor, "approve"),
        (paper.editor, "publish"),
    ):
        article = press.take_step(actor=actor, article=article, step=step)
    return article
