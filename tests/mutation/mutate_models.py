"""Mutate the model text (models/*.py term by term) and run the model tests against each mutant.

mutmut 3 mutates function bodies only, and a model is module-level data: `dob = define("dob",
union(addr, data, ...))`. So this script makes the mutations that matter for such data, one at a
time, on a copy of the package: drop one operand of a union, a sequence, an intersection or an
event-set list; keep one side of an intersection or a difference; drop a closure, an inverse or an
`optional`; drop one axiom. Each mutant runs `pytest -x` over the tests of its model, without
herd7 or the shared catalogue (so "killed" means killed by the suite a developer runs).

    nice -n 19 python tests/mutation/mutate_models.py armv8 [--jobs 2]
    python tests/mutation/mutate_models.py lkmm --file lkmm.py
    python tests/mutation/mutate_models.py lkmm --only lkmm_base.py:137:3

prints one line per mutant (`killed`, `SURVIVED`, `timeout`, `invalid` when the mutated model
cannot even be imported) and the score; `--only` re-runs the mutants named by their ids.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import hypothesis  # noqa: F401  (imported once here, not in every child)
import lark  # noqa: F401
import pytest
import z3  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "ringlitmus" / "models"

# The files holding each model's text, and the tests that judge it (a -k expression over
# tests/models and tests/test_litmus_dir.py, whose ids name the model).
FILES = {
    "armv8": ("armv8.py",),
    "lkmm": ("lkmm.py", "lkmm_base.py", "lkmm_plain.py", "lkmm_rcu.py"),
    "tso": ("tso.py",),
    "sc": ("sc.py",),
}
TESTS = ("tests/models", "tests/test_litmus_dir.py")

# Calls whose operands form a list any one of which may be dropped.
LISTS = {"union", "seq", "ident", "SetUnion", "SetInter", "Inter"}
# Calls that may be replaced by their first operand: a difference without what it removes, a
# closure or inverse without the operator.
FIRST = {"Diff", "SetDiff", "Plus", "star", "least_star", "Inverse", "optional"}
TIMEOUT_S = 600


@dataclass(frozen=True)
class Mutant:
    """One textual change to one model file."""

    file: str
    line: int
    index: int
    description: str
    start: int
    end: int
    replacement: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.index}"

    def apply(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement.encode() + source[self.end :]


def _offset(line_starts: list[int], line: int, column: int) -> int:
    return line_starts[line - 1] + column  # ast columns are UTF-8 byte offsets


def _name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None


def _variants(node: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """Each smaller term a call may be replaced by, with a description."""
    name = _name(node)
    if name in LISTS and len(node.args) >= 2:
        for i, dropped in enumerate(node.args):
            rest = [arg for j, arg in enumerate(node.args) if j != i]
            smaller = rest[0] if name in {"Inter", "SetInter"} and len(rest) == 1 else None
            text = ast.unparse(dropped)
            yield (
                f"{name}(...) without {text}",
                smaller or ast.Call(func=node.func, args=rest, keywords=node.keywords),
            )
    elif name in FIRST and node.args:
        yield f"{name}(X) -> X", node.args[0]
    for keyword in node.keywords:
        if keyword.arg == "axioms" and isinstance(keyword.value, ast.Tuple):
            for i, axiom in enumerate(keyword.value.elts):
                rest = [a for j, a in enumerate(keyword.value.elts) if j != i]
                keywords = [
                    ast.keyword(arg=k.arg, value=ast.Tuple(elts=rest, ctx=ast.Load()))
                    if k is keyword
                    else k
                    for k in node.keywords
                ]
                label = ast.unparse(axiom.args[-1]) if isinstance(axiom, ast.Call) else i
                yield f"axiom {label} dropped", ast.Call(node.func, node.args, keywords)


def mutants_of(path: Path) -> list[Mutant]:
    """Every single-step mutant of one model file, in source order."""
    source = path.read_bytes()
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    found = []
    per_line: Counter[int] = Counter()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        start = _offset(line_starts, node.lineno, node.col_offset)
        end = _offset(line_starts, node.end_lineno or node.lineno, node.end_col_offset or 0)
        for description, replacement in _variants(node):
            per_line[node.lineno] += 1
            found.append(
                Mutant(
                    path.name,
                    node.lineno,
                    per_line[node.lineno],
                    description,
                    start,
                    end,
                    ast.unparse(replacement),
                )
            )
    return sorted(found, key=lambda m: (m.line, m.index))


def _run(mutant: Mutant, model: str, workdir: Path) -> tuple[str, float]:
    """Run the model's tests against the package in workdir with the mutant applied.

    The tests run in a child forked from this process, which has imported pytest, z3 and lark
    but never ringlitmus: the child imports the mutated package afresh, and skips the start-up.
    """
    target = workdir / "ringlitmus" / "models" / mutant.file
    original = (MODELS / mutant.file).read_bytes()
    target.write_bytes(mutant.apply(original))
    start = time.monotonic()
    try:
        child = os.fork()
        if child == 0:
            _child(model, workdir)
        status = _wait(child, start + TIMEOUT_S)
    finally:
        target.write_bytes(original)
    elapsed = time.monotonic() - start
    if status is None:
        return "timeout", elapsed
    if status == 0:
        return "SURVIVED", elapsed
    if status == 1:
        return "killed", elapsed
    return "invalid", elapsed  # collection or import failed: the mutant is not a model


def _child(model: str, workdir: Path) -> None:
    code = 70
    try:
        sys.path.insert(0, str(workdir))
        os.chdir(ROOT)
        for name in ("RINGLITMUS_HERD7", "RINGLITMUS_HERD_CATALOGUE", "CI"):
            os.environ.pop(name, None)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", *TESTS, "-k", model])
    finally:
        os._exit(int(code))


def _wait(child: int, deadline: float) -> int | None:
    """The child's exit code, or None when it ran past the deadline (then it is killed)."""
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return None
        time.sleep(0.2)


def _workdir(root: Path) -> Path:
    shutil.copytree(
        ROOT / "ringlitmus", root / "ringlitmus", ignore=shutil.ignore_patterns("__pycache__")
    )
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(FILES))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--file", help="mutate only this one of the model's files")
    parser.add_argument("--only", nargs="*", default=None, help="mutant ids to run")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    files = [file for file in FILES[args.model] if args.file in (None, file)]
    mutants = [m for file in files for m in mutants_of(MODELS / file)]
    if args.only is not None:
        mutants = [m for m in mutants if m.id in set(args.only)]
    if args.list:
        for mutant in mutants:
            print(f"{mutant.id:24} {mutant.description}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        workdirs = [_workdir(Path(scratch) / str(i)) for i in range(args.jobs)]
        free = list(workdirs)
        unchanged = Mutant(FILES[args.model][0], 0, 0, "unchanged", 0, 0, "")
        status, elapsed = _run(unchanged, args.model, workdirs[0])
        print(f"unchanged model: {status} in {elapsed:.1f}s", flush=True)
        if status != "SURVIVED":
            return 2  # the tests fail without a mutant: no score means anything

        def one(mutant: Mutant) -> tuple[Mutant, str, float]:
            workdir = free.pop()
            try:
                return (mutant, *_run(mutant, args.model, workdir))
            finally:
                free.append(workdir)

        counts: Counter[str] = Counter()
        with ThreadPoolExecutor(args.jobs) as pool:
            for mutant, status, elapsed in pool.map(one, mutants):
                counts[status] += 1
                print(
                    f"{status:9} {mutant.id:24} {elapsed:6.1f}s  {mutant.description}", flush=True
                )
    print(
        f"{args.model}: {len(mutants)} mutants, " + ", ".join(f"{n} {s}" for s, n in counts.items())
    )
    return 1 if counts["SURVIVED"] else 0


if __name__ == "__main__":
    sys.exit(main())
