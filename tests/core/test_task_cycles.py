"""Services queue tasks and tasks call services: in every app the two must not import each
other round in a circle (issue 12). A task's body calls a module below the verbs that queue
it, and those verbs import the tasks module at the top: calls go one way."""

from __future__ import annotations

import functools

import grimp
import pytest

APPS_WITH_TASKS = ["accounts", "ballots", "core", "members"]


@functools.cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("iskra")


def _app_modules(graph: grimp.ImportGraph, app: str) -> list[str]:
    return sorted(m for m in graph.modules if m == f"iskra.{app}" or m.startswith(f"iskra.{app}."))


@pytest.mark.parametrize("app", APPS_WITH_TASKS)
def test_no_module_imports_the_tasks_that_import_it_back(app: str) -> None:
    graph = _graph()
    tasks = f"iskra.{app}.tasks"
    assert tasks in graph.modules
    circles = []
    for module in _app_modules(graph, app):
        if module == tasks:
            continue
        there = graph.find_shortest_chain(importer=module, imported=tasks)
        back = graph.find_shortest_chain(importer=tasks, imported=module)
        if there and back:
            circles.append(" -> ".join(there) + " -> ... -> " + module)
    assert circles == []


@pytest.mark.parametrize("app", APPS_WITH_TASKS)
def test_tasks_are_imported_at_module_level(app: str) -> None:
    """No function-local import of the tasks module dodges the check above."""
    graph = _graph()
    tasks = f"iskra.{app}.tasks"
    for module in _app_modules(graph, app):
        for detail in graph.get_import_details(importer=module, imported=tasks):
            assert not detail["line_contents"].startswith(" "), (module, detail)
