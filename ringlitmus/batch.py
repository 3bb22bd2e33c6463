"""Check many files: expand the paths, run each file in a worker process, reuse cached results.

Each file is parsed and checked where it runs (a worker, or this process with one job); what
comes back is a `FileReport` of frozen dataclasses and LitmusErrors, which pickle. z3 objects
never leave the process that made them.

Workers are started with `spawn` on every platform: the same behaviour everywhere, and no fork
of a process that may hold z3 or a thread. They ignore SIGINT: Ctrl-C reaches the parent,
which stops them (`_stop_workers`) and keeps the results it already has.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import signal
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ringlitmus import __version__, ir, outcomes, readahead
from ringlitmus.cache import Cache, cache_key
from ringlitmus.deadline import CheckTimeoutError, Deadline, start_deadline
from ringlitmus.encode.solver import make_context_ahead
from ringlitmus.errors import LitmusError, UsageError
from ringlitmus.frontends.source import LITMUS_SUFFIX, PRELUDE_SUFFIX
from ringlitmus.frozen import frozen
from ringlitmus.models import ALL_MODELS, model_for, models_for, require_model
from ringlitmus.outcomes import CheckOptions, TestResult, VariantResult
from ringlitmus.process import collect_between_files, set_up
from ringlitmus.records import variant_from_data, variant_to_data
from ringlitmus.reports import UNKNOWN, FileReport, verdict_value

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor


@frozen
class BatchOptions:
    """What every file of a run is checked with; `cache` None means `--no-cache`; `tool` is
    the code's fingerprint in cache keys (None: `tool_fingerprint()` of this process);
    `include_dirs` are the `--include-dir` directories tests may include from."""

    check: CheckOptions = field(default_factory=CheckOptions)
    defines: Mapping[str, int] = field(default_factory=dict)
    cache: Cache | None = None
    tool: str | None = None
    include_dirs: tuple[str, ...] = ()


def expand_paths(paths: Iterable[str]) -> list[str]:
    """The files to check, in a stable order: the arguments' order, a directory standing for
    the `*.litmus` files under it sorted by path. Each file comes once; `*.prelude` files are
    skipped (they are only ever included). A directory without litmus files is a UsageError:
    it is no file to count, pass or fail."""
    expanded: list[str] = []
    for path in paths:
        if Path(path).is_dir():
            found = sorted(
                str(file) for file in Path(path).rglob(f"*{LITMUS_SUFFIX}") if file.is_file()
            )
            if not found:
                raise UsageError(f"no litmus files under {path}")
            expanded.extend(found)
        elif not path.endswith(PRELUDE_SUFFIX):
            expanded.append(path)
    return list(dict.fromkeys(expanded))


def default_jobs() -> int:
    """How many worker processes `-j` means by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# What starting a worker costs besides what the first file here paid for (its lazy imports,
# the grammar, the first Z3 context): the interpreter and `import z3`, about 0.3 s of a core
# measured on a 2-core machine. Both parts grow with the machine's load, as the files' work does.
WORKER_START_S = 0.3
# Files checked here (after the first) before the rest's work is estimated from their mean.
SAMPLE_FILES = 2


def run_files(
    paths: Sequence[str], options: BatchOptions, jobs: int | None
) -> Generator[tuple[int, FileReport], None, None]:
    """Check every path; yield (index in `paths`, report) as each file finishes.

    One job, or one file, runs here in order; `jobs` None (no `-j`) starts here too and hands
    the rest to workers only once the files' measured work outweighs starting them; otherwise
    up to `jobs` worker processes. Workers' reports arrive in completion order (callers order
    them by index). Closing the iterator early (Ctrl-C, an internal error) stops the workers.
    """
    if jobs is None:
        yield from _run_adaptively(paths, options, default_jobs())
        return
    workers = min(jobs, len(paths))
    if workers <= 1:
        for index, path in enumerate(paths):
            yield index, check_file(path, options)
        return
    yield from _run_in_workers(paths, options, workers)


def _run_adaptively(
    paths: Sequence[str], options: BatchOptions, jobs: int
) -> Generator[tuple[int, FileReport], None, None]:
    """Check files here, one by one, until the remaining files' estimated work (the mean time
    of the files checked after the first, times how many are left) makes workers worth
    starting; then check the rest in up to `jobs` workers. A worker's start is estimated
    as what the first file cost here beyond that mean (it paid for the imports a worker pays
    too) plus WORKER_START_S."""
    started = time.perf_counter()
    first_done = started
    for index, path in enumerate(paths):
        yield index, check_file(path, options)
        now = time.perf_counter()
        if index == 0:
            first_done = now
            continue
        left = len(paths) - index - 1
        workers = min(jobs, left)
        if index < SAMPLE_FILES or workers <= 1:
            continue
        mean_s = (now - first_done) / index
        # What the first file cost beyond a file's mean is the start a worker would pay too.
        start_s = max(0.0, first_done - started - mean_s) + WORKER_START_S
        work_s = mean_s * left
        if _worth_workers(work_s, start_s, workers):
            for offset, report in _run_in_workers(paths[index + 1 :], options, workers):
                yield index + 1 + offset, report
            return


def _worth_workers(work_s: float, start_s: float, workers: int) -> bool:
    """Whether `workers` processes, each `start_s` to start, finish `work_s` seconds of
    checking sooner than this one: in parallel they take about start_s + work_s / workers.
    The start counts twice, as the cores are shared: -j by default must never be slower
    than -j 1."""
    return work_s > 2 * start_s * workers / (workers - 1)


def _run_in_workers(
    paths: Sequence[str], options: BatchOptions, workers: int
) -> Generator[tuple[int, FileReport], None, None]:
    """Check `paths` in `workers` processes; yield (index, report) in completion order."""
    # The pool machinery (~15 ms of imports) only for a run that uses workers.
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    if options.cache is not None and options.tool is None:
        # One fingerprint for the whole run, hashed once, whatever the workers find on disk.
        options = dataclasses.replace(options, tool=tool_fingerprint())
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
    )
    finished = False
    try:
        pending: dict[Future[FileReport], int] = {
            executor.submit(check_file, path, options): index for index, path in enumerate(paths)
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=pending.__getitem__):
                yield pending.pop(future), future.result()
        finished = True
    finally:
        if finished:
            executor.shutdown()
        else:
            _stop_workers(executor)


def check_in_order(
    paths: Sequence[str],
    options: BatchOptions,
    jobs: int | None,
    show: Callable[[FileReport], None],
    finished: Callable[[str], None],
) -> tuple[list[FileReport], bool]:
    """Check `paths` with `run_files`; call `finished(file)` as each file finishes and
    `show(report)` in the order of `paths`, as soon as the reports before it are there.

    Ctrl-C stops the run: the reports already there are still shown (in order) and returned.
    Returns the reports, in the order of `paths`, and whether the run was interrupted.
    """
    done: dict[int, FileReport] = {}
    shown = 0
    interrupted = False
    try:
        with contextlib.closing(run_files(paths, options, jobs)) as running:
            for index, report in running:
                done[index] = report
                finished(report.file)
                while shown in done:
                    shown += 1
                    show(done[shown - 1])
    except KeyboardInterrupt:
        interrupted = True
    for index in sorted(done):
        if index >= shown:  # finished out of order before Ctrl-C: still shown, in order
            show(done[index])
    return [done[index] for index in sorted(done)], interrupted


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    set_up()


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now, whatever they are solving."""
    terminate = getattr(executor, "terminate_workers", None)
    if terminate is not None:  # Python 3.14
        terminate()
        return
    # Before 3.14 the executor can only wait for running tasks, which may take minutes.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


def check_file(path: str, options: BatchOptions) -> FileReport:
    """Parse and check one file; a LitmusError becomes the report's error, never a crash.

    `--timeout` bounds the whole of it, parsing included: the file's deadline starts here,
    and what it stops is unknown (a timeout while parsing leaves the whole file unknown)."""
    from ringlitmus.frontends import parse_file

    collect_between_files()
    deadline = start_deadline(options.check.timeout_s)
    test: ir.Test | None = None
    try:
        if Path(path).is_dir():
            raise UsageError(f"no .litmus files in directory '{path}'")
        # The file's first Z3 context is made on a thread while it is parsed (or while the
        # read-ahead child finishes): Z3 lets go of Python's lock as it works.
        make_context_ahead()
        test = readahead.take(path, options.defines, options.include_dirs, deadline) or parse_file(
            path, options.defines, options.include_dirs, deadline
        )
        require_variants(test, options.check.variants or ())
        require_model(options.check.model, test)
        if options.check.model == ALL_MODELS:
            result = check_under_every_model(test, options, deadline)
        else:
            check = dataclasses.replace(options.check, model=model_for(options.check.model, test))
            result = check_with_cache(test, check, options.cache, options.tool, deadline)
    except LitmusError as error:
        add_source_line(error)
        return FileReport(path, error=error, test=test)
    except CheckTimeoutError as exceeded:
        return FileReport(path, test=test, unknown=exceeded.reason)
    return FileReport(path, result=result, test=test)


def check_under_every_model(
    test: ir.Test, options: BatchOptions, deadline: Deadline | None = None
) -> TestResult:
    """`--model all`: the test under each model that can judge its format, each variant's
    results side by side (variant by variant, models in registry order)."""
    results = [
        check_with_cache(
            test,
            dataclasses.replace(options.check, model=model),
            options.cache,
            options.tool,
            deadline,
        )
        for model in models_for(test.format)
    ]
    by_variant: dict[str, list[VariantResult]] = {}
    for result in results:
        for variant in result.variants:
            by_variant.setdefault(variant.variant, []).append(variant)
    combined = tuple(variant for variants in by_variant.values() for variant in variants)
    return dataclasses.replace(results[0], variants=combined)


def require_variants(test: ir.Test, requested: Iterable[str]) -> None:
    """A UsageError naming the file's variants if one of `requested` is not among them."""
    declared = [variant.name for variant in test.variants]
    for name in requested:
        if name not in declared:
            raise UsageError(f"no variant '{name}' in this file; it has: {', '.join(declared)}")


def add_source_line(error: LitmusError) -> None:
    """Give the error the line its span points at (front ends usually do it themselves)."""
    from ringlitmus.frontends.source import read_source, source_lines

    span = error.span
    if error.source_line is not None or span is None or span.line < 1:
        return
    try:
        lines = source_lines(read_source(span.file))
    except LitmusError:
        return
    if span.line <= len(lines):
        error.source_line = lines[span.line - 1]


# --------------------------------------------------------------------------- the result cache


def check_with_cache(
    test: ir.Test,
    options: CheckOptions,
    cache: Cache | None,
    tool: str | None = None,
    deadline: Deadline | None = None,
) -> TestResult:
    """`check_test` (by `deadline`), taking each variant's result from `cache` when it is there.

    Only the variants missing from the cache are solved; a variant whose every answer was
    decided is stored. Unknown answers and incomplete state lists are not: a later run with
    more time may decide them.
    """
    selected = [
        variant.name
        for variant in test.variants
        if options.variants is None or variant.name in options.variants
    ]
    found: dict[str, VariantResult] = {}
    keys = {name: variant_key(test, name, options, tool) for name in selected} if cache else {}
    if cache is not None:
        for name, key in keys.items():
            cached = _load(cache, key, name)
            if cached is not None:
                found[name] = cached
    missing = tuple(name for name in selected if name not in found)
    # With nothing missing this solves nothing; it still builds the TestResult in one place.
    # Called through its module so that a test replacing outcomes.check_test reaches here.
    result = outcomes.check_test(test, dataclasses.replace(options, variants=missing), deadline)
    for variant in result.variants:
        found[variant.variant] = variant
        if cache is not None and is_decided(variant):
            cache.store(keys[variant.variant], variant_to_data(variant))
    return dataclasses.replace(result, variants=tuple(found[name] for name in selected))


def _load(cache: Cache, key: str, name: str) -> VariantResult | None:
    payload = cache.load(key)
    if payload is None:
        return None
    try:
        variant = variant_from_data(payload)
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry: recompute it
    return variant if variant.variant == name else None


def is_decided(variant: VariantResult) -> bool:
    """Whether every answer of `variant` is a proof (nothing unknown, every state listed, and
    some execution exists: a variant without any is reported afresh each run)."""
    answers = [outcome.status for outcome in variant.outcomes]
    answers += [outcome.always for outcome in variant.outcomes if outcome.always is not None]
    decided = variant.states_complete and not variant.no_execution
    return decided and all(verdict_value(a) != UNKNOWN for a in answers)


def variant_key(test: ir.Test, variant: str, options: CheckOptions, tool: str | None = None) -> str:
    """The cache key of one variant's result.

    It hashes the parsed test as IR equality sees it (includes and `-D` resolved; source
    spans, the file's name and its leading comment left out, so moving or reformatting a file
    keeps its entries), the variant, every option that changes a decided result (the model,
    `--states`, herd's observation), and the code that computed it: the tool's version, a hash
    of its source files and z3's version. `--timeout` and `--rlimit` are not in it: only
    decided results are stored, and a proof holds whatever limit it was found under.
    `tool` is the fingerprint to use (None: this process's `tool_fingerprint()`).
    """
    return cache_key(
        {
            "test": dataclasses.replace(test, file="", doc=None),
            "variant": variant,
            "options": dataclasses.replace(options, variants=None, timeout_s=None, rlimit=None),
            "tool": tool or tool_fingerprint(),
        }
    )


@functools.cache
def tool_fingerprint() -> str:
    """The version of ringlitmus and z3, and a hash of ringlitmus's source and grammar files,
    so that an edited checkout (same version number) never reads its old results."""
    import z3

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*")):
        if file.suffix in (".py", ".lark") and file.is_file():
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return f"ringlitmus {__version__} {digest.hexdigest()} z3 {z3.get_version_string()}"
