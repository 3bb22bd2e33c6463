"""Show a diff of outcomes: a rich table for people, a JSON document for programs.

The JSON shape (keys only ever added):

    {"ringlitmus": VERSION, "model": "armv8", "old": NAME, "new": NAME,
     "variants": null | [BEFORE, AFTER],
     "summary": {"unchanged", "newly_reachable", "newly_unreachable", "added", "removed",
                 "unknown", "witness_changed", "opens_forbidden"},
     "changes": [{"file", "test", "variant", "outcome", "kind", "change",
                  "opens_forbidden", "witness_changed",
                  "old": null | {"status", "witness", "execution", "reason"}, "new": ...}],
     "errors": [{"message", "file", "line", "column"}]}

`change` is one of `unchanged`, `newly reachable`, `newly unreachable`, `added`, `removed`,
`unknown`; `variant` is null when two variants of one file are compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ringlitmus.reports import FileReport, verdict_value
from ringlitmus.reports.diff import Change, Diff, OutcomeChange
from ringlitmus.reports.json_report import error_entry
from ringlitmus.reports.text import format_state, status_words

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult

_STYLES = {
    Change.UNCHANGED: "dim",
    Change.NEWLY_REACHABLE: "bold red",
    Change.NEWLY_UNREACHABLE: "green",
    Change.ADDED: "cyan",
    Change.REMOVED: "magenta",
    Change.UNKNOWN: "yellow",
}


def render_diff(console: Console, diff: Diff) -> None:
    """The table of every outcome, the witnesses of what opened, and a count line."""
    if diff.changes:
        console.print(diff_table(diff))
    for change in diff.changes:
        if change.opens_forbidden and change.new is not None and change.new.witness is not None:
            line = Text("✗ ", style="bold red")
            line.append(f"{_where(change)}: {change.kind.value} outcome newly reachable")
            console.print(line, soft_wrap=True)
            console.print(Text("    final state: " + format_state(change.new.witness)))
    console.print(Text(diff_summary(diff)), soft_wrap=True)


def diff_table(diff: Diff) -> Table:
    """One row per outcome: file, variant, outcome, old status, new status, change. The file
    and variant columns are left out when every row has the same one (the title names it)."""
    files = list(dict.fromkeys(change.file for change in diff.changes))
    variants = {change.variant for change in diff.changes} - {None, "default"}
    title = f"{diff.old} → {diff.new}"
    if diff.variants is not None:
        title = f"variants {title}"
    if len(files) == 1:
        title = f"{files[0]}: {title}"
    table = Table(title=Text(title))
    if len(files) > 1:
        table.add_column("file", overflow="fold")
    if variants:
        table.add_column("variant")
    for heading in ("outcome", "old", "new", "change"):
        table.add_column(heading)
    for change in diff.changes:
        cells = [Text(change.file)] if len(files) > 1 else []
        if variants:
            cells.append(Text(change.variant or ""))
        cells.append(Text(f"{change.kind.value} {change.outcome}"))
        cells.append(Text(_status(change.old)))
        cells.append(Text(_status(change.new)))
        words = change.change.value + (", witness changed" if change.witness_changed else "")
        cells.append(Text(words, style=_STYLES[change.change]))
        table.add_row(*cells)
    return table


def _status(outcome: OutcomeResult | None) -> str:
    return "—" if outcome is None else status_words(outcome)


def _where(change: OutcomeChange) -> str:
    variant = f" [{change.variant}]" if change.variant not in (None, "default") else ""
    return f"{change.file}: {change.outcome}{variant}"


def diff_summary(diff: Diff) -> str:
    """`3 unchanged, 1 newly reachable, ... ; 1 witness changed`, and a forbidden warning."""
    counts = ", ".join(f"{diff.count(change)} {change.value}" for change in Change)
    witnesses = diff.witnesses_changed
    text = f"{counts}; {witnesses} witness{'es' if witnesses != 1 else ''} changed"
    if diff.opens_forbidden:
        text += "; a forbidden outcome became reachable"
    return text


def build_diff_document(
    diff: Diff, errors: Iterable[FileReport], version: str, model: str
) -> dict[str, Any]:
    """The JSON document as Python data."""
    summary: dict[str, Any] = {change.name.lower(): diff.count(change) for change in Change}
    summary["witness_changed"] = diff.witnesses_changed
    summary["opens_forbidden"] = diff.opens_forbidden
    return {
        "ringlitmus": version,
        "model": model,
        "old": diff.old,
        "new": diff.new,
        "variants": list(diff.variants) if diff.variants is not None else None,
        "summary": summary,
        "changes": [_change_entry(change) for change in diff.changes],
        "errors": [_error(report) for report in errors],
    }


def _error(report: FileReport) -> dict[str, Any]:
    """Why a file is left out: its error, or the timeout that stopped it before its outcomes."""
    if report.error is None and report.unknown is not None:
        return {"message": report.unknown, "file": report.file, "line": None, "column": None}
    return error_entry(report.error, report.file)


def render_diff_json(diff: Diff, errors: Iterable[FileReport], version: str, model: str) -> str:
    """The JSON document as text (two-space indent, trailing newline)."""
    document = build_diff_document(diff, errors, version, model)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _change_entry(change: OutcomeChange) -> dict[str, Any]:
    return {
        "file": change.file,
        "test": change.test,
        "variant": change.variant,
        "outcome": change.outcome,
        "kind": change.kind.value,
        "change": change.change.value,
        "opens_forbidden": change.opens_forbidden,
        "witness_changed": change.witness_changed,
        "old": _side(change.old),
        "new": _side(change.new),
    }


def _side(outcome: OutcomeResult | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "status": verdict_value(outcome.status),
        "witness": dict(outcome.witness) if outcome.witness is not None else None,
        "execution": (
            {key: list(value) for key, value in outcome.execution.items()}
            if outcome.execution is not None
            else None
        ),
        "reason": outcome.reason,
    }
