"""Generate a run's programs for one model, compare them with herd7 in batches, and report.

By hand (the long profile without pytest), from tests/:

    PYTHONPATH=..:. python -P -m differential.run --model armv8 --count 2000 [--seed N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from differential import generate_aarch64, generate_c, generate_x86
from differential.compare import Comparison, compare_batch, describe
from differential.program import LONG, QUICK, Budget, run_seed

GENERATORS: dict[str, Callable[[int, int, Budget], str]] = {
    "armv8": generate_aarch64.generate,
    "tso": generate_x86.generate,
    "lkmm": generate_c.generate,
}


@dataclass(frozen=True)
class Profile:
    """How many programs, how big, and how long herd7 may take on one."""

    count: int
    budget: Budget
    herd_test_timeout_s: float
    batch: int = 250


QUICK_PROFILE = Profile(count=60, budget=QUICK, herd_test_timeout_s=1.0)
LONG_PROFILE = Profile(count=1000, budget=LONG, herd_test_timeout_s=10.0)


def run(
    model: str,
    seed: int,
    profile: Profile,
    directory: Path,
    on_batch: Callable[[Comparison], None] | None = None,
) -> Comparison:
    """Write programs 0..count-1 of run `seed` into `directory` and compare them all;
    `on_batch` sees each batch's comparison as it is done."""
    generate = GENERATORS[model]
    total = Comparison()
    for first in range(0, profile.count, profile.batch):
        paths = []
        for index in range(first, min(first + profile.batch, profile.count)):
            path = directory / f"D{seed}_{index}.litmus"
            path.write_text(generate(seed, index, profile.budget))
            paths.append(path)
        batch = compare_batch(
            paths, model, profile.herd_test_timeout_s, batch_timeout_s=60 * len(paths)
        )
        if on_batch is not None:
            on_batch(batch)
        total.compared += batch.compared
        total.herd_timeouts += batch.herd_timeouts
        total.herd_refused += batch.herd_refused
        total.refused += batch.refused
        total.unknown += batch.unknown
        total.disagreements += batch.disagreements
    return total


def summary(model: str, seed: int, comparison: Comparison, seconds: float) -> str:
    return (
        f"{model}: seed {seed}: {comparison.compared} compared, "
        f"{len(comparison.disagreements)} disagreements, "
        f"{len(comparison.herd_timeouts)} past herd7's time limit, "
        f"{len(comparison.herd_refused)} refused by herd7, {len(comparison.refused)} refused "
        f"by ringlitmus, {len(comparison.unknown)} unknown, in {seconds:.0f} s"
    )


def _print_batch(batch: Comparison) -> None:
    for disagreement in batch.disagreements:
        print(describe(*disagreement))
    for path, why in batch.refused + batch.herd_refused:
        print(f"refused: {path}: {why}")
    print(f"batch: {batch.compared} compared, {len(batch.disagreements)} disagreements", flush=True)


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", choices=sorted(GENERATORS), required=True)
    parser.add_argument("--count", type=int, default=LONG_PROFILE.count)
    parser.add_argument("--seed", type=lambda text: int(text, 0), default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write the programs here")
    options = parser.parse_args(arguments)
    seed = run_seed() if options.seed is None else options.seed
    profile = Profile(options.count, LONG_PROFILE.budget, LONG_PROFILE.herd_test_timeout_s)
    with tempfile.TemporaryDirectory() as scratch:
        directory = options.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        comparison = run(options.model, seed, profile, directory, _print_batch)
        elapsed = time.monotonic() - start
    print(summary(options.model, seed, comparison, elapsed))
    return 1 if comparison.disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
