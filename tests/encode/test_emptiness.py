"""Terms known empty from their shape: never made, and never wrongly so."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringlitmus.encode import relations
from ringlitmus.encode.execution import encode_execution
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.encode.solver import fresh_context
from ringlitmus.frontends import parse_file
from ringlitmus.frontends.c import parse_c
from ringlitmus.models import MODELS, models_for
from ringlitmus.models.relations import Model, Named, RelTerm
from ringlitmus.semantics import build_event_structure

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = os.environ.get("RINGLITMUS_HERD_CATALOGUE")
# The regressions (every format and model), and herd's linux catalogue (locks, RCU, SRCU).
FILES = sorted((ROOT / "litmus" / "regressions").glob("*.litmus")) + (
    sorted((Path(CATALOGUE) / "linux" / "tests").glob("*.litmus")) if CATALOGUE else []
)

MP_WITH_FENCES = """C MP+wmb+rmb
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_wmb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*y); smp_rmb(); r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)
"""


def every_term(model: Model) -> list[RelTerm]:
    return [
        *model.definitions,
        *(axiom.relation for axiom in model.axioms),
        *(flag.relation for flag in model.flags),
    ]


def pairs_of_every_term(path: Path, model: str) -> list[set[tuple[int, int]]]:
    test = parse_file(str(path))
    found = []
    for variant in test.variants:
        with fresh_context() as kept:
            structure = build_event_structure(variant.program)
            encoder = RelationEncoder(encode_execution(structure))
            for term in every_term(MODELS[model]):
                found.append(set(encoder.pairs(term)))
            kept.append(encoder)
    return found


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_a_term_known_empty_has_no_pair_when_made_in_full(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for model in models_for(parse_file(str(path)).format):
        shortcut = pairs_of_every_term(path, model)
        with monkeypatch.context() as patched:
            patched.setattr(relations, "known_empty", lambda *_: False)
            in_full = pairs_of_every_term(path, model)
        assert shortcut == in_full, model


def test_the_rcu_and_propagation_relations_of_a_test_without_them_are_never_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test = parse_c(MP_WITH_FENCES, "mp.litmus")
    made: list[str] = []
    encode = RelationEncoder._encode

    def recording(encoder: RelationEncoder, term: RelTerm) -> object:
        if isinstance(term, Named):
            made.append(term.name)
        return encode(encoder, term)

    monkeypatch.setattr(RelationEncoder, "_encode", recording)
    with fresh_context() as kept:
        structure = build_event_structure(test.variants[0].program)
        encoder = RelationEncoder(encode_execution(structure))
        constraints = [encoder.encode_axiom(axiom) for axiom in MODELS["lkmm"].axioms]
        kept.extend((encoder, constraints))
    assert "hb" in made and "prop" in made  # what the test does need is made
    # No smp_mb(), grace period or read-side section: pb and rcu's chains are empty.
    assert not {"pb", "rb", "rcu-order", "rcu-fence", "strong-fence"} & set(made)
