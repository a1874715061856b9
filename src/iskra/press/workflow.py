"""The editorial workflow, as data: each step an article may take, from which states, to which
state, and who may take it. The desk's buttons, the services' checks and the API read this table;
nothing else decides who moves an article where.

    draft → submitted → edited → approved → scheduled → published
                      ↘ declined (a member's letter or report the desk does not take)

A publication without sub-editing (``Publication.sub_editing`` off, e.g. a branch bulletin) lets
its editors approve a submitted article straight away.
"""

from __future__ import annotations

from dataclasses import dataclass

from iskra.press.models import Article, Publication, Role

State = Article.State
Kind = Role.Kind
STAFF = frozenset({Kind.WRITER, Kind.SUB_EDITOR, Kind.EDITOR})
DESK = frozenset({Kind.SUB_EDITOR, Kind.EDITOR})
EDITORS = frozenset({Kind.EDITOR})


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # Writers may take it only on their own articles.
    own_only_for_writers: bool = False
    # The step needs a word to the writer (sending back, taking down).
    needs_reason: bool = False
    # The step needs a time (scheduling).
    needs_time: bool = False
    # Shown on the desk to explain the step.
    help: str = ""
    # From these states only editors may take it (what an editor approved, a sub-editor does
    # not undo).
    editors_only_from: frozenset[str] = frozenset()
    # Not for a member's letter or report: its sender is not on the staff and cannot change it
    # (the desk edits it, or declines it with the reason).
    staff_articles_only: bool = False


STEPS: tuple[Step, ...] = (
    Step(
        "submit",
        "Submit for editing",
        frozenset({State.DRAFT}),
        State.SUBMITTED,
        STAFF,
        own_only_for_writers=True,
        help="The writer hands it to the desk; they can no longer change it.",
    ),
    Step(
        "edited",
        "Mark as edited",
        frozenset({State.SUBMITTED}),
        State.EDITED,
        DESK,
        help="A sub-editor has checked and cut it; it waits for an editor's approval.",
    ),
    Step(
        "approve",
        "Approve",
        frozenset({State.EDITED}),
        State.APPROVED,
        EDITORS,
        help="An editor approves it to be published or put in an edition.",
    ),
    Step(
        "schedule",
        "Schedule",
        frozenset({State.APPROVED}),
        State.SCHEDULED,
        EDITORS,
        needs_time=True,
        help="The worker publishes it at the time set.",
    ),
    Step(
        "publish",
        "Publish now",
        frozenset({State.APPROVED, State.SCHEDULED}),
        State.PUBLISHED,
        EDITORS,
        help="It goes on the site and into the feeds at once.",
    ),
    Step(
        "return",
        "Send back to the writer",
        frozenset({State.SUBMITTED, State.EDITED, State.APPROVED, State.SCHEDULED}),
        State.DRAFT,
        DESK,
        needs_reason=True,
        help="Back to draft, with a comment saying what to change.",
        editors_only_from=frozenset({State.APPROVED, State.SCHEDULED}),
        staff_articles_only=True,
    ),
    Step(
        "decline",
        "Decline",
        frozenset({State.SUBMITTED, State.EDITED}),
        State.DECLINED,
        DESK,
        needs_reason=True,
        help="Not for this publication (a member's letter or report, say), with the reason, "
        "which the sender is told.",
    ),
    Step(
        "unpublish",
        "Take down",
        frozenset({State.PUBLISHED}),
        State.APPROVED,
        EDITORS,
        needs_reason=True,
        help="Off the site and the feeds; it stays approved and can be published again.",
    ),
)

BY_NAME = {step.name: step for step in STEPS}


def sources(step: Step, publication: Publication) -> frozenset[str]:
    """The states a step starts from on this publication (approval skips sub-editing where the
    publication has none)."""
    if step.name == "approve" and not publication.sub_editing:
        return step.sources | {State.SUBMITTED}
    return step.sources


def may_take(step: Step, *, kind: str | None, article: Article, user_id: int | None) -> bool:
    """Whether someone with this role may take this step on this article now."""
    if kind is None or kind not in step.roles:
        return False
    if article.state not in sources(step, article.publication):
        return False
    if article.state in step.editors_only_from and kind not in EDITORS:
        return False
    if step.staff_articles_only and article.kind != Article.Kind.ARTICLE:
        return False
    if kind == Kind.WRITER and step.own_only_for_writers:
        return article.author_id == user_id
    return True


# Who may change an article's text in each state.
EDITABLE_BY: dict[str, frozenset[str]] = {
    State.DRAFT: STAFF,  # writers their own only (permissions.can_edit_text)
    State.SUBMITTED: DESK,
    State.EDITED: DESK,
    State.APPROVED: EDITORS,
    State.SCHEDULED: EDITORS,
    State.PUBLISHED: EDITORS,  # a correction, kept as a revision
    State.DECLINED: frozenset(),
}
