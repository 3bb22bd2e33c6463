"""Plan the two sides of `ringlitmus diff` and turn their reports into a Diff.

A plan lists every file to check with its side, the label both sides share (the path relative
to the side's root: the directory given, or the repository for `--rev`) and the name messages
use (`main:litmus/mp.litmus` for a file read from revision `main`). The caller checks the files
(`batch.run_files`, all sides in one run) and hands the reports back to `collect`. A file that
could not be read or checked on either side is left out of the comparison and reported.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ringlitmus.errors import UsageError
from ringlitmus.frontends.source import LITMUS_SUFFIX, PRELUDE_SUFFIX
from ringlitmus.frozen import frozen
from ringlitmus.reports import FileReport
from ringlitmus.reports.diff import Diff, compare, compare_variants
from ringlitmus.revisions import (
    materialise,
    parse_range,
    repository_of,
    repository_path,
    resolve_commit,
)

if TYPE_CHECKING:
    from ringlitmus.outcomes import TestResult


class Side(Enum):
    """Which side of the diff a file belongs to."""

    OLD = "old"
    NEW = "new"


@frozen
class Source:
    """One file to check for one side."""

    side: Side
    label: str
    path: str
    shown: str


@frozen
class DiffPlan:
    """The files of both sides; `variants` when two variants of one file are compared;
    `copies` maps a directory holding a revision's files to the revision's name."""

    old_name: str
    new_name: str
    sources: tuple[Source, ...]
    variants: tuple[str, str] | None = None
    copies: tuple[tuple[str, str], ...] = ()


def plan_diff(
    paths: Sequence[str], revisions: str | None, variants: tuple[str, str] | None, workspace: Path
) -> DiffPlan:
    """The plan the command line asks for: `--rev`, `--variants`, or two paths."""
    if revisions is not None and variants is not None:
        raise UsageError("--rev and --variants cannot be combined")
    if variants is not None:
        if len(paths) != 1:
            raise UsageError("--variants BEFORE AFTER compares the variants of one FILE")
        return plan_variants(paths[0], *variants)
    if revisions is not None:
        return plan_revisions(revisions, paths, workspace)
    if len(paths) != 2:
        raise UsageError("diff needs OLD and NEW (or --rev A..B PATH..., or FILE --variants)")
    return plan_paths(*paths)


def plan_paths(old: str, new: str) -> DiffPlan:
    """Two files (one label: the new file's path) or two directories (labels relative)."""
    old_path, new_path = Path(old), Path(new)
    for path in (old_path, new_path):
        if not path.exists():
            raise UsageError(f"cannot read '{path}': no such file or directory")
    if old_path.is_dir() != new_path.is_dir():
        raise UsageError("diff compares two files or two directories, not one of each")
    if not old_path.is_dir():
        return DiffPlan(
            old, new, (Source(Side.OLD, new, old, old), Source(Side.NEW, new, new, new))
        )
    sources = [
        Source(side, label, str(root / label), str(root / label))
        for side, root in ((Side.OLD, old_path), (Side.NEW, new_path))
        for label in litmus_files(root, [""])
    ]
    if not sources:
        raise UsageError(f"no .litmus files in '{old}' or '{new}'")
    return DiffPlan(old, new, tuple(sources))


def plan_variants(file: str, before: str, after: str) -> DiffPlan:
    """Variant `before` of `file` against its variant `after`."""
    return DiffPlan(before, after, (Source(Side.NEW, file, file, file),), variants=(before, after))


def plan_revisions(revisions: str, paths: Sequence[str], workspace: Path) -> DiffPlan:
    """The files under `paths` at the two revisions of `revisions` (`A..B`, `A...B`, or `A`
    against the work tree); each revision's files are copied under `workspace` (ours)."""
    wanted = parse_range(revisions)
    root = repository_of(paths)
    prefixes = [repository_path(root, path) for path in paths or ["."]]
    sides: list[tuple[Side, str | None]] = [(Side.OLD, wanted.old), (Side.NEW, wanted.new)]
    sources: list[Source] = []
    copies: list[tuple[str, str]] = []
    for side, revision in sides:
        if revision is None:  # the work tree, read in place
            base = root
        else:
            base = workspace / side.value
            base.mkdir(parents=True)
            materialise(root, resolve_commit(root, revision), prefixes, base)
            copies.append((str(base), revision))
        for label in litmus_files(base, prefixes):
            shown = f"{revision}:{label}" if revision else os.path.relpath(root / label)
            sources.append(Source(side, label, str(base / label), shown))
    if not sources:
        where = ", ".join(paths or ["."])
        raise UsageError(f"no .litmus files under {where} at either revision")
    new_name = wanted.new if wanted.new is not None else "work tree"
    return DiffPlan(wanted.old, new_name, tuple(sources), copies=tuple(copies))


def litmus_files(base: Path, prefixes: Sequence[str]) -> list[str]:
    """The `*.litmus` files under `base / prefix` (a file: itself), posix paths relative to
    `base`, each once, sorted within each prefix."""
    found: list[str] = []
    for prefix in prefixes:
        path = base / prefix if prefix else base
        if path.is_file() and not path.name.endswith(PRELUDE_SUFFIX):
            found.append(path.relative_to(base).as_posix())
        elif path.is_dir():
            found += sorted(
                file.relative_to(base).as_posix()
                for file in path.rglob(f"*{LITMUS_SUFFIX}")
                if file.is_file()
            )
    return list(dict.fromkeys(found))


def collect(plan: DiffPlan, reports: Sequence[FileReport]) -> tuple[Diff, list[FileReport]]:
    """The diff of the reports (`reports[i]` is the report of `plan.sources[i]`), and the
    reports of files that could not be checked, named as the plan shows them."""
    errors: list[FileReport] = []
    results: dict[Side, dict[str, TestResult]] = {Side.OLD: {}, Side.NEW: {}}
    failed: set[str] = set()
    for source, report in zip(plan.sources, reports, strict=True):
        if report.error is not None or report.result is None:
            errors.append(_renamed(plan, source, report))
            failed.add(source.label)
        else:
            results[source.side][source.label] = report.result
    if plan.variants is not None:
        before, after = plan.variants
        [source] = plan.sources
        result = results[Side.NEW].get(source.label)
        if result is None:
            return Diff(before, after, (), variants=plan.variants), errors
        return compare_variants(source.label, result, before, after), errors
    old = {label: r for label, r in results[Side.OLD].items() if label not in failed}
    new = {label: r for label, r in results[Side.NEW].items() if label not in failed}
    return compare(old, new, plan.old_name, plan.new_name), errors


def _renamed(plan: DiffPlan, source: Source, report: FileReport) -> FileReport:
    """`report` naming files as the user knows them, not by our copies' paths."""
    error = report.error
    if error is not None and error.span is not None:
        for copy, revision in plan.copies:
            if error.span.file.startswith(copy + os.sep):
                relative = Path(error.span.file).relative_to(copy).as_posix()
                error.span = dataclasses.replace(error.span, file=f"{revision}:{relative}")
    return dataclasses.replace(report, file=source.shown)
