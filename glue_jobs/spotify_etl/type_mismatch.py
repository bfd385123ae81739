"""Say, in words, where a JSON document breaks a Spark schema.

Spark's JSON parser only tells that a record did not fit its schema. For the quarantine, the
reason should name the field, the expected type and what came instead, so whoever reads it knows
what to fix. This runs only on the few records already known to be bad.
"""

from __future__ import annotations

import json
from typing import Any

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    IntegerType,
    LongType,
    StringType,
    StructType,
)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _expected(data_type: DataType) -> str:
    if isinstance(data_type, StructType):
        return "object"
    if isinstance(data_type, ArrayType):
        return "array"
    if isinstance(data_type, BooleanType):
        return "boolean"
    if isinstance(data_type, IntegerType | LongType):
        return "integer"
    return data_type.simpleString()


def _show(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def first_mismatch(value: Any, data_type: DataType, path: str) -> str | None:
    """The first place where ``value`` cannot be read as ``data_type``, or None if it can."""
    if value is None or isinstance(data_type, StringType):
        return None  # any JSON value reads as a string; null fits every type
    kind = _json_kind(value)
    if isinstance(data_type, StructType):
        if kind != "object":
            return f"{path}: expected an object, got {kind} {_show(value)}"
        for field in data_type.fields:
            found = first_mismatch(value.get(field.name), field.dataType, f"{path}.{field.name}")
            if found:
                return found
        return None
    if isinstance(data_type, ArrayType):
        if kind != "array":
            return f"{path}: expected an array, got {kind} {_show(value)}"
        for index, element in enumerate(value):
            found = first_mismatch(element, data_type.elementType, f"{path}[{index}]")
            if found:
                return found
        return None
    expected = _expected(data_type)
    if expected == "integer" and kind == "integer":
        limit = 2**31 if isinstance(data_type, IntegerType) else 2**63
        return None if -limit <= value < limit else f"{path}: integer {value} is out of range"
    if expected == kind:
        return None
    return f"{path}: expected {expected}, got {kind} {_show(value)}"


def explain_mismatch(text: str | None, data_type: DataType, name: str) -> str:
    """A one-line reason why ``text`` (JSON) does not fit ``data_type``; ``name`` labels the root."""
    if text is None:
        return f"{name} is null, expected {_expected(data_type)}"
    try:
        value = json.loads(text)
    except ValueError as error:
        return f"{name} is not valid JSON ({error.args[0] if error.args else error})"
    return first_mismatch(value, data_type, name) or f"{name} does not fit its schema"
