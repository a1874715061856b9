"""The demo organisation: a small but realistic tree, bodies, officers, members and cases.

Seeded through the same services officers use, so the audit log and histories are real.

One module per group of verbs; every name is importable from here."""

from iskra.demo.seed.ballots import (
    seed_demo_ballots,
)
from iskra.demo.seed.common import (
    AIMS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    FIRST,
    LAST,
    _member,
    _password_hash,
    _person,
    _votes,
)
from iskra.demo.seed.cycle import (
    fresh,
    seed_demo_cycle,
)
from iskra.demo.seed.people import (
    is_seeded,
    seed_demo,
)

__all__ = [
    "AIMS",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "FIRST",
    "LAST",
    "_member",
    "_password_hash",
    "_person",
    "_votes",
    "fresh",
    "is_seeded",
    "seed_demo",
    "seed_demo_ballots",
    "seed_demo_cycle",
]
