"""Summarise runs for people: a rich table per file, witnesses, errors with a caret.

Everything is printed through a `rich.console.Console` the caller passes in, so tests render
with a fixed-width console without colour. User text (messages, source lines, names) goes
through `rich.text.Text`, never markup: `[X1]` in a litmus file is not a style.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ringlitmus import ir
from ringlitmus.errors import LitmusError
from ringlitmus.reports import (
    REACHABLE,
    UNKNOWN,
    FileReport,
    FileStatus,
    file_status,
    is_reachable_forbidden,
    verdict_value,
)

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult, TestResult, VariantResult

BUG_REPORT_HINT = "please report it with the file and command that caused it"

_MARKS = {True: "✓", False: "✗", None: "?"}
_MARK_STYLES = {True: "green", False: "bold red", None: "yellow"}
# A REQUIRED outcome's status is whether a violation is reachable: say it in those words.
_REQUIRED_WORDS = {REACHABLE: "violated", "unreachable": "holds", UNKNOWN: "unknown"}
_TAB_SIZE = 8


# --------------------------------------------------------------------------- results


def render_result(console: Console, report: FileReport, show_states: bool = False) -> None:
    """The table, the witnesses worth reading, the states if asked, and a summary line."""
    result = report.result
    if result is None:
        if report.unknown is not None:  # stopped before its outcomes were known
            note = Text(f"? {report.file}: unknown: {report.unknown}")
            console.print(Text("\n").join([note, summary_line(report)]), soft_wrap=True)
        return
    console.print(Text(f"{result.test}  {result.file}", style="bold"), soft_wrap=True)
    console.print(result_table(result, console.width))
    lines = outcome_notes(result)
    lines.extend(flag_lines(result))
    if show_states:
        lines.extend(state_lines(result))
    lines.append(summary_line(report))
    # One print for all of them: a witness at a 16-entry ring is ~100 lines, and each print
    # is a rich render of its own (~0.1 ms).
    console.print(Text("\n").join(lines), soft_wrap=True)


def status_words(outcome: OutcomeResult) -> str:
    """`reachable`, `unreachable`, `unknown`; `holds` / `violated` for a REQUIRED outcome."""
    status = verdict_value(outcome.status)
    if outcome.kind is ir.OutcomeKind.REQUIRED:
        return _REQUIRED_WORDS.get(status, status)
    return status


def variant_label(result: TestResult, variant: VariantResult) -> str:
    """The variant's name, and its model when the result holds several (`--model all`)."""
    if _several_models(result):
        return f"{variant.variant} · {variant.model}"
    return variant.variant


def _several_models(result: TestResult) -> bool:
    return len({variant.model for variant in result.variants}) > 1


def result_table(result: TestResult, width: int | None = None) -> Table:
    """The results as a grid that fits `width` columns without cutting a name.

    One model: a row per outcome, a column per variant. Several (`--model all`): a row per
    outcome and variant, a column per model. When that grid is wider than `width`, a list
    instead: a row per outcome, variant (and model), the result in one column. ✓ meets the
    file's claim, ✗ does not.
    """
    grid = _model_grid(result) if _several_models(result) else _variant_grid(result)
    if width is None or _natural_width(grid) <= width:
        return grid
    return _result_list(result)


def _natural_width(table: Table) -> int:
    """The width `table` takes when nothing in it is wrapped or cut."""
    console = Console(width=1 << 16, color_system=None)
    return Measurement.get(console, console.options, table).maximum


def _outcome_names(result: TestResult) -> list[tuple[str, ir.OutcomeKind]]:
    names: list[tuple[str, ir.OutcomeKind]] = []
    for variant in result.variants:
        for outcome in variant.outcomes:
            if (outcome.name, outcome.kind) not in names:
                names.append((outcome.name, outcome.kind))
    return names


def _cell(variant: VariantResult, name: str) -> Text:
    """`reachable ✓`, `no execution ✗`, or `—` when the variant has no such outcome."""
    found = _find(variant, name)
    if found is None:
        return Text("—")
    if variant.no_execution:
        # Never "unreachable": nothing is reachable where no execution exists.
        cell = Text("no execution ")
        cell.append(_MARKS[False], style=_MARK_STYLES[False])
        return cell
    cell = Text(status_words(found) + " ")
    cell.append(_MARKS[found.ok], style=_MARK_STYLES[found.ok])
    return cell


def _variant_grid(result: TestResult) -> Table:
    table = Table()
    table.add_column("outcome")
    for variant in result.variants:
        table.add_column(variant_label(result, variant))
    for name, kind in _outcome_names(result):
        table.add_row(Text(f"{kind.value} {name}"), *(_cell(v, name) for v in result.variants))
    return table


def _model_grid(result: TestResult) -> Table:
    models = list(dict.fromkeys(variant.model for variant in result.variants))
    names = list(dict.fromkeys(variant.variant for variant in result.variants))
    by_key = {(variant.variant, variant.model): variant for variant in result.variants}
    table = Table()
    table.add_column("outcome")
    table.add_column("variant")
    for model in models:
        table.add_column(model)
    for name, kind in _outcome_names(result):
        for index, variant_name in enumerate(names):
            cells = [Text(f"{kind.value} {name}" if index == 0 else ""), Text(variant_name)]
            for model in models:
                variant = by_key.get((variant_name, model))
                cells.append(Text("—") if variant is None else _cell(variant, name))
            table.add_row(*cells, end_section=index == len(names) - 1)
    return table


def _result_list(result: TestResult) -> Table:
    several = _several_models(result)
    table = Table()
    for header in ("outcome", "variant", *(("model",) if several else ()), "result"):
        table.add_column(header)
    names = _outcome_names(result)
    for name, kind in names:
        rows = [variant for variant in result.variants if _find(variant, name) is not None]
        for index, variant in enumerate(rows):
            first = index == 0 or rows[index - 1].variant != variant.variant
            cells = [Text(f"{kind.value} {name}" if index == 0 else "")]
            cells.append(Text(variant.variant if first else ""))
            if several:
                cells.append(Text(variant.model))
            table.add_row(*cells, _cell(variant, name), end_section=index == len(rows) - 1)
    return table


def _find(variant: VariantResult, name: str) -> OutcomeResult | None:
    return next((outcome for outcome in variant.outcomes if outcome.name == name), None)


def outcome_notes(result: TestResult) -> list[Text]:
    """Below the table: unknowns with their reason, failed claims, reachable forbidden outcomes
    with their witness (final state, rf and co)."""
    lines: list[Text] = []
    several = len(result.variants) > 1 or any(v.variant != "default" for v in result.variants)
    for variant in result.variants:
        for outcome in variant.outcomes:
            label = variant_label(result, variant)
            where = f"{outcome.name} [{label}]" if several else outcome.name
            status = verdict_value(outcome.status)
            if variant.no_execution:
                line = Text(_MARKS[False] + " ", style=_MARK_STYLES[False])
                line.append(f"{where}: {outcome.reason}")
                lines.append(line)
                continue
            if status == UNKNOWN:
                line = Text("? ", style=_MARK_STYLES[None])
                line.append(f"{where}: unknown: {outcome.reason or 'the solver gave no reason'}")
                lines.append(line)
                continue
            if outcome.ok is not False and not is_reachable_forbidden(outcome):
                continue
            line = Text(_MARKS[outcome.ok] + " ", style=_MARK_STYLES[outcome.ok])
            line.append(f"{where}: {describe_claim(outcome)}")
            lines.append(line)
            lines.extend(witness_lines(outcome))
    return lines


def flag_lines(result: TestResult) -> list[Text]:
    """Below the table: the model's flags some execution raises (LKMM's `data-race`), which
    warn without changing a verdict, and those the solver could not decide."""
    lines: list[Text] = []
    for variant in result.variants:
        label = variant_label(result, variant)
        for flag in variant.flags:
            line = Text("! ", style="bold yellow")
            line.append(f"flag {flag} [{label}]: some execution raises it")
            lines.append(line)
        for flag in variant.unknown_flags:
            line = Text("? ", style=_MARK_STYLES[None])
            line.append(f"flag {flag} [{label}]: the solver could not decide it")
            lines.append(line)
    return lines


def describe_claim(outcome: OutcomeResult) -> str:
    """`forbidden outcome reachable, expected unreachable`: the result against the claim."""
    words = f"{outcome.kind.value} outcome {status_words(outcome)}"
    if outcome.expected is not None:
        return (
            f"{words}, as expected" if outcome.ok else f"{words}, expected {outcome.expected.value}"
        )
    if outcome.ok is False:
        return f"{words}: the file states no expectation, so this fails"
    return words


def witness_lines(outcome: OutcomeResult) -> list[Text]:
    """The witness of a reached outcome: final state, then the rf and co choices."""
    if outcome.witness is None:
        if verdict_value(outcome.status) == REACHABLE:
            return [Text("    (no witness recorded)")]
        return [Text("    no execution reaches it (proved)")]
    lines = [Text("    final state: " + format_state(outcome.witness))]
    execution = outcome.execution or {}
    for relation in ("rf", "co"):
        edges = execution.get(relation, [])
        for index, edge in enumerate(edges):
            label = f"{relation}:" if index == 0 else ""
            lines.append(Text(f"    {label:<4}{edge}"))
    return lines


def format_state(state: dict[str, int]) -> str:
    """`CPU1.harvested=2 CPU1.slot=0 gfn2.flags=0`."""
    return " ".join(f"{name}={value}" for name, value in state.items())


def state_lines(result: TestResult) -> list[Text]:
    """Every reachable final state of each variant (`--states`)."""
    lines: list[Text] = []
    for variant in result.variants:
        if variant.states is None:
            continue
        count = len(variant.states)
        label = variant_label(result, variant)
        lines.append(Text(f"reachable final states of {label} ({count}):"))
        lines.extend(Text("    " + format_state(state)) for state in variant.states)
        if not variant.states_complete:
            plural = "s" if count != 1 else ""
            lines.append(Text(f"    (stopped after {count} state{plural}: there may be more)"))
    return lines


def summary_line(report: FileReport) -> Text:
    """`PASSED seed.litmus: 2 results, 2 as expected, 0 failed, 0 unknown`."""
    status = file_status(report)
    line = Text(status.value.upper(), style=_STATUS_STYLES[status])
    if report.result is None:
        line.append(f" {report.file}")
        if report.unknown is not None:
            line.append(f": {report.unknown}")
        return line
    outcomes = [o for variant in report.result.variants for o in variant.outcomes]
    passed = sum(1 for outcome in outcomes if outcome.ok is True)
    failed = sum(1 for outcome in outcomes if outcome.ok is False)
    unknown = len(outcomes) - passed - failed
    line.append(
        f" {report.file}: {len(outcomes)} result{'s' if len(outcomes) != 1 else ''}, "
        f"{passed} as expected, {failed} failed, {unknown} unknown"
    )
    return line


_STATUS_STYLES = {
    FileStatus.PASSED: "bold green",
    FileStatus.UNKNOWN: "bold yellow",
    FileStatus.FAILED: "bold red",
    FileStatus.ERROR: "bold red",
}


def render_summary(console: Console, reports: Sequence[FileReport], seconds: float) -> None:
    """The line a batch ends with (`summary_text`)."""
    console.print(Text(summary_text(reports, seconds)), soft_wrap=True)


def summary_text(reports: Sequence[FileReport], seconds: float) -> str:
    """`3 files, 5 outcomes, 3 ok, 1 failed, 1 unknown, 1 error in 2.4 s`: outcomes count
    every outcome of every variant, and a file whose time ran out before its outcomes were
    known counts as one unknown outcome; an error is a file that could not be read or
    checked."""
    outcomes = [
        outcome
        for report in reports
        if report.result is not None
        for variant in report.result.variants
        for outcome in variant.outcomes
    ]
    ok = sum(1 for outcome in outcomes if outcome.ok is True)
    failed = sum(1 for outcome in outcomes if outcome.ok is False)
    errors = sum(1 for report in reports if file_status(report) is FileStatus.ERROR)
    stopped = sum(1 for report in reports if report.result is None and report.unknown)
    total = len(outcomes) + stopped
    return (
        f"{_count(len(reports), 'file')}, {_count(total, 'outcome')}, {ok} ok, "
        f"{failed} failed, {total - ok - failed} unknown, {_count(errors, 'error')} "
        f"in {seconds:.1f} s"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --------------------------------------------------------------------------- errors


def render_error(console: Console, error: LitmusError, file: str) -> None:
    """`file:line:col: error: message`, after the includes that led to the file, the source
    line, a caret under the column, and what the parser expected."""
    for line in included_from_lines(error):
        console.print(Text(line), soft_wrap=True)
    where = str(error.span) if error.span is not None else file
    header = Text(f"{where}: ")
    header.append("error:", style="bold red")
    header.append(f" {escape_controls(error.message)}")
    console.print(header, soft_wrap=True)
    if error.span is not None and error.source_line is not None:
        for line in source_excerpt(
            error.source_line, error.span.line, error.span.column, _underline_length(error)
        ):
            console.print(line, soft_wrap=True)
    if error.expected:
        console.print(Text("expected one of: " + ", ".join(error.expected)), soft_wrap=True)


def included_from_lines(error: LitmusError) -> list[str]:
    """`in file included from seed.litmus:1:1:`, one line per include, innermost first."""
    return [f"in file included from {span}:" for span in error.included_from]


def _underline_length(error: LitmusError) -> int:
    span = error.span
    if span is None or span.end_column is None or span.end_line not in (None, span.line):
        return 1
    return max(1, span.end_column - span.column)


def source_excerpt(source_line: str, line: int, column: int, length: int = 1) -> list[Text]:
    """The source line with its number, and a caret (`^~~~`) under columns column..+length."""
    gutter = f"{line:>5} | "
    prefix = source_line[: max(column - 1, 0)]
    # Expand tabs and escape control bytes in the prefix and the line alike, so the caret
    # lands under its character and a stray ESC in a file never drives the terminal.
    expanded = escape_controls(source_line.rstrip("\r\n").expandtabs(_TAB_SIZE))
    caret_at = len(escape_controls(prefix.expandtabs(_TAB_SIZE)))
    length = max(1, min(length, len(expanded) - caret_at))
    source = Text(gutter)
    source.append(expanded)
    caret = Text(" " * (len(gutter) - 2) + "| " + " " * caret_at)
    caret.append("^" + "~" * (length - 1), style="bold red")
    return [source, caret]


def escape_controls(text: str) -> str:
    """`text` with each control character (C0, DEL, C1) as `\\xNN`: printable, one per byte."""
    return _CONTROLS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def render_internal_error(console: Console, exception: BaseException, debug: bool) -> None:
    """Our bug, not the user's: one line asking for a report; the traceback with `--debug`."""
    if debug:
        console.print(Text("".join(traceback.format_exception(exception)).rstrip()), soft_wrap=True)
    message = Text("ringlitmus: internal error: ", style="bold red")
    message.append(
        f"{type(exception).__name__}: {exception}. This is a bug in ringlitmus; {BUG_REPORT_HINT}"
    )
    if not debug:
        message.append(" (run again with --debug for the traceback)")
    console.print(message, soft_wrap=True)
