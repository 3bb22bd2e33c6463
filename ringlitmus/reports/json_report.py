"""Summarise runs for programs: the `--json` document.

The shape is a contract (issue 3, extended by issue 7); later issues add keys, none is renamed:

    {"ringlitmus": VERSION, "model": "armv8" | ["armv8", "tso", ...] (--model all, or no
     --model and files of several architectures), "results": [
      {"file", "test", "format", "error": null | {"message", "file", "line", "column"},
       "variants": [{"variant", "model", "time_s",
                     "outcomes": [{"name", "kind", "status", "expected", "ok", "witness",
                                   "execution", "reason"}], "states", "states_complete",
                     "flags", "unknown_flags",
                     "herd" (herd files only): {"verdict", "observation", "validation"}}]}]}

A file that could not be read or parsed has `test` and `format` null and no variants. A file
whose `--timeout` ran out before its outcomes were known (while parsing) has those, `error`
null and `"unknown": REASON`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ringlitmus import ir
from ringlitmus.errors import LitmusError, Span
from ringlitmus.models import ALL_MODELS, FILE_MODEL, MODELS
from ringlitmus.reports import FileReport, verdict_value
from ringlitmus.reports.herd import judge_outcome

# Formats whose results carry herd's answers (TestResult.format is the Format's value).
HERD_FORMATS = frozenset(test_format.value for test_format in ir.Format if test_format.is_herd)

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult, TestResult, VariantResult


def build_document(reports: Iterable[FileReport], version: str, model: str) -> dict[str, Any]:
    """The JSON document as Python data. Under `--model all`, `model` is the list of models
    that judged some file, and each variant result says its own; without `--model` (each
    file under its architecture's model) it is that model, or the list when files differ."""
    entries = list(reports)
    return {
        "ringlitmus": version,
        "model": models_named(entries, model),
        "results": [file_entry(report) for report in entries],
    }


def models_named(reports: Iterable[FileReport], model: str) -> str | list[str]:
    """What a document's `model` says: `model`, or for `all` and the file's own model the
    models that judged some file (one name alone when the file's own model was one)."""
    if model not in (ALL_MODELS, FILE_MODEL):
        return model
    judged = {
        variant.model
        for report in reports
        if report.result is not None
        for variant in report.result.variants
    }
    named = [name for name in MODELS if name in judged]
    return named[0] if model == FILE_MODEL and len(named) == 1 else named


def render_json(reports: Iterable[FileReport], version: str, model: str) -> str:
    """The JSON document as text (UTF-8, two-space indent, trailing newline)."""
    document = build_document(reports, version, model)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def file_entry(report: FileReport) -> dict[str, Any]:
    """One element of `results`."""
    result = report.result
    if result is None and report.unknown is not None and report.error is None:
        # Its time ran out before its outcomes were known: nothing is wrong with the file.
        return {
            "file": report.file,
            "test": None,
            "format": None,
            "error": None,
            "variants": [],
            "unknown": report.unknown,
        }
    if result is None:
        return {
            "file": report.file,
            "test": None,
            "format": None,
            "error": error_entry(report.error, report.file),
            "variants": [],
        }
    return {
        "file": result.file,
        "test": result.test,
        "format": result.format,
        "error": _result_error(result, report),
        "variants": [variant_entry(result, variant) for variant in result.variants],
    }


def _result_error(result: TestResult, report: FileReport) -> dict[str, Any] | None:
    if report.error is not None:
        return error_entry(report.error, report.file)
    if result.error is not None:
        return {
            "message": result.error,
            "file": result.file,
            "line": None,
            "column": None,
            "included_from": [],
        }
    return None


def error_entry(error: LitmusError | None, file: str) -> dict[str, Any]:
    """`{"message", "file", "line", "column", "included_from"}`; line and column are null
    without a span; `included_from` lists the includes that led to the file, innermost first."""
    if error is None:
        return {
            "message": "no result",
            "file": file,
            "line": None,
            "column": None,
            "included_from": [],
        }
    span = error.span
    return {
        "message": error.message,
        "file": span.file if span else file,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "included_from": [span_entry(include) for include in error.included_from],
    }


def span_entry(span: Span) -> dict[str, Any]:
    """`{"file", "line", "column"}` of one place in a file."""
    return {"file": span.file, "line": span.line, "column": span.column}


def variant_entry(result: TestResult, variant: VariantResult) -> dict[str, Any]:
    """One element of `variants`, with herd's answers for herd's AArch64 and X86 files."""
    entry: dict[str, Any] = {
        "variant": variant.variant,
        "model": variant.model,
        "time_s": variant.time_s,
        "outcomes": [outcome_entry(outcome) for outcome in variant.outcomes],
        "states": [dict(state) for state in variant.states] if variant.states is not None else None,
        # False when the enumeration stopped at its limit or the solver gave up: `states` is
        # then what was found, not every reachable state.
        "states_complete": variant.states_complete if variant.states is not None else None,
        # True when the variant admits no execution at all: its outcomes are then "unknown"
        # with the reason, and the file is an error (exit 2), never a vacuous pass.
        "no_execution": variant.no_execution,
        # The model's flags some consistent execution raises (LKMM's data-race), and those
        # the solver could not decide.
        "flags": list(variant.flags),
        "unknown_flags": list(variant.unknown_flags),
    }
    if result.format in HERD_FORMATS and variant.outcomes:
        # A herd test has one final condition, so one outcome.
        judgement = judge_outcome(variant.outcomes[0])
        entry["herd"] = {
            "verdict": judgement.verdict.value,
            "observation": judgement.observation.value,
            "validation": judgement.validation.value,
        }
    return entry


def outcome_entry(outcome: OutcomeResult) -> dict[str, Any]:
    """One element of `outcomes`."""
    return {
        "name": outcome.name,
        "kind": outcome.kind.value,
        "status": verdict_value(outcome.status),
        "expected": outcome.expected.value if outcome.expected is not None else None,
        "ok": outcome.ok,
        "witness": dict(outcome.witness) if outcome.witness is not None else None,
        "execution": (
            {key: list(value) for key, value in outcome.execution.items()}
            if outcome.execution is not None
            else None
        ),
        "reason": outcome.reason,
    }
