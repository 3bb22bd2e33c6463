"""Measure what a developer feels: whole-process wall time and peak memory of ringlitmus runs.

    python bench/run.py                 # everything, median of 5 runs each, round-robin
    python bench/run.py --runs 5 --max-n 32 --only ring

Each case is a separate `ringlitmus` process (so start-up, imports and grammar building are
counted, as a user pays them); wall time is the median over the runs, peak RSS the largest
resident size the process reached (from wait4), CPU time the median of user + system seconds
(what a case costs when other processes share the cores). Results go to a table on stdout and
to bench/results.json. Targets come from issue 9, and for the `lkmm` group from herd7's own
time on the same files (issue 18, when $RINGLITMUS_HERD7 names herd7); a missed target is
marked, not fatal: speed is tracked here, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RING = ROOT / "litmus" / "kvm-dirty-ring" / "ring.litmus"
SEED = ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"
CATALOGUE = Path(
    os.environ.get("RINGLITMUS_HERD_CATALOGUE") or ROOT.parent / "shared" / "herd-catalogue"
)
# herd7 itself, for the reference row of the `lkmm` group (issue 18: LKMM's catalogue in one
# process stays under herd7's own time for it).
HERD7 = os.environ.get("RINGLITMUS_HERD7")
LKMM_PREFIX = "lkmm catalogue, "
LKMM_HERD7 = f"{LKMM_PREFIX}herd7"
RING_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
# Small files checked together (issue 20): the default -j must never be slower than -j 1.
BATCH_SIZES = (1, 4, 32)

# Targets from issue 9 (seconds / MiB), keyed by case name prefix.
TARGETS = {
    "seed": 0.4,
    "ring N=16": 0.5,
    "ring N=32": 1.0,
    "ring N=128": 10.0,
    "--help": 0.15,
}
RSS_TARGET_MIB = {"ring N=32": 150.0}

# What a user's installed copy runs with: bytecode files on (some CI images set
# PYTHONDONTWRITEBYTECODE, which makes every run recompile ~50 modules, ~0.15 s).
CHILD_ENVIRONMENT = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}


@dataclass
class Case:
    """One command to time."""

    name: str
    command: list[str]
    timeout_s: float = 600.0


@dataclass
class Measurement:
    """The median wall time and peak memory of a case, and whether it met its targets."""

    name: str
    command: str
    runs: int
    wall_s: float | None
    peak_rss_mib: float | None
    exit_codes: list[int] = field(default_factory=list)
    target_s: float | None = None
    target_rss_mib: float | None = None
    met: bool | None = None
    note: str = ""
    # wall_s over the median of `python -c pass` in the same run: comparable between runs
    # made while the machine was in a faster or slower stretch.
    floors: float | None = None
    # Median user + system CPU seconds of the process and its children: what a case costs
    # when other processes share the cores (wall time then mostly measures them).
    cpu_s: float | None = None


def ringlitmus(*arguments: str) -> list[str]:
    """The command line running the installed package with this interpreter."""
    return [sys.executable, "-m", "ringlitmus", *arguments]


def cases(selected: set[str], max_n: int) -> list[Case]:
    """Every benchmark case, filtered by group."""
    found: list[Case] = []
    if "floor" in selected:
        found.append(Case("python (floor)", [sys.executable, "-c", "pass"]))
        found.append(Case("import z3 (floor)", [sys.executable, "-c", "import z3"]))
        found.append(Case("--help", ringlitmus("--help")))
    if "seed" in selected:
        # As a developer runs it (the table and witnesses), and as a CI gate (exit code only).
        found.append(Case("seed, table", ringlitmus("check", "--no-cache", str(SEED))))
        found.append(Case("seed, --quiet", ringlitmus("check", "--quiet", "--no-cache", str(SEED))))
    if "ring" in selected:
        for size in (n for n in RING_SIZES if n <= max_n):
            for variant in ("before", "after"):
                found.append(
                    Case(
                        f"ring N={size} {variant}",
                        ringlitmus(
                            "check",
                            "--quiet",
                            "--no-cache",
                            "-D",
                            f"N={size}",
                            "--variant",
                            variant,
                            str(RING),
                        ),
                    )
                )
    if "batch" in selected:
        found.extend(batch_cases())
    if "catalogue" in selected and CATALOGUE.is_dir():
        folders = sorted(str(path / "tests") for path in CATALOGUE.glob("aarch64*"))
        for jobs in ("1", "2"):
            found.append(
                Case(
                    f"herd catalogue -j {jobs}",
                    ringlitmus("check", "--quiet", "--no-cache", "-j", jobs, *folders),
                )
            )
    if "lkmm" in selected and (CATALOGUE / "linux").is_dir():
        found.extend(lkmm_cases(CATALOGUE / "linux"))
    return found


def lkmm_cases(linux: Path) -> list[Case]:
    """herd's linux catalogue in one process (`-j 1`), as a table and as herd's own output
    (which enumerates the final states, as herd7 does), and herd7 on the same files: the
    target is to stay under herd7's time (issue 18)."""
    tests = linux / "tests"
    found = [
        Case(
            f"{LKMM_PREFIX}{form}",
            ringlitmus(
                "check", "--no-cache", "-j", "1", "--model", "lkmm", "--format", form, str(tests)
            ),
        )
        for form in ("table", "herd")
    ]
    if HERD7:
        files = sorted(str(path) for path in tests.glob("*.litmus"))
        configuration = ["-I", str(linux / "cats"), "-conf", str(linux / "cfgs/linux-kernel.cfg")]
        found.append(Case(LKMM_HERD7, [HERD7, *configuration, *files]))
    return found


def batch_cases() -> list[Case]:
    """The first 1, 4 and 32 small files (litmus/ then the herd catalogue's), each with
    `-j 1`, `-j 2` and the default `-j`."""
    files = sorted(str(path) for path in (ROOT / "litmus" / "basics").glob("*.litmus"))
    if CATALOGUE.is_dir():
        files += sorted(str(path) for path in CATALOGUE.glob("aarch64*/tests/*.litmus"))
    found: list[Case] = []
    for size in (n for n in BATCH_SIZES if n <= len(files)):
        for jobs in (("-j", "1"), ("-j", "2"), ()):
            label = " ".join(jobs) or "-j default"
            command = ringlitmus("check", "--quiet", "--no-cache", *jobs, *files[:size])
            found.append(Case(f"batch {size} files {label}", command))
    return found


def run_once(case: Case) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MiB, exit code and CPU seconds (user + system) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        case.command,
        cwd=ROOT,
        env=CHILD_ENVIRONMENT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = started + case.timeout_s
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            return float("inf"), usage.ru_maxrss / 1024, -9, float("inf")
        time.sleep(0.005)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), cpu


def measure_all(found: list[Case], runs: int) -> list[Measurement]:
    """Each case `runs` times, round-robin: this machine's speed drifts by a third over
    minutes, and interleaving makes every case see the same drift (a case's runs back to back
    would all land in one slow or fast stretch)."""
    for case in found:
        run_once(case)  # warm-up, not counted: bytecode and lark's table cache get written
    samples: dict[str, list[tuple[float, float, int, float]]] = {case.name: [] for case in found}
    for _ in range(runs):
        for case in found:
            timings = samples[case.name]
            if timings and timings[-1][0] == float("inf"):
                continue  # timed out once: not again
            timings.append(run_once(case))
    return [summarize(case, samples[case.name]) for case in found]


def summarize(case: Case, timings: list[tuple[float, float, int, float]]) -> Measurement:
    """Median wall time, CPU time and peak RSS of a case's runs; targets looked up by name."""
    walls = [wall for wall, _, _, _ in timings]
    peaks = [peak for _, peak, _, _ in timings]
    codes = [code for _, _, code, _ in timings]
    cpu_s = statistics.median(cpu for _, _, _, cpu in timings)
    target = next((t for prefix, t in TARGETS.items() if case.name.startswith(prefix)), None)
    rss_target = next(
        (t for prefix, t in RSS_TARGET_MIB.items() if case.name.startswith(prefix)), None
    )
    wall_s = statistics.median(walls)
    peak = max(peaks)
    met = None
    if target is not None or rss_target is not None:
        met = (target is None or wall_s <= target) and (rss_target is None or peak <= rss_target)
    return Measurement(
        name=case.name,
        command=" ".join(case.command[1:]),
        runs=len(walls),
        wall_s=None if wall_s == float("inf") else round(wall_s, 3),
        peak_rss_mib=round(peak, 1),
        exit_codes=codes,
        target_s=target,
        target_rss_mib=rss_target,
        met=met,
        note="timed out" if wall_s == float("inf") else "",
        cpu_s=None if cpu_s == float("inf") else round(cpu_s, 3),
    )


def in_floors(results: list[Measurement]) -> None:
    """Fill in each case's time as a multiple of `python -c pass`, when that was measured."""
    floor = next((r.wall_s for r in results if r.name == "python (floor)" and r.wall_s), None)
    for result in results:
        if floor and result.wall_s is not None:
            result.floors = round(result.wall_s / floor, 1)


def against_herd7(results: list[Measurement]) -> None:
    """The lkmm group's target is herd7's own time on the same files (issue 18): each
    ringlitmus row meets it when both its median wall and CPU time are at most herd7's."""
    reference = next((r for r in results if r.name == LKMM_HERD7), None)
    if reference is None or reference.wall_s is None or reference.cpu_s is None:
        return
    for result in results:
        if result.name.startswith(LKMM_PREFIX) and result is not reference:
            result.target_s = reference.wall_s
            result.met = (
                result.wall_s is not None
                and result.cpu_s is not None
                and result.wall_s <= reference.wall_s
                and result.cpu_s <= reference.cpu_s
            )


def print_table(results: list[Measurement]) -> None:
    """A plain table: name, median wall, in floors, CPU, peak RSS, target, verdict."""
    print(
        f"{'case':34} {'wall s':>8} {'floors':>7} {'CPU s':>7} {'RSS MiB':>8} {'target':>8}"
        "  exit  met"
    )
    for result in results:
        wall = "timeout" if result.wall_s is None else f"{result.wall_s:.3f}"
        floors = "" if result.floors is None else f"{result.floors:.1f}"
        target = "" if result.target_s is None else f"{result.target_s:.2f}"
        met = {True: "yes", False: "NO", None: ""}[result.met]
        codes = ",".join(sorted({str(code) for code in result.exit_codes}))
        cpu = "" if result.cpu_s is None else f"{result.cpu_s:.3f}"
        print(
            f"{result.name:34} {wall:>8} {floors:>7} {cpu:>7} {result.peak_rss_mib or 0:>8.1f} "
            f"{target:>8}  {codes:4}  {met}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (median)")
    parser.add_argument("--max-n", type=int, default=max(RING_SIZES), help="largest ring")
    parser.add_argument(
        "--only",
        action="append",
        choices=("floor", "seed", "ring", "batch", "catalogue", "lkmm"),
        help="groups to run (default: all)",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    options = parser.parse_args()
    selected = set(options.only or ("floor", "seed", "ring", "batch", "catalogue", "lkmm"))
    results = measure_all(cases(selected, options.max_n), options.runs)
    in_floors(results)
    against_herd7(results)
    print_table(results)
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": options.runs,
        "results": [asdict(result) for result in results],
    }
    Path(options.output).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
