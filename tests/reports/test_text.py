"""The rich report for people (reports/text.py), on a fixed-width console without colour."""

from __future__ import annotations

import dataclasses
import io

import pytest
from result_builders import console_text, make_console, outcome
from rich.console import Console
from syrupy.assertion import SnapshotAssertion

from ringlitmus import ir, outcomes
from ringlitmus.encode.solver import Verdict
from ringlitmus.errors import LitmusSyntaxError, Span, UsageError
from ringlitmus.outcomes import VariantResult
from ringlitmus.reports import FileReport
from ringlitmus.reports.text import (
    render_error,
    render_internal_error,
    render_result,
    render_summary,
    source_excerpt,
    summary_text,
)


def test_seed_table(console: Console, seed_report: FileReport, snapshot: SnapshotAssertion) -> None:
    render_result(console, seed_report)
    text = console_text(console)
    assert text == snapshot
    assert "reachable ✓" in text
    assert "unreachable ✓" in text


@pytest.mark.parametrize("width", [80, 200])
def test_model_all_table_fits_the_width_without_cutting_a_name(
    all_models_report: FileReport, width: int, snapshot: SnapshotAssertion
) -> None:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    render_result(console, all_models_report)
    text = console_text(console)
    table = text.split("\n✓ ")[0]
    assert table == snapshot
    assert "…" not in table
    assert all(len(line) <= width for line in table.splitlines()[1:])
    for name in ("forbidden lost_page", "release_only", "armv8", "tso", "lkmm", "unreachable ✓"):
        assert name in table


def test_a_wide_variant_table_becomes_a_list_at_80_columns(seed_report: FileReport) -> None:
    variants = tuple(
        dataclasses.replace(variant, variant=f"{variant.variant}_with_a_long_name_{index}")
        for index, variant in enumerate(seed_report.result.variants * 3)  # type: ignore[union-attr]
    )
    result = dataclasses.replace(seed_report.result, variants=variants)
    console = Console(file=io.StringIO(), width=80, color_system=None, highlight=False)
    render_result(console, FileReport(seed_report.file, result=result))
    table = console_text(console).split("\n✓ ")[0]
    assert "…" not in table
    assert all(len(line) <= 80 for line in table.splitlines()[1:])
    assert "before_with_a_long_name_0" in table and "after_with_a_long_name_5" in table


def test_reachable_forbidden_outcome_shows_its_witness(
    console: Console, seed_report: FileReport
) -> None:
    render_result(console, seed_report)
    text = console_text(console)
    assert "lost_page [before]: forbidden outcome reachable, as expected" in text
    assert "final state: CPU1.harvested=2 CPU1.slot=0 gfn2.flags=0 gfn2.slot=1" in text
    assert "rf: CPU0:W gfn2.flags=2 -rf-> CPU1:R gfn2.flags=2" in text
    assert "co: gfn2.flags: init:0 -co-> CPU2:1 -co-> CPU0:2 -co-> CPU1:0" in text
    assert "lost_page [after]" not in text
    assert text.rstrip().endswith("2 results, 2 as expected, 0 failed, 0 unknown")


def test_failures_unknowns_and_states(
    console: Console, mixed_report: FileReport, snapshot: SnapshotAssertion
) -> None:
    render_result(console, mixed_report, show_states=True)
    text = console_text(console)
    assert text == snapshot
    assert "reachable ✗" in text
    assert "unknown ?" in text
    assert "holds ✓" in text and "violated ✗" in text
    assert "? lost_page [after]: unknown: solver gave up (timeout)" in text
    assert "✗ lost_page [before]: forbidden outcome reachable, expected unreachable" in text
    assert "(stopped after 1 state: there may be more)" in text
    assert text.rstrip().splitlines()[-1].startswith("FAILED litmus/mixed.litmus")


def test_summary_counts_files_outcomes_and_errors(
    seed_report: FileReport, mixed_report: FileReport
) -> None:
    console = make_console()
    reports = [seed_report, mixed_report, FileReport("bad.litmus", error=UsageError("x"))]
    render_summary(console, reports, 2.375)
    assert console_text(console) == (
        "3 files, 6 outcomes, 3 ok, 2 failed, 1 unknown, 1 error in 2.4 s\n"
    )
    assert summary_text([seed_report], 0) == (
        "1 file, 2 outcomes, 2 ok, 0 failed, 0 unknown, 0 errors in 0.0 s"
    )


def test_error_has_location_source_caret_and_expected(
    console: Console, snapshot: SnapshotAssertion
) -> None:
    error = LitmusSyntaxError(
        "unexpected ';', expected ',' or ']'",
        Span("bad.litmus", 6, 13),
        expected=("','", "']'"),
        source_line=" LDR X0,[X1 ;",
    )
    render_error(console, error, "bad.litmus")
    text = console_text(console)
    assert text == snapshot
    lines = text.splitlines()
    assert lines[0] == "bad.litmus:6:13: error: unexpected ';', expected ',' or ']'"
    assert lines[1].endswith(" LDR X0,[X1 ;")
    caret = lines[2].index("^")
    assert lines[1][caret] == ";"
    assert lines[3] == "expected one of: ',', ']'"
    assert "Traceback" not in text


def test_error_without_span_names_the_file(console: Console) -> None:
    render_error(console, UsageError("cannot read 'gone.litmus': No such file"), "gone.litmus")
    assert console_text(console) == "gone.litmus: error: cannot read 'gone.litmus': No such file\n"


def test_error_text_is_not_markup(console: Console) -> None:
    error = LitmusSyntaxError("bad [bold]X1[/bold]", Span("f", 1, 1), source_line="[x]=1")
    render_error(console, error, "f")
    assert "bad [bold]X1[/bold]" in console_text(console)
    assert "[x]=1" in console_text(console)


def test_caret_follows_tabs_and_underlines_the_span() -> None:
    source, caret = (line.plain for line in source_excerpt("\tr0 = load x", 3, 7, 4))
    assert source.index("load") == caret.index("^")
    assert caret.endswith("^~~~")


def test_caret_stays_on_the_line_when_the_column_is_past_its_end() -> None:
    source, caret = (line.plain for line in source_excerpt("abc", 1, 4))
    assert caret.index("^") == source.index("abc") + 3


def test_internal_error_is_one_line_without_debug(console: Console) -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        render_internal_error(console, error, debug=False)
    text = console_text(console)
    assert len(text.splitlines()) == 1
    assert "internal error: ValueError: boom" in text
    assert "Traceback" not in text


def test_internal_error_shows_traceback_with_debug(console: Console) -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        render_internal_error(console, error, debug=True)
    assert "Traceback" in console_text(console)


def test_a_variant_without_executions_is_an_error_not_a_pass(
    console: Console, snapshot: SnapshotAssertion
) -> None:
    reason = "no execution exists: the program and its filter admit no execution the model allows"
    empty = outcome(Verdict.UNKNOWN, ir.Reachability.UNREACHABLE, None, reason=reason)
    result = outcomes.TestResult(
        file="MP+filter-none.litmus",
        test="MP+filter-none",
        format="aarch64",
        variants=(VariantResult("default", 0.1, (empty,), no_execution=True),),
    )
    render_result(console, FileReport(result.file, result=result))
    text = console_text(console)
    assert text == snapshot
    assert "no execution ✗" in text and "unreachable" not in text
    assert f"✗ lost_page: {reason}" in text
    assert text.rstrip().splitlines()[-1].startswith("ERROR MP+filter-none.litmus")


def test_control_bytes_in_echoed_source_are_escaped(console: Console) -> None:
    error = LitmusSyntaxError(
        "unexpected character '\x1b'", Span("t.litmus", 1, 5), source_line="x = \x1b[31m1\x07\n"
    )
    render_error(console, error, "t.litmus")
    text = console_text(console)
    assert "\x1b" not in text and "\x07" not in text
    assert "x = \\x1b[31m1\\x07" in text
    assert "unexpected character '\\x1b'" in text
    source, caret = source_excerpt("\tx = \x1b[31m1", 1, 6)
    assert caret.plain.index("^") == source.plain.index("\\x1b")
