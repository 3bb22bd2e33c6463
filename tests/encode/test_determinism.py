"""The same program gives the same Z3 terms in every process, whatever Python's hash seed:
otherwise `--rlimit` (documented as the same answer on every machine) would not be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import z3

from ringlitmus.encode.solver import fresh_context
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test

ROOT = Path(__file__).resolve().parents[2]

# Files with loops and breaks (named path conditions) and a masked 16-bit compare.
PROGRAM = """
import hashlib, sys
from ringlitmus.frontends import parse_file
from ringlitmus.semantics import build_event_structure
from ringlitmus.encode.execution import encode_execution
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.models import MODELS
digest = hashlib.sha256()
for name in sys.argv[1:]:
    test = parse_file(name, {"N": 4} if name.endswith("ring.litmus") else None)
    for variant in test.variants:
        execution = encode_execution(build_event_structure(variant.program))
        encoder = RelationEncoder(execution)
        constraints = list(execution.constraints)
        for axiom in MODELS["armv8"].axioms:
            constraints += encoder.encode_axiom(axiom)
        for constraint in constraints:
            digest.update(constraint.sexpr().encode())
print(digest.hexdigest())
"""

FILES = [
    ROOT / "litmus" / "kvm-dirty-ring" / "ring.litmus",
    ROOT / "litmus" / "kvm-dirty-ring" / "kernel-qemu.litmus",
]


def encoding_digest(seed: str) -> str:
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    completed = subprocess.run(
        [sys.executable, "-c", PROGRAM, *map(str, FILES)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return completed.stdout.strip()


def test_the_encoding_does_not_depend_on_the_hash_seed() -> None:
    assert encoding_digest("1") == encoding_digest("2") == encoding_digest("3")


def test_each_variant_is_solved_in_a_context_of_its_own() -> None:
    # A variant's answer (and an --rlimit's) must not depend on what the process solved
    # before: check_variant builds its terms in a fresh context and restores the default.
    outer = z3.main_ctx()
    with fresh_context():
        inner = z3.main_ctx()
    assert inner is not outer and z3.main_ctx() is outer
    seed = parse_file(str(ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"))
    alone = check_test(seed, CheckOptions(rlimit=400_000))
    for _ in range(3):  # unrelated terms in the default context change no answer
        z3.Solver().check(z3.Int("noise") * z3.Int("noise") == 2)
    again = check_test(seed, CheckOptions(rlimit=400_000))
    assert [o.status for v in alone.variants for o in v.outcomes] == [
        o.status for v in again.variants for o in v.outcomes
    ]
    assert z3.main_ctx() is outer
