"""Plan the two sides of `ringlitmus diff` and turn their reports into a Diff.

A plan lists every file to check with its side, the label both sides share (the path relative
to the side's root: the directory given, or the repository for `--rev`) and the name messages
use (`main:litmus/mp.litmus` for a file read from revision `main`). The caller checks the files
(`batch.run_files`, all sides in one run) and hands the reports back to `collect`, which
compares both the outcomes and the files' claims. A file that could not be read or checked on
either side is left out of the comparison and reported.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ringlitmus.errors import Span, UsageError
from ringlitmus.frontends.source import LITMUS_SUFFIX, PRELUDE_SUFFIX
from ringlitmus.frozen import frozen
from ringlitmus.reports import FileReport
from ringlitmus.reports.claims import compare_claims
from ringlitmus.reports.diff import Diff, compare, compare_variants
from ringlitmus.revisions import (
    materialise,
    parse_range,
    repository_of,
    repository_path,
    resolve_commit,
)

if TYPE_CHECKING:
    from ringlitmus import ir
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
    `copies` maps a directory holding a revision's files to the revision's name;
    `include_dirs` are the directories tests may include from besides their own."""

    old_name: str
    new_name: str
    sources: tuple[Source, ...]
    variants: tuple[str, str] | None = None
    copies: tuple[tuple[str, str], ...] = ()
    include_dirs: tuple[str, ...] = ()


def plan_diff(
    paths: Sequence[str],
    revisions: str | None,
    variants: tuple[str, str] | None,
    workspace: Path,
    include_dirs: Sequence[str] = (),
) -> DiffPlan:
    """The plan the command line asks for: `--rev`, `--variants`, or two paths;
    `include_dirs` are `--include-dir`'s directories."""
    if revisions is not None and variants is not None:
        raise UsageError("--rev and --variants cannot be combined")
    if variants is not None:
        if len(paths) != 1:
            raise UsageError("--variants BEFORE AFTER compares the variants of one FILE")
        plan = plan_variants(paths[0], *variants)
    elif revisions is not None:
        return plan_revisions(revisions, paths, workspace, include_dirs)
    elif len(paths) != 2:
        raise UsageError("diff needs OLD and NEW (or --rev A..B PATH..., or FILE --variants)")
    else:
        plan = plan_paths(*paths)
    return dataclasses.replace(plan, include_dirs=tuple(include_dirs))


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


def plan_revisions(
    revisions: str, paths: Sequence[str], workspace: Path, include_dirs: Sequence[str] = ()
) -> DiffPlan:
    """The files under `paths` at the two revisions of `revisions` (`A..B`, `A...B`, or `A`
    against the work tree); each revision's files are copied under `workspace` (ours).

    Tests include as from the work tree: from their own directory in the revision's copy,
    and from each of `include_dirs` as the revision has it (a directory outside the
    repository is no revision's, and is allowed as it is)."""
    wanted = parse_range(revisions)
    root = repository_of(paths)
    prefixes = [repository_path(root, path) for path in paths or ["."]]
    sides: list[tuple[Side, str | None]] = [(Side.OLD, wanted.old), (Side.NEW, wanted.new)]
    sources: list[Source] = []
    copies: list[tuple[str, str]] = []
    allowed: list[str] = []
    for side, revision in sides:
        if revision is None:  # the work tree, read in place
            base = root
        else:
            base = workspace / side.value
            base.mkdir(parents=True)
            materialise(root, resolve_commit(root, revision), prefixes, base)
            copies.append((str(base), revision))
        allowed += [_include_dir_in(root, base, directory) for directory in include_dirs]
        for label in litmus_files(base, prefixes):
            shown = f"{revision}:{label}" if revision else os.path.relpath(root / label)
            sources.append(Source(side, label, str(base / label), shown))
    if not sources:
        where = ", ".join(paths or ["."])
        raise UsageError(f"no .litmus files under {where} at either revision")
    new_name = wanted.new if wanted.new is not None else "work tree"
    return DiffPlan(
        wanted.old,
        new_name,
        tuple(sources),
        copies=tuple(copies),
        include_dirs=tuple(dict.fromkeys(allowed)),
    )


def _include_dir_in(root: Path, base: Path, directory: str) -> str:
    """`directory` (a work-tree path) in the copy of the repository at `base`; as it is when
    it lies outside the repository."""
    try:
        relative = repository_path(root, directory)
    except UsageError:
        return directory
    return str(base / relative) if relative else str(base)


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
    tests: dict[Side, dict[str, ir.Test]] = {Side.OLD: {}, Side.NEW: {}}
    failed: set[str] = set()
    for source, report in zip(plan.sources, reports, strict=True):
        if report.error is not None or report.result is None:
            errors.append(_renamed(plan, source, report))
            failed.add(source.label)
        else:
            # Claims are read from the parsed test: a result without it cannot be judged.
            assert report.test is not None, f"{source.shown} was checked but not kept"
            results[source.side][source.label] = report.result
            tests[source.side][source.label] = report.test
    if plan.variants is not None:
        before, after = plan.variants
        [source] = plan.sources
        result = results[Side.NEW].get(source.label)
        if result is None:
            return Diff(before, after, (), variants=plan.variants), errors
        return compare_variants(source.label, result, before, after), errors
    old = {label: r for label, r in results[Side.OLD].items() if label not in failed}
    new = {label: r for label, r in results[Side.NEW].items() if label not in failed}
    claims = tuple(
        claim
        for label in sorted(set(old) | set(new))
        for claim in compare_claims(label, tests[Side.OLD].get(label), tests[Side.NEW].get(label))
    )
    diff = compare(old, new, plan.old_name, plan.new_name)
    return dataclasses.replace(diff, claims=claims), errors


def _renamed(plan: DiffPlan, source: Source, report: FileReport) -> FileReport:
    """`report` naming files as the user knows them, not by our copies' paths."""
    error = report.error
    if error is not None and error.span is not None:
        error.span = _span_shown(plan, error.span)
        error.included_from = tuple(_span_shown(plan, span) for span in error.included_from)
    return dataclasses.replace(report, file=source.shown)


def _span_shown(plan: DiffPlan, span: Span) -> Span:
    """`span` in a file named `REVISION:path` when it lies in one of our copies."""
    for copy, revision in plan.copies:
        if span.file.startswith(copy + os.sep):
            relative = Path(span.file).relative_to(copy).as_posix()
            return dataclasses.replace(span, file=f"{revision}:{relative}")
    return span
