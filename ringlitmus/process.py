"""Process-wide settings for a ringlitmus run (the command, or a `-j` worker)."""

from __future__ import annotations

import gc
import sys

# With the collector off, a file starts with a collection once this many objects the
# collector tracks were made and are still alive since the last one (see below).
COLLECT_BETWEEN_FILES_AFTER = 1_000_000


def set_up() -> None:
    """Everything below, for the process of the command or of a `-j` worker."""
    tune_garbage_collector()
    skip_unused_imports()


def tune_garbage_collector() -> None:
    """Turn Python's cycle collector off; `collect_between_files` keeps garbage bounded.

    Checking a file allocates millions of objects but almost no reference cycles: reference
    counting frees nearly everything. The collector still scanned every object alive, the
    modules' ~100k included: 17 ms of the seed's 0.23 s in-process, 32 ms at N=32, 0.31 s at
    N=128 (at Python's default thresholds it was 1.1 s there). Measured with it off: the same
    peak memory for the seed, N=16, N=32 and N=128, and what a full collection then found
    after all of herd's AArch64 catalogues in one process was 38.8k objects (455 after a
    64-entry ring).
    """
    gc.disable()


def collect_between_files() -> None:
    """A collection before the next file, when the collector is off and the objects made
    since the last one and still alive pass COLLECT_BETWEEN_FILES_AFTER: a long batch then
    holds a bounded amount of cyclic garbage. Nothing when the collector is on (a library
    user's process, the test suite)."""
    if not gc.isenabled() and gc.get_count()[0] > COLLECT_BETWEEN_FILES_AFTER:
        gc.collect()


def skip_unused_imports() -> None:
    """Keep lark from importing `regex`, the optional third-party module, in this process.

    lark imports it at start-up whenever it is installed (10-15 ms of every run) though only
    its `regex=True` option uses it, and ringlitmus never sets that option. Blocking a module
    in sys.modules is Python's documented way to make its import fail; a process that already
    imported it keeps it. Only the program and its workers call this, never the library.
    """
    sys.modules.setdefault("regex", None)  # type: ignore[arg-type]
