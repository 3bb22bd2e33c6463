"""GitHub Actions workflow annotations: each failed, unknown or unreadable result on its line.

One workflow command per line (https://docs.github.com/actions/reference/workflow-commands):

    ::error file=litmus/x.litmus,line=12,title=ringlitmus%3A lost_page [before]::forbidden ...
    ::warning file=litmus/y.litmus,line=7,title=ringlitmus%3A MP::unknown: timeout ...

* A result that misses the file's claim, and a variant with no execution, are `error`s on the
  line where the outcome is written (for a herd file: its final condition).
* A result the solver could not decide is a `warning` there: a gate may tolerate unknowns
  (exit 3), and an error annotation would say the check failed.
* A file that could not be read or parsed is an `error` at the error's line and column.
* A result that holds gives nothing: annotations are for what needs a look.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ringlitmus.errors import Span
from ringlitmus.reports import UNKNOWN, FileReport, verdict_value
from ringlitmus.reports.text import describe_claim, format_state

if TYPE_CHECKING:
    from ringlitmus import ir
    from ringlitmus.outcomes import OutcomeResult, VariantResult


class Level(Enum):
    """The workflow command an annotation is."""

    ERROR = "error"
    WARNING = "warning"


def render_github(reports: Iterable[FileReport]) -> str:
    """The annotations of every report, one command a line (empty when all is well)."""
    return "".join(line + "\n" for report in reports for line in annotations(report))


def annotations(report: FileReport) -> list[str]:
    """The workflow commands for one file."""
    if report.result is None and report.unknown is not None and report.error is None:
        return [command(Level.WARNING, report.file, None, None, f"unknown: {report.unknown}")]
    error = report.error
    if error is not None or report.result is None:
        message = error.message if error is not None else "no result"
        span = error.span if error is not None else None
        return [command(Level.ERROR, report.file, span, None, message)]
    several = len(report.result.variants) > 1 or any(
        variant.variant != "default" for variant in report.result.variants
    )
    found = []
    for variant in report.result.variants:
        for outcome in variant.outcomes:
            found += _outcome(report, variant, outcome, several)
    return found


def _outcome(
    report: FileReport, variant: VariantResult, outcome: OutcomeResult, several: bool
) -> list[str]:
    name = f"{outcome.name} [{variant.variant}]" if several else outcome.name
    span = _outcome_span(report.test, outcome.name)
    if variant.no_execution:
        return [command(Level.ERROR, report.file, span, name, outcome.reason or "no execution")]
    if verdict_value(outcome.status) == UNKNOWN:
        reason = outcome.reason or "the solver gave no reason"
        return [command(Level.WARNING, report.file, span, name, f"unknown: {reason}")]
    if outcome.ok is False:
        message = describe_claim(outcome)
        if outcome.witness is not None:
            message += "\nfinal state: " + format_state(outcome.witness)
        return [command(Level.ERROR, report.file, span, name, message)]
    return []


def _outcome_span(test: ir.Test | None, name: str) -> Span | None:
    if test is None:
        return None
    return next((o.span for o in test.outcomes if o.name == name and o.span is not None), None)


def command(level: Level, file: str, span: Span | None, name: str | None, message: str) -> str:
    """`::error file=F,line=L,col=C,title=T::MESSAGE`, every part escaped. The line and column
    are `span`'s, whose file may be another (an error in an included file names that file);
    `name` is the outcome's, None for the file as a whole."""
    properties = [("file", _workspace_path(span.file if span is not None else file))]
    if span is not None and span.line >= 1:
        properties.append(("line", str(span.line)))
        if span.column >= 1:
            properties.append(("col", str(span.column)))
    properties.append(("title", f"ringlitmus: {name}" if name else "ringlitmus"))
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{level.value} {listed}::{escape_data(message)}"


def _workspace_path(file: str) -> str:
    """`file` relative to the working directory when it lies under it: GitHub places an
    annotation by its path from the repository's root, where a workflow's steps run."""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path(os.getcwd()).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def escape_data(text: str) -> str:
    """A command's message as GitHub's toolkit escapes it (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value: as a message, and `:` and `,` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
