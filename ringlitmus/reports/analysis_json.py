"""`explain --json` and `ablate --json`: the analyses as one JSON document each.

    {"ringlitmus": VERSION, "model": "armv8", "explanations": [EXPLANATION, ...]}
    {"ringlitmus": VERSION, "model": "armv8", "ablations": [ABLATION, ...]}

Each element is its result dataclass field by field (`ringlitmus.explain.Explanation`,
`ringlitmus.ablate.Ablation`): enums become their values, spans `{"file", "line", "column"}`,
event ids stay integers (as keys of `reads` and `addresses`: strings). A file that could not
be read has `{"file", "error": {"message", "file", "line", "column"}}` instead.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from enum import Enum
from typing import Any

from ringlitmus.errors import LitmusError, Span


def plain(value: object) -> Any:
    """A result object as JSON-ready Python data."""
    if isinstance(value, Span):
        return {"file": value.file, "line": value.line, "column": value.column}
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [plain(item) for item in value]
    return value


def error_entry(file: str, error: LitmusError) -> dict[str, Any]:
    """What stands for a file that could not be analysed."""
    span = error.span
    return {
        "file": file,
        "error": {
            "message": error.message,
            "file": span.file if span else file,
            "line": span.line if span else None,
            "column": span.column if span else None,
            "included_from": [
                {"file": include.file, "line": include.line, "column": include.column}
                for include in error.included_from
            ],
        },
    }


def render_analysis_json(key: str, entries: Iterable[object], version: str, model: str) -> str:
    """The document: `key` is "explanations" or "ablations"; entries are results or error
    entries (already plain)."""
    document = {"ringlitmus": version, "model": model, key: [plain(entry) for entry in entries]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
