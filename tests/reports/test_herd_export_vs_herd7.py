"""`export --to herd` of every litmus/ file, run through herd7 itself: herd7 accepts every test,
and where it decides one within 60 s its verdict equals ours under ARMv8 (herd_export*.py).

Every file × variant × outcome is exported into one folder and herd7 reads them in one batch.
herd7's own `-timeout` counts CPU time and is not always honoured, so the batch is watched:
a test that prints nothing for 60 s is skipped, herd7 is stopped and the batch resumes after it
and after the other tests exported from the same file (herd7 enumerates the same threads for
them; on a shared machine each would take its whole budget too). Those are skipped, saying so.
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
from pathlib import Path

import pytest
from herd7 import HerdAnswer, model_arguments, parse_herd_output, require_herd7

from ringlitmus import ir
from ringlitmus.encode.solver import Verdict
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd_export import export_herd, export_names

LITMUS = Path(__file__).resolve().parent.parent.parent / "litmus"
BUDGET_S = 60.0
MODEL = "armv8"  # herd7's aarch64.cat reads the exported AArch64 tests
_REFUSED = re.compile(r'^(?:Warning: )?File "([^"]+)\.litmus"')
_DONE = re.compile(r"^Hash=")


def exported_cases() -> list[object]:
    """(file, variant, outcome, herd name) of every test `export --to herd` writes."""
    cases = []
    for path in sorted(LITMUS.rglob("*.litmus")):
        test = parse_file(str(path))
        if test.format is not ir.Format.RING:
            continue  # herd's own tests (litmus/regressions/) need no export to reach herd7
        for variant, outcome, name in export_names(test):
            cases.append(pytest.param(path, variant, outcome, name, id=name))
    return cases


CASES = exported_cases()


def run_batch(
    files: list[Path], sources: dict[str, Path]
) -> tuple[dict[str, HerdAnswer], dict[str, str], dict[str, str]]:
    """herd7's answers by test name, its refusals by file stem, and why a test was not run to
    the end, `BUDGET_S` per test; `sources` names each test's litmus/ file."""
    herd7 = require_herd7()
    answers: dict[str, HerdAnswer] = {}
    refused: dict[str, str] = {}
    undecided: dict[str, str] = {}
    remaining = list(files)
    while remaining:
        command = [str(herd7), *model_arguments(MODEL), "-timeout", str(BUDGET_S)]
        process = subprocess.Popen(
            [*command, *map(str, remaining)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process, lines), daemon=True).start()
        block: list[str] = []
        while remaining:
            try:
                line = lines.get(timeout=BUDGET_S)
            except queue.Empty:  # the current test took its budget: skip it, go on
                process.kill()
                slow = remaining[0].stem
                undecided[slow] = f"herd7 did not decide {slow} within {BUDGET_S:.0f} s"
                for file in remaining[1:]:
                    if sources[file.stem] == sources[slow]:
                        undecided[file.stem] = f"not run: herd7 did not decide {slow} in time"
                remaining = [file for file in remaining if file.stem not in undecided]
                break
            if line is None:
                remaining = []  # herd7 ended: whatever it did not answer stays undecided
                break
            block.append(line)
            if match := _REFUSED.match(line):
                refused[Path(match.group(1)).name] = line.strip()
                remaining = [f for f in remaining if f.stem != Path(match.group(1)).name]
                block = []
            elif _DONE.match(line):
                answer = parse_herd_output("".join(block))
                answers[answer.name] = answer
                remaining = [f for f in remaining if f.stem != answer.name]
                block = []
        process.wait()
    return answers, refused, undecided


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(None)


@pytest.fixture(scope="module")
def herd7_answers(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, HerdAnswer], dict[str, str], dict[str, str]]:
    require_herd7()
    folder = tmp_path_factory.mktemp("exported")
    files = []
    sources = {}
    for param in CASES:
        path, variant, outcome, name = param.values  # type: ignore[attr-defined]
        file = folder / f"{name}.litmus"
        file.write_text(export_herd(parse_file(str(path)), variant, outcome))
        files.append(file)
        sources[name] = path
    return run_batch(files, sources)


_RESULTS: dict[Path, dict[tuple[str, str], Verdict]] = {}


def our_verdict(path: Path, variant: str, outcome: str) -> Verdict:
    """Our verdict for one variant and outcome (whether a REQUIRED outcome's violation is
    reachable), each file checked once."""
    if path not in _RESULTS:
        result = check_test(parse_file(str(path)), CheckOptions(model=MODEL))
        _RESULTS[path] = {
            (v.variant, o.name): o.status for v in result.variants for o in v.outcomes
        }
    return _RESULTS[path][variant, outcome]


@pytest.mark.parametrize(("path", "variant", "outcome", "name"), CASES)
def test_herd7_accepts_the_export_and_agrees(
    herd7_answers: tuple[dict[str, HerdAnswer], dict[str, str], dict[str, str]],
    path: Path,
    variant: str,
    outcome: str,
    name: str,
) -> None:
    answers, refused, undecided = herd7_answers
    assert name not in refused, f"herd7 refuses {name}: {refused.get(name)}"
    answer = answers.get(name)
    if name in undecided:
        pytest.skip(undecided[name])
    assert answer is not None and answer.observation is not None, f"herd7 did not read {name}"
    test = parse_file(str(path))
    kind = next(o.kind for o in test.outcomes if o.name == outcome)
    ours = our_verdict(path, variant, outcome)
    if ours is Verdict.UNKNOWN:
        pytest.skip(f"ringlitmus did not decide {name}")
    if kind is ir.OutcomeKind.REQUIRED:  # forall: herd's Always is "no violation reachable"
        herds = Verdict.UNREACHABLE if answer.observation == "Always" else Verdict.REACHABLE
    else:
        herds = Verdict.UNREACHABLE if answer.observation == "Never" else Verdict.REACHABLE
    assert ours is herds, f"{name}: ringlitmus {ours.value}, herd7 {answer.observation}"
