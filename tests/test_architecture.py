"""The layers of docs/development.md, held by the contracts in pyproject.toml (import-linter), so
that ``uv run pytest`` catches what ``uv run lint-imports`` in CI does."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "src" / "iskra"


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _top_level_modules() -> set[str]:
    names = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    return {f"iskra.{name}" for name in names}


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_the_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out


def test_every_top_level_package_has_its_layer() -> None:
    """A new app or module must be placed in the layers, or the contract would not see it."""
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    assert isinstance(layers["layers"], list)
    placed = {name.strip() for line in layers["layers"] for name in str(line).split("|")}
    assert placed == _top_level_modules()


def test_no_package_imports_another_that_imports_it_back() -> None:
    """No cycle between top-level packages, counting every import, a function's own included
    (migrations aside: they are frozen history and import no app code)."""
    graph = grimp.build_graph("iskra", cache_dir=None)
    edges: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        if ".migrations" in module:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if _package(imported) != _package(module) and imported.startswith("iskra."):
                edges[_package(module)].add(_package(imported))

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            if here == goal:
                return True
            if here not in seen:
                seen.add(here)
                todo.extend(edges.get(here, ()))
        return False

    cycles = sorted(
        f"{a} -> {b} -> … -> {a}" for a, targets in edges.items() for b in targets if reaches(b, a)
    )
    assert cycles == []


def test_no_source_module_is_over_600_lines() -> None:
    """Issue 12: a module that grows past 600 lines becomes a package of modules by group of
    verbs (migrations aside)."""
    too_long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert too_long == {}
