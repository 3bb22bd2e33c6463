"""Summarise a batch for CI pages: JUnit XML, one testcase per file, variant and outcome.

The shape is the common subset that GitHub (test-reporter actions), GitLab (`artifacts:reports:
junit`) and Jenkins (`junit` step) read:

    <testsuites name="ringlitmus" tests= failures= errors= skipped= time=>
      <testsuite name=FILE tests= failures= errors= skipped= time=>
        <properties><property name="ringlitmus" value=VERSION/>
                    <property name="test" value=TEST/><property name="format" .../></properties>
        <testcase classname="litmus.kvm-dirty-ring.seed" name="lost_page [before]"
                  file=FILE line=N time=>
          <failure message="forbidden outcome reachable, expected unreachable"
                   type="ExpectationFailed">final state: ... rf: ... co: ...</failure>

* classname: the file's path without `.litmus`, `/` -> `.` (Jenkins shows the directories as
  packages); name: the outcome, with `[variant]` unless the file has only `default`; line: where
  the outcome is written; time: the variant's solving time shared among its outcomes.
* A result that misses the file's claim is a `failure` whose text is the witness.
* A result the solver could not decide is `skipped`, its message the solver's reason (JUnit has
  no "unknown"; skipped is neither a pass nor a failure).
* A file that could not be read or parsed is one testcase named after the file, with an `error`
  whose message starts `file:line:col:` and whose text shows the source line and a caret.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.errors import LitmusError
from ringlitmus.reports import UNKNOWN, FileReport, verdict_value
from ringlitmus.reports.text import (
    describe_claim,
    included_from_lines,
    source_excerpt,
    witness_lines,
)

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult, TestResult, VariantResult

_COUNTERS = ("tests", "failures", "errors", "skipped")
# Characters XML 1.0 cannot hold, even escaped (a litmus file may contain them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(reports: Iterable[FileReport], version: str) -> str:
    """The JUnit XML document as text, with its XML declaration and a trailing newline."""
    root = build_junit(reports, version)
    ElementTree.indent(root, space="  ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )


def build_junit(reports: Iterable[FileReport], version: str) -> ElementTree.Element:
    """The `<testsuites>` element: one `<testsuite>` per file."""
    root = ElementTree.Element("testsuites", name="ringlitmus")
    totals = dict.fromkeys(_COUNTERS, 0)
    seconds = 0.0
    for report in reports:
        suite = _suite(report, version)
        root.append(suite)
        for counter in _COUNTERS:
            totals[counter] += int(suite.get(counter, "0"))
        seconds += float(suite.get("time", "0"))
    _set_counts(root, totals, seconds)
    return root


def _suite(report: FileReport, version: str) -> ElementTree.Element:
    suite = ElementTree.Element("testsuite", name=_xml(report.file))
    classname = _classname(report.file)
    cases: list[ElementTree.Element] = []
    seconds = 0.0
    properties = [("ringlitmus", version)]
    if report.result is not None:
        properties += [("test", report.result.test), ("format", report.result.format)]
    _properties(suite, properties)
    if report.result is None and report.unknown is not None and report.error is None:
        cases.append(_unknown_case(report, classname))
    elif report.error is not None or report.result is None:
        cases.append(_error_case(report, classname))
    else:
        several = _several_variants(report.result)
        for variant in report.result.variants:
            seconds += variant.time_s
            for outcome in variant.outcomes:
                cases.append(_outcome_case(report, variant, outcome, classname, several))
    counts = {
        "tests": len(cases),
        "failures": sum(1 for case in cases if case.find("failure") is not None),
        "errors": sum(1 for case in cases if case.find("error") is not None),
        "skipped": sum(1 for case in cases if case.find("skipped") is not None),
    }
    _set_counts(suite, counts, seconds)
    suite.extend(cases)
    return suite


def _set_counts(element: ElementTree.Element, counts: dict[str, int], seconds: float) -> None:
    for counter in _COUNTERS:
        element.set(counter, str(counts[counter]))
    element.set("time", f"{seconds:.3f}")


def _properties(suite: ElementTree.Element, pairs: list[tuple[str, str]]) -> None:
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in pairs:
        ElementTree.SubElement(properties, "property", name=name, value=_xml(value))


def _several_variants(result: TestResult) -> bool:
    return len(result.variants) > 1 or any(v.variant != "default" for v in result.variants)


def _outcome_case(
    report: FileReport,
    variant: VariantResult,
    outcome: OutcomeResult,
    classname: str,
    several: bool,
) -> ElementTree.Element:
    name = f"{outcome.name} [{variant.variant}]" if several else outcome.name
    share = variant.time_s / max(1, len(variant.outcomes))
    case = ElementTree.Element("testcase", classname=classname, name=_xml(name))
    case.set("file", _xml(report.file))
    line = _outcome_line(report.test, outcome.name)
    if line is not None:
        case.set("line", str(line))
    case.set("time", f"{share:.3f}")
    if variant.no_execution:
        error = ElementTree.SubElement(
            case, "error", message=_xml(outcome.reason or "no execution"), type="NoExecution"
        )
        error.text = _xml(f"{report.file}: error: {outcome.reason}")
    elif verdict_value(outcome.status) == UNKNOWN:
        reason = outcome.reason or "the solver gave no reason"
        ElementTree.SubElement(case, "skipped", message=_xml(f"unknown: {reason}"))
    elif outcome.ok is False:
        failure = ElementTree.SubElement(
            case, "failure", message=_xml(describe_claim(outcome)), type="ExpectationFailed"
        )
        witness = textwrap.dedent("\n".join(line.plain for line in witness_lines(outcome)))
        failure.text = _xml(witness)
    return case


def _outcome_line(test: ir.Test | None, name: str) -> int | None:
    if test is None:
        return None
    for outcome in test.outcomes:
        if outcome.name == name and outcome.span is not None:
            return outcome.span.line
    return None


def _unknown_case(report: FileReport, classname: str) -> ElementTree.Element:
    """A file whose time ran out before its outcomes were known: skipped, with the reason."""
    case = ElementTree.Element(
        "testcase", classname=classname, name=_xml(PurePath(report.file).name)
    )
    case.set("file", _xml(report.file))
    case.set("time", "0.000")
    ElementTree.SubElement(case, "skipped", message=_xml(f"unknown: {report.unknown}"))
    return case


def _error_case(report: FileReport, classname: str) -> ElementTree.Element:
    case = ElementTree.Element(
        "testcase", classname=classname, name=_xml(PurePath(report.file).name)
    )
    case.set("file", _xml(report.file))
    error = report.error
    if error is not None and error.span is not None:
        case.set("line", str(error.span.line))
    case.set("time", "0.000")
    where = str(error.span) if error is not None and error.span is not None else report.file
    message = error.message if error is not None else "no result"
    element = ElementTree.SubElement(
        case,
        "error",
        message=_xml(f"{where}: {message}"),
        type=type(error).__name__ if error is not None else "Error",
    )
    element.text = _xml(_error_text(error, where, message))
    return case


def _error_text(error: LitmusError | None, where: str, message: str) -> str:
    lines = [
        *(included_from_lines(error) if error is not None else []),
        f"{where}: error: {message}",
    ]
    if error is not None and error.span is not None and error.source_line is not None:
        span = error.span
        lines += [text.plain for text in source_excerpt(error.source_line, span.line, span.column)]
    if error is not None and error.expected:
        lines.append("expected one of: " + ", ".join(error.expected))
    return "\n".join(lines)


def _classname(file: str) -> str:
    path = PurePath(file)
    stem = path.with_suffix("") if path.suffix == ".litmus" else path
    parts = [part for part in stem.parts if part not in ("/", "\\", ".", "..")]
    return _xml(".".join(parts) or file)


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
