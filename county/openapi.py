"""Request bodies in the served OpenAPI schema.

The upload and enrollment bodies are read by hand (bounded in bytes and time, gzip, strict
JSON) rather than by FastAPI's body parameters, so FastAPI cannot see them; each route names
its model here, and the schema at /openapi.json describes it for clients and for the
schemathesis run in the tests."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

_REF = "#/components/schemas/{model}"
_schemas: dict[str, Any] = {}


def json_body(model: type[BaseModel], *, gzip: bool = False) -> dict[str, Any]:
    """``openapi_extra`` for a route whose JSON body is ``model``."""
    schema = model.model_json_schema(ref_template=_REF)
    _schemas.update(schema.pop("$defs", {}))
    _schemas[model.__name__] = schema
    described: dict[str, Any] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}},
    }
    if gzip:
        described["description"] = "May be sent with `Content-Encoding: gzip` (the station always does)."
    return {"requestBody": described}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_schemas)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
