"""The movement's own words, explained in plain ones: the glossary page (/glossary/) and the
``{% term %}`` tag that links a word where it appears to its entry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    slug: str
    word: str
    meaning: str


# In alphabetical order of the word; each meaning one or two short sentences a newcomer can read.
TERMS: tuple[Term, ...] = (
    Term(
        "admission",
        "Admission",
        "An officer checks a motion is in order (it is within the body's remit and has its "
        "supporters) and lets it go forward to discussion. A motion not admitted is ruled out "
        "of order, with the reason.",
    ),
    Term(
        "amendment",
        "Amendment",
        "A proposed change to a motion's text: strike out, insert or replace words. Amendments "
        "are voted on before the motion itself.",
    ),
    Term(
        "ballot",
        "Ballot",
        "A secret vote of all the members entitled to take part (a constituency), held online "
        "over some days, rather than a show of hands in a meeting.",
    ),
    Term(
        "blank",
        "Blank vote",
        "A ballot returned without a choice on purpose. It counts towards turnout but not for "
        "any option.",
    ),
    Term(
        "body",
        "Body",
        "Where decisions are taken: a branch's general meeting, a committee, a council of "
        "delegates, a conference, or an all-member ballot.",
    ),
    Term(
        "card-vote",
        "Card vote",
        "At a conference, each delegate's vote counts for the number of members they represent, "
        "not just one.",
    ),
    Term(
        "circulation",
        "Circulation",
        "Once admitted, a motion is sent to every unit under the body it is addressed to, so that "
        "each branch can discuss it before the decision.",
    ),
    Term(
        "commitment",
        "Commitment",
        "A member or unit taking on part of an action: a promise of what they will do, such as "
        "50 leaflets handed out.",
    ),
    Term(
        "composite",
        "Composite",
        "Several motions on the same subject merged into one text, so that the body debates and "
        "votes once instead of many times. Their proposers agree the wording.",
    ),
    Term(
        "dissent",
        "Dissent",
        "The recorded disagreement of those who voted against a decision. Everyone carries out "
        "the decision (unity in action), but the minority's view stays on the record.",
    ),
    Term(
        "figure",
        "Figure",
        "A number reported back for an action: leaflets handed out, papers sold, people at a "
        "picket. Figures add up through the structure towards the target.",
    ),
    Term(
        "mandate",
        "Mandate",
        "What a branch tells its delegates to do when the motion is decided higher up: how to "
        "vote on the motion and on each amendment.",
    ),
    Term(
        "no-confidence",
        "No confidence",
        "A motion by which the body that elected a holder (or a committee) withdraws its "
        "confidence in them. If it carries, their terms end and by-elections are held.",
    ),
    Term(
        "position",
        "Position",
        "What a branch decided about a circulated motion: support it, support it if amended, or "
        "oppose it. Positions add up to the state of the discussion.",
    ),
    Term(
        "quorum",
        "Quorum",
        "The least number of members who must be present for a meeting to take decisions.",
    ),
    Term(
        "quota",
        "Quota",
        "In an election by single transferable vote, the number of votes a candidate needs to be "
        "elected.",
    ),
    Term(
        "recall",
        "Recall",
        "Every delegate and officer can be removed at any time by those who elected them: a "
        "member starts a petition; when enough sign, a secret recall ballot decides.",
    ),
    Term(
        "remit",
        "Remit",
        "What a body may decide on: its area of responsibility. A motion outside a body's remit "
        "is ruled out of order. (Some movements also call a motion sent up to a higher body a "
        "remit.)",
    ),
    Term(
        "requisition",
        "Requisition",
        "A demand, signed by enough members, that a body hold a special meeting with the "
        "business they state. If its officers do not call it in time, Iskra convenes it in the "
        "members' name.",
    ),
    Term(
        "roll-call",
        "Roll call",
        "A recorded vote where each person's vote is listed by name, so members can see how "
        "their representatives voted.",
    ),
    Term(
        "scrutineer",
        "Scrutineer",
        "An independent member who checks a ballot was run properly, and signs a report on it. "
        "They may not hold office in the unit holding the ballot.",
    ),
    Term(
        "stv",
        "Single transferable vote (STV)",
        "An election where voters rank candidates. A candidate who reaches the quota is elected; "
        "votes they do not need, and those of the candidate with fewest votes, pass to the "
        "voters' next choices, stage by stage, until every seat is filled.",
    ),
    Term(
        "standing-orders",
        "Standing orders",
        "A body's own rules of procedure: notice for meetings, quorum, how votes are taken.",
    ),
    Term(
        "table-an-amendment",
        "Table an amendment",
        "To put forward an amendment formally, so that it goes on the agenda and is voted on.",
    ),
    Term(
        "target",
        "Target",
        "The figure an action aims for across the units it is assigned to (for example 1,000 "
        "signatures). Progress is shown against it.",
    ),
    Term(
        "turnout",
        "Turnout",
        "How many of those entitled to vote did vote, as a number and a share.",
    ),
)

BY_SLUG: dict[str, Term] = {t.slug: t for t in TERMS}
