"""Parquet (pyarrow) schemas: documents and tasks derived from the pydantic models, one definition per column; failures."""
from __future__ import annotations

import types
import typing
from datetime import date, datetime
from functools import cache

import pyarrow as pa
from pydantic import BaseModel

from schemas.models import PlanDocument, TaskRow

_SCALARS = {str: pa.string(), int: pa.int64(), bool: pa.bool_(), date: pa.date32(),
            datetime: pa.timestamp("us", tz="UTC")}


def arrow_type(annotation) -> tuple[pa.DataType, bool]:
    """Given a field annotation, return (arrow type, nullable)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return arrow_type(inner[0])[0], True
    if origin is list:
        return pa.list_(arrow_type(args[0])[0]), False
    if origin is dict:
        return pa.map_(arrow_type(args[0])[0], arrow_type(args[1])[0]), False
    if origin is typing.Literal:
        return pa.string(), False
    if annotation in _SCALARS:
        return _SCALARS[annotation], False
    raise TypeError(f"no arrow type for {annotation!r}")


def schema_for(model: type[BaseModel]) -> pa.Schema:
    """Given a pydantic model, return the pyarrow schema of its table, column for column."""
    hints = typing.get_type_hints(model, include_extras=False)
    fields = []
    for name, info in model.model_fields.items():
        dtype, nullable = arrow_type(hints[name])
        meta = {"description": info.description} if info.description else None
        fields.append(pa.field(name, dtype, nullable=nullable, metadata=meta))
    return pa.schema(fields)


@cache
def documents_schema() -> pa.Schema:
    return schema_for(PlanDocument)


@cache
def tasks_schema() -> pa.Schema:
    return schema_for(TaskRow)


@cache
def failures_schema() -> pa.Schema:
    """Return the schema of failures.parquet: one row per file the tables leave out."""
    return pa.schema([
        pa.field("source_file", pa.string(), False, {"description": "path relative to the raw folder"}),
        pa.field("error", pa.string(), False, {"description": "one line naming the file and the reason"}),
        pa.field("error_type", pa.string(), True, {"description": "Corrupt, NotAPlan, UnsupportedFormat, "
                                                   "Encrypted, Duplicate, PermissionError, …"}),
        pa.field("sha256", pa.string(), True, {"description": "the file's SHA-256 when it could be read"}),
        pa.field("size", pa.int64(), True),
        pa.field("failed_at", pa.timestamp("us", tz="UTC"), True,
                 {"description": "when this content of the file was last tried (retried when it changes)"}),
    ])
