"""The OpenAPI document describes what each operation really answers (issue 9, point 18).

ninja names a component after its class: two classes with one name (say two ``BallotOut``)
overwrite each other in ``components.schemas`` and every operation answering the loser is
documented with the winner's fields. These tests rebuild each operation's response schema on
its own and compare it with the published components.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ninja.openapi.schema import REF_TEMPLATE, NinjaGenerateJsonSchema
from pydantic import BaseModel

from iskra.api.api import api


def operations() -> list[tuple[str, Any]]:
    found = []
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                found.append((f"{','.join(operation.methods)} {path}", operation))
    return found


def models_in(model: type[BaseModel]) -> set[type[BaseModel]]:
    """Every pydantic model a model's fields reach (lists, optionals and dicts included)."""
    seen: set[type[BaseModel]] = set()
    todo: list[Any] = [model]
    while todo:
        current = todo.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            if current in seen:
                continue
            seen.add(current)
            todo.extend(field.annotation for field in current.model_fields.values())
        else:
            todo.extend(getattr(current, "__args__", ()))
    return seen


def test_no_two_schema_classes_share_a_name() -> None:
    classes: set[type[BaseModel]] = set()
    for _, operation in operations():
        for model in [*operation.response_models.values(), *operation.models]:
            if isinstance(model, type) and issubclass(model, BaseModel):
                classes |= models_in(model)
    # ninja's own wrappers (the response envelope, the query/body/path parameter holders) are
    # generated per operation and never published as components.
    names = Counter(
        cls.__name__
        for cls in classes
        if cls.__name__ != "NinjaResponseSchema" and not hasattr(cls, "__ninja_param_source__")
    )
    assert len(names) > 50
    assert [name for name, count in names.items() if count > 1] == []


def test_component_names_are_plain_class_names() -> None:
    """pydantic disambiguates a clash inside one model as ``module__Class``: none may appear."""
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert [name for name in schemas if "__" in name] == []


def test_every_response_is_documented_with_its_own_schema() -> None:
    components = api.get_openapi_schema()["components"]["schemas"]
    wrong = []
    checked = 0
    for name, operation in operations():
        for status, model in operation.response_models.items():
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            own = model.model_json_schema(
                ref_template=REF_TEMPLATE,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
            for component, definition in own.get("$defs", {}).items():
                checked += 1
                if components.get(component) != definition:
                    wrong.append(f"{name} {status}: {component}")
    assert checked > 100
    assert wrong == []
