from __future__ import annotations

import pytest

from tests.conftest import World
from tests.motions.helpers import make_committee


@pytest.fixture
def nc(world: World) -> World:
    """The world with a quorate national committee needing no supporters."""
    make_committee(world)
    return world
