"""Show a diff of outcomes: a rich table for people, a JSON document for programs.

The JSON shape (keys only ever added):

    {"ringlitmus": VERSION, "model": "armv8", "old": NAME, "new": NAME,
     "variants": null | [BEFORE, AFTER],
     "summary": {"unchanged", "newly_reachable", "newly_unreachable", "added", "removed",
                 "unknown", "witness_changed", "opens_forbidden", "claims_weakened",
                 "claims_strengthened", "claims_added", "weakened_claims_accepted"},
     "changes": [{"file", "test", "variant", "outcome", "kind", "claim", "change",
                  "opens_forbidden", "claim_weakened", "witness_changed",
                  "old": null | {"status", "witness", "execution", "reason"}, "new": ...}],
     "claims": [{"file", "aspect", "change", "outcome", "variants", "models", "old", "new",
                 "herd"}],
     "errors": [{"message", "file", "line", "column"}]}

`change` is one of `unchanged`, `newly reachable`, `newly unreachable`, `added`, `removed`,
`unknown`; `variant` is null when two variants of one file are compared. `kind` and `claim`
are the old side's. A claim's `change` is `weakened`, `strengthened` or `added`; `models` is
null for every model, else the models named (`*`: those no `under` clause names); `herd`
true when `old` and `new` are a herd file's words (`~exists`, `Forbidden`...).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ringlitmus import ir
from ringlitmus.reports import FileReport, verdict_value
from ringlitmus.reports.claims import OTHER_MODELS, ClaimAspect, ClaimChange, ClaimDirection
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


def render_diff(console: Console, diff: Diff, accept_weakened_claims: bool = False) -> None:
    """The table of every outcome, the witnesses of what opened, every claim change, and a
    count line."""
    if diff.changes:
        console.print(diff_table(diff))
    for change in diff.changes:
        if change.opens_forbidden and change.new is not None and change.new.witness is not None:
            line = Text("✗ ", style="bold red")
            how = (
                "newly reachable" if change.change is Change.NEWLY_REACHABLE else "added, reachable"
            )
            line.append(f"{_where(change)}: {_claimed(change)} {how}")
            console.print(line, soft_wrap=True)
            console.print(Text("    final state: " + format_state(change.new.witness)))
    for line in claim_lines(diff, accept_weakened_claims):
        console.print(line, soft_wrap=True)
    console.print(Text(diff_summary(diff, accept_weakened_claims)), soft_wrap=True)


def _claimed(change: OutcomeChange) -> str:
    if change.kind is not ir.OutcomeKind.ALLOWED:
        return f"{change.kind.value} outcome"
    return "allowed outcome expected unreachable,"


_CLAIM_MARKS = {
    ClaimDirection.WEAKENED: ("✗", "bold red"),
    ClaimDirection.STRENGTHENED: ("✓", "green"),
    ClaimDirection.ADDED: ("+", "cyan"),
}


def claim_lines(diff: Diff, accept_weakened_claims: bool = False) -> list[Text]:
    """`claim weakened: FILE: WHAT`, one line per claim change, weakened ones first."""
    order = list(ClaimDirection)
    lines = []
    for claim in sorted(diff.claims, key=lambda claim: order.index(claim.direction)):
        mark, style = _CLAIM_MARKS[claim.direction]
        words = f"claim {claim.direction.value}"
        if claim.weakened and accept_weakened_claims:
            words += " (accepted)"
        line = Text(f"{mark} {words}: ", style=style)
        line.append(f"{claim.file}: {claim_words(claim)}")
        lines.append(line)
    return lines


def claim_words(claim: ClaimChange) -> str:
    """What changed, as the file would say it: `stale: forbidden → allowed`."""
    old, new = claim.old or "none", claim.new or "none"
    if claim.aspect is ClaimAspect.FILE:
        return f"file {claim.old or claim.new}"
    if claim.aspect is ClaimAspect.VARIANT:
        return f"variant {claim.variants[0]} {'added' if claim.old is None else 'removed'}"
    if claim.aspect is ClaimAspect.CONDITION:
        return f"{claim.outcome}: condition changed"
    if claim.aspect is ClaimAspect.FILTER:
        return "filter changed"
    if claim.aspect is ClaimAspect.OUTCOME:
        if claim.new is None:
            return f"outcome {claim.outcome} removed (was {old})"
        if claim.old is None:
            return f"outcome {claim.outcome} added ({new})"
        return f"{claim.outcome}: {old} → {new}"
    if claim.herd:  # one variant, one outcome, no `under`: the Expected= line itself
        return f"Expected={claim.old or '(none)'} → Expected={claim.new or '(none)'}"
    variants = ", ".join(claim.variants) if claim.variants != ("default",) else ""
    models = ", ".join("other models" if m == OTHER_MODELS else m for m in claim.models)
    where = f"expect{' ' if variants else ''}{variants}{' under ' + models if models else ''}"
    return f"{where}: {claim.outcome} {old} → {new}"


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
        if diff.claim_weakened(change):
            words += ", claim weakened"
        cells.append(Text(words, style=_STYLES[change.change]))
        table.add_row(*cells)
    return table


def _status(outcome: OutcomeResult | None) -> str:
    return "—" if outcome is None else status_words(outcome)


def _where(change: OutcomeChange) -> str:
    variant = f" [{change.variant}]" if change.variant not in (None, "default") else ""
    return f"{change.file}: {change.outcome}{variant}"


def diff_summary(diff: Diff, accept_weakened_claims: bool = False) -> str:
    """`3 unchanged, 1 newly reachable, ... ; 1 witness changed; claims: 1 weakened, ...`, and
    a warning for a forbidden outcome that opened and for weakened claims."""
    counts = ", ".join(f"{diff.count(change)} {change.value}" for change in Change)
    witnesses = diff.witnesses_changed
    text = f"{counts}; {witnesses} witness{'es' if witnesses != 1 else ''} changed"
    if diff.variants is None:
        claims = ", ".join(f"{diff.claims_changed(d)} {d.value}" for d in ClaimDirection)
        text += f"; claims: {claims}"
    opened = [change for change in diff.changes if change.opens_forbidden]
    if opened:
        allowed = all(change.kind is ir.OutcomeKind.ALLOWED for change in opened)
        what = "an outcome expected unreachable" if allowed else "a forbidden outcome"
        text += f"; {what} became reachable"
    if diff.claims_changed(ClaimDirection.WEAKENED):
        if accept_weakened_claims:
            text += "; weakened claims accepted"
        else:
            text += "; a claim was weakened (--accept-weakened-claims accepts it)"
    return text


def build_diff_document(
    diff: Diff,
    errors: Iterable[FileReport],
    version: str,
    model: str | list[str],
    accept_weakened_claims: bool = False,
) -> dict[str, Any]:
    """The JSON document as Python data."""
    summary: dict[str, Any] = {change.name.lower(): diff.count(change) for change in Change}
    summary["witness_changed"] = diff.witnesses_changed
    summary["opens_forbidden"] = diff.opens_forbidden
    for direction in ClaimDirection:
        summary[f"claims_{direction.value}"] = diff.claims_changed(direction)
    summary["weakened_claims_accepted"] = accept_weakened_claims
    return {
        "ringlitmus": version,
        "model": model,
        "old": diff.old,
        "new": diff.new,
        "variants": list(diff.variants) if diff.variants is not None else None,
        "summary": summary,
        "changes": [_change_entry(diff, change) for change in diff.changes],
        "claims": [_claim_entry(claim) for claim in diff.claims],
        "errors": [_error(report) for report in errors],
    }


def _error(report: FileReport) -> dict[str, Any]:
    """Why a file is left out: its error, or the timeout that stopped it before its outcomes."""
    if report.error is None and report.unknown is not None:
        return {"message": report.unknown, "file": report.file, "line": None, "column": None}
    return error_entry(report.error, report.file)


def render_diff_json(
    diff: Diff,
    errors: Iterable[FileReport],
    version: str,
    model: str | list[str],
    accept_weakened_claims: bool = False,
) -> str:
    """The JSON document as text (two-space indent, trailing newline)."""
    document = build_diff_document(diff, errors, version, model, accept_weakened_claims)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _claim_entry(claim: ClaimChange) -> dict[str, Any]:
    return {
        "file": claim.file,
        "aspect": claim.aspect.value,
        "change": claim.direction.value,
        "outcome": claim.outcome,
        "variants": list(claim.variants),
        "models": ["*" if m == OTHER_MODELS else m for m in claim.models] or None,
        "old": claim.old,
        "new": claim.new,
        "herd": claim.herd,
    }


def _change_entry(diff: Diff, change: OutcomeChange) -> dict[str, Any]:
    return {
        "file": change.file,
        "test": change.test,
        "variant": change.variant,
        "outcome": change.outcome,
        "kind": change.kind.value,
        "claim": change.claim.value if change.claim is not None else None,
        "change": change.change.value,
        "opens_forbidden": change.opens_forbidden,
        "claim_weakened": diff.claim_weakened(change),
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
