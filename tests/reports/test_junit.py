"""The JUnit XML report (reports/junit.py): what CI pages read, checked with a JUnit parser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree

from junitparser import Error, Failure, JUnitXml, Skipped
from rich.console import Console
from syrupy.assertion import SnapshotAssertion

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, Span, UsageError
from ringlitmus.reports import FileReport
from ringlitmus.reports.junit import render_junit
from ringlitmus.reports.progress import ProgressBar

BAD = FileReport(
    "litmus/bad.litmus",
    error=LitmusSyntaxError(
        "unexpected ';'",
        Span("litmus/bad.litmus", 6, 13),
        expected=("','", "']'"),
        source_line="  x = [1, 2;",
    ),
)


def parse(text: str) -> JUnitXml:
    return JUnitXml.fromstring(text)


def test_document(
    seed_report: FileReport,
    mixed_report: FileReport,
    mp_report: FileReport,
    snapshot: SnapshotAssertion,
) -> None:
    text = render_junit([seed_report, mixed_report, mp_report, BAD], "0.1.0")
    assert text == snapshot
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')


def test_counts_one_testcase_per_file_variant_and_outcome(
    seed_report: FileReport, mixed_report: FileReport, mp_report: FileReport
) -> None:
    xml = parse(render_junit([seed_report, mixed_report, mp_report, BAD], "0.1.0"))
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (8, 2, 1, 1)
    names = [[case.name for case in suite] for suite in xml]
    assert names == [
        ["lost_page [before]", "lost_page [after]"],
        ["lost_page [before]", "slot_kept [before]", "lost_page [after]", "slot_kept [after]"],
        ["MP"],
        ["bad.litmus"],
    ]
    seed = next(iter(xml))
    assert [case.classname for case in seed] == ["litmus.kvm-dirty-ring.seed"] * 2
    assert seed.time == 0.75


def test_failure_carries_the_claim_and_the_witness(mixed_report: FileReport) -> None:
    [suite] = parse(render_junit([mixed_report], "0.1.0"))
    first = next(iter(suite))
    [failure] = first.result
    assert isinstance(failure, Failure)
    assert failure.message == "forbidden outcome reachable, expected unreachable"
    assert failure.type == "ExpectationFailed"
    assert failure.text.splitlines()[0].startswith("final state: CPU1.harvested=2")
    assert "rf: CPU0:W gfn2.flags=2 -rf-> CPU1:R gfn2.flags=2" in failure.text


def test_unknown_is_skipped_with_the_solver_reason(mixed_report: FileReport) -> None:
    [suite] = parse(render_junit([mixed_report], "0.1.0"))
    unknown = [case for case in suite if case.name == "lost_page [after]"]
    [skipped] = unknown[0].result
    assert isinstance(skipped, Skipped)
    assert skipped.message == "unknown: solver gave up (timeout)"


def test_error_carries_file_line_column_and_caret() -> None:
    [suite] = parse(render_junit([BAD], "0.1.0"))
    [case] = list(suite)
    [error] = case.result
    assert isinstance(error, Error)
    assert error.message == "litmus/bad.litmus:6:13: unexpected ';'"
    assert error.type == "LitmusSyntaxError"
    lines = error.text.splitlines()
    assert lines[0] == "litmus/bad.litmus:6:13: error: unexpected ';'"
    assert lines[2].endswith("^")
    assert lines[3] == "expected one of: ',', ']'"
    element = ElementTree.fromstring(render_junit([BAD], "0.1.0"))
    testcase = element.find("testsuite/testcase")
    assert testcase is not None
    assert (testcase.get("file"), testcase.get("line")) == ("litmus/bad.litmus", "6")


def test_error_without_position_names_the_file() -> None:
    missing = FileReport("gone.litmus", error=UsageError("cannot read 'gone.litmus'"))
    [suite] = parse(render_junit([missing], "0.1.0"))
    [error] = next(iter(suite)).result
    assert error.message == "gone.litmus: cannot read 'gone.litmus'"


def test_outcome_line_comes_from_the_parsed_test(mp_report: FileReport) -> None:
    test = mp_report.test
    assert test is not None
    outcome = test.outcomes[0]
    placed = ir.Outcome(outcome.name, outcome.kind, outcome.condition, Span("MP.litmus", 14, 1))
    report = FileReport(mp_report.file, mp_report.result, test=_with_outcome(test, placed))
    element = ElementTree.fromstring(render_junit([report], "0.1.0"))
    testcase = element.find("testsuite/testcase")
    assert testcase is not None and testcase.get("line") == "14"


def _with_outcome(test: ir.Test, outcome: ir.Outcome) -> ir.Test:
    import dataclasses

    return dataclasses.replace(test, outcomes=(outcome,))


def test_characters_xml_cannot_hold_are_replaced() -> None:
    report = FileReport(
        "odd.litmus",
        error=LitmusSyntaxError("bad byte \x01", Span("odd.litmus", 1, 1), source_line="\x00x"),
    )
    [suite] = parse(render_junit([report], "0.1.0"))
    [error] = next(iter(suite)).result
    assert error.message == "odd.litmus:1:1: bad byte \ufffd"


def test_empty_batch_is_a_valid_document() -> None:
    xml = parse(render_junit([], "0.1.0"))
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (0, 0, 0, 0)


# --------------------------------------------------------------------------- progress


def test_progress_bar_draws_on_a_terminal_only() -> None:
    shown = Console(file=io.StringIO(), force_terminal=True, width=80)
    with ProgressBar(shown, 2, enabled=True) as bar:
        bar.advance("a.litmus")
        bar.advance("b.litmus")
    assert isinstance(shown.file, io.StringIO)
    assert "2/2" in shown.file.getvalue()
    hidden = Console(file=io.StringIO(), width=80)
    with ProgressBar(hidden, 2, enabled=False) as bar:
        bar.advance("a.litmus")
    assert isinstance(hidden.file, io.StringIO)
    assert hidden.file.getvalue() == ""
