"""`export --to herd`: IR -> herd AArch64 text that reads back to the same verdicts.

Three oracles (herd_export_oracles.py) on hand-built tests (herd_export_cases.py), every file in
litmus/ and herd's catalogue: check_test before and after, the event structures, herd7's forms.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from herd_export_cases import (
    ACQUIRE,
    ACQUIRE_PC,
    ADD,
    ALLOWED,
    EQ,
    FORBIDDEN,
    HAND_BUILT,
    LT,
    MOD,
    MUL,
    REACHABLE,
    RELEASE,
    REQUIRED,
    UNREACHABLE,
    A,
    C,
    R,
    array,
    cell,
    cmp,
    forbidden,
    hand_built,
    make_test,
    op,
    scalars,
    thread,
)
from herd_export_oracles import assert_herd_shaped, assert_same_events, exports, verdicts
from ring_helpers import LITMUS_FILES
from syrupy.assertion import SnapshotAssertion

from ringlitmus import ir
from ringlitmus.errors import LitmusError, UnsupportedInstructionError, UsageError
from ringlitmus.frontends import parse_file
from ringlitmus.frontends.aarch64 import parse_aarch64
from ringlitmus.reports.herd_export import export_herd, export_names, location_names

LITMUS = Path(__file__).resolve().parents[2] / "litmus"
CATALOGUE = os.environ.get("RINGLITMUS_HERD_CATALOGUE")


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("test", HAND_BUILT.values(), ids=HAND_BUILT.keys())
def test_hand_built_tests_read_back_to_the_same_verdicts(test: ir.Test) -> None:
    for variant, outcome, text, back in exports(test):
        assert verdicts(back, None, None) == verdicts(test, variant, outcome), text
        assert_same_events(test.variant(variant).program, back.variants[0].program)
        assert_herd_shaped(text)


@pytest.mark.parametrize("path", LITMUS_FILES, ids=[p.name for p in LITMUS_FILES])
def test_litmus_files_read_back_to_the_same_verdicts(path: Path) -> None:
    test = parse_file(str(path))
    assert len(export_names(test)) == len(test.variants) * max(1, len(test.outcomes))
    for variant, outcome, text, back in exports(test):
        assert verdicts(back, None, None) == verdicts(test, variant, outcome), text
        assert_same_events(test.variant(variant).program, back.variants[0].program)
        assert_herd_shaped(text)


def catalogue_files() -> list[Path]:
    if CATALOGUE is None:
        return []
    root = Path(CATALOGUE)
    return sorted(
        path
        for folder in ("aarch64", "aarch64-pick", "aarch64-cas")
        for path in (root / folder / "tests").glob("*.litmus")
    )


@pytest.mark.skipif(CATALOGUE is None, reason="set RINGLITMUS_HERD_CATALOGUE")
@pytest.mark.parametrize("path", catalogue_files(), ids=lambda path: path.name)
def test_herd_catalogue_tests_read_back_to_the_same_verdicts(path: Path) -> None:
    """herd's own tests, exported again: the AArch64 idioms (CAS Rs, WZR, CSEL) survive."""
    try:
        test = parse_aarch64(path.read_text(), str(path))
    except LitmusError:
        pytest.skip("a catalogue test the front end rejects (test_herd_catalogue covers it)")
    ((_, _, text, back),) = exports(test)
    assert verdicts(back, None, None) == verdicts(test, None, None), text
    assert_same_events(test.variants[0].program, back.variants[0].program)
    assert_herd_shaped(text)


def test_the_export_is_deterministic() -> None:
    test = HAND_BUILT["names-variants-and-outcomes"]
    texts = [export_herd(test, variant, outcome) for variant, outcome, _ in export_names(test)]
    again = [export_herd(test, variant, outcome) for variant, outcome, _ in export_names(test)]
    assert texts == again
    assert texts[0] == export_herd(hand_built()["names-variants-and-outcomes"], "v 1", "a")


@pytest.mark.parametrize("name", ["mp-ctrl-isb", "ring-register-index", "lb-ctrl-boolean"])
def test_the_text_is_as_herd_writes_it(name: str, snapshot: SnapshotAssertion) -> None:
    test = HAND_BUILT[name]
    assert [export_herd(test, variant, outcome) for variant, outcome, _ in export_names(test)] == (
        snapshot
    )


# --------------------------------------------------------------------------- names and claims


def test_names_one_file_per_variant_and_outcome() -> None:
    test = HAND_BUILT["names-variants-and-outcomes"]
    assert export_names(test) == [
        ("v 1", "a", "names-variants-and-outcomes+v_1+a"),
        ("v 1", "b", "names-variants-and-outcomes+v_1+b"),
        ("v 1", "c", "names-variants-and-outcomes+v_1+c"),
        ("v+2", "a", "names-variants-and-outcomes+v_2+a"),
        ("v+2", "b", "names-variants-and-outcomes+v_2+b"),
        ("v+2", "c", "names-variants-and-outcomes+v_2+c"),
    ]
    assert export_names(HAND_BUILT["mp-dmbs"]) == [("default", "bad", "mp-dmbs")]
    clash = make_test("t", (thread("P"),), (), forbidden(ir.Truth()), variants=("a b", "a_b"))
    assert [name for _, _, name in export_names(clash)] == ["t+a_b", "t+a_b_2"]


def test_locations_get_distinct_herd_identifiers() -> None:
    locations = (
        *scalars("gfn2.flags", "gfn2_flags", "x1", "P0", "exists", "_hidden"),
        array("ring", 0, 0),
    )
    assert location_names(locations) == {
        "gfn2.flags": "gfn2_flags",
        "gfn2_flags": "gfn2_flags_2",
        "x1": "x1_",
        "P0": "P0_",
        "exists": "exists_",
        "_hidden": "hidden",
        "ring[0]": "ring_0",
        "ring[1]": "ring_1",
    }


@pytest.mark.parametrize(
    ("kind", "status", "quantifier", "expected"),
    [
        (FORBIDDEN, None, "exists", "Forbidden"),
        (FORBIDDEN, REACHABLE, "exists", "Allowed"),
        (FORBIDDEN, UNREACHABLE, "exists", "Forbidden"),
        (ALLOWED, None, "exists", None),
        (ALLOWED, REACHABLE, "exists", "Allowed"),
        (ALLOWED, UNREACHABLE, "exists", "Forbidden"),
        (REQUIRED, None, "forall", "Required"),
        (REQUIRED, REACHABLE, "forall", "Allowed"),
        (REQUIRED, UNREACHABLE, "forall", "Required"),
    ],
)
def test_the_claim_becomes_a_quantifier_and_an_expected_line(
    kind: ir.OutcomeKind, status: ir.Reachability | None, quantifier: str, expected: str | None
) -> None:
    claims = (ir.Expectation("default", "o", status),) if status else ()
    outcome = ir.Outcome("o", kind, cmp(EQ, cell("x"), C(1)))
    test = make_test(
        "t", (thread("P", ir.Store(A("x"), C(1))),), scalars("x"), outcome, expectations=claims
    )
    text = export_herd(test, "default")
    assert text.rstrip().endswith(f"{quantifier} (x=1)")
    lines = [line for line in text.splitlines() if line.startswith("Expected=")]
    assert lines == ([f"Expected={expected}"] if expected else [])
    assert verdicts(parse_aarch64(text, "t"), None, None) == verdicts(test, None, None)


def test_choosing_the_variant_and_outcome() -> None:
    test = HAND_BUILT["names-variants-and-outcomes"]
    with pytest.raises(UsageError, match="no variant 'v 3'"):
        export_herd(test, "v 3", "a")
    with pytest.raises(UsageError, match="its outcomes: a, b, c"):
        export_herd(test, "v 1")
    with pytest.raises(UsageError, match="no outcome 'd'"):
        export_herd(test, "v 1", "d")
    empty = make_test("empty", (thread("P"),), ())
    assert export_names(empty) == [("default", None, "empty")]
    with pytest.raises(UsageError, match="none"):
        export_herd(empty, "default")


# --------------------------------------------------------------------------- unsupported


def one_thread(*code: ir.Instruction, condition: ir.Condition | None = None) -> ir.Test:
    locations = (*scalars("x", "y"), array("ring", 0, 0))
    outcome = forbidden(condition or cmp(EQ, cell("x"), C(1)))
    return make_test("u", (thread("P", ir.Load("r0", A("y")), *code),), locations, outcome)


UNSUPPORTED = {
    "register-times-register": (one_thread(ir.Assign("r1", op(MUL, R("r0"), R("r0")))), "MUL"),
    "modulo-of-a-register": (one_thread(ir.Assign("r1", op(MOD, R("r0"), C(4)))), "'%'"),
    "array-address-stored": (one_thread(ir.Store(A("x"), A("ring"))), "array"),
    "array-address-in-a-register": (
        one_thread(ir.Assign("r1", op(ADD, A("ring"), R("r0")))),
        "array",
    ),
    "array-index-scaled-twice": (
        one_thread(ir.Load("r1", op(MUL, op(ADD, A("ring"), R("r0")), C(2)))),
        "array",
    ),
    "not-a-cell": (one_thread(ir.Load("r1", op(ADD, A("x"), C(16)))), "not a cell"),
    "not-an-address": (one_thread(ir.Load("r1", C(64))), "not a location"),
    "two-addresses": (one_thread(ir.Load("r1", op(ADD, A("x"), A("y")))), "herd cannot"),
    "cas-discarding-non-zero": (
        one_thread(ir.Rmw(ir.RmwOp.CAS, None, A("x"), C(1), expected=C(2))),
        "compare with 0",
    ),
    "exclusive-acquire-pc": (
        one_thread(ir.Load("r1", A("x"), ACQUIRE_PC, exclusive=True)),
        "exclusive and acquire-pc",
    ),
    "release-load": (one_thread(ir.Load("r1", A("x"), RELEASE)), "load is release"),
    "acquire-store": (one_thread(ir.Store(A("x"), C(1), ACQUIRE)), "store is acquire"),
    "too-many-registers": (
        one_thread(*(ir.Assign(f"t{index}", C(index)) for index in range(31))),
        "needs 33 registers; AArch64 has 31",
    ),
    "x86-mfence": (one_thread(ir.Fence(ir.FenceKind.MFENCE)), "mfence is not an AArch64 barrier"),
    "less-than-in-the-outcome": (one_thread(condition=cmp(LT, cell("x"), C(1))), "equality"),
    "two-values-in-the-outcome": (one_thread(condition=cmp(EQ, C(1), A("x"))), "register or"),
}


@pytest.mark.parametrize(("test", "message"), UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_what_herd_cannot_say_is_refused(test: ir.Test, message: str) -> None:
    with pytest.raises(UnsupportedInstructionError, match=re.escape(message)):
        export_herd(test, "default")
