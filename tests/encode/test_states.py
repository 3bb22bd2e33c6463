"""encode/states.py: a complete enumeration of final states answers herd's two questions per
outcome (is the condition reachable, can it fail) without a query each; a cut-short one never
does."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringlitmus import outcomes
from ringlitmus.frontends import parse_file
from ringlitmus.models import models_for
from ringlitmus.outcomes import CheckOptions, OutcomeResult, VariantResult, check_test
from ringlitmus.reports.herd_states import condition_holds
from ringlitmus.semantics import layout_locations

DATA = Path(__file__).resolve().parent.parent / "data"
# herd files of every quantifier, with flags, filters and tests without any execution.
FILES = sorted(
    path
    for folder in ("c", "lkmm", "herd-lines", "no-execution")
    for path in (DATA / folder).glob("*.litmus")
)


def _answers(variant: VariantResult) -> list[tuple[str, str, str | None, bool]]:
    return [
        (o.name, o.status.value, o.always.value if o.always else None, o.ok is True)
        for o in variant.outcomes
    ]


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_a_complete_enumeration_answers_as_the_queries_do(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = parse_file(str(path))
    model = models_for(test.format)[-1] if test.format.value == "c" else models_for(test.format)[0]
    asked = check_test(test, CheckOptions(model=model, observation=True))

    def no_query(*_: object, **__: object) -> OutcomeResult:
        raise AssertionError("a complete enumeration needs no query per outcome")

    monkeypatch.setattr(outcomes, "decide_outcome", no_query)
    seen = check_test(test, CheckOptions(model=model, observation=True, states=True))
    bases, _ = layout_locations(test.variants[0].program)
    for by_query, by_states in zip(asked.variants, seen.variants, strict=True):
        assert by_states.states_complete
        assert by_states.no_execution == by_query.no_execution
        assert _answers(by_states) == _answers(by_query)
        for result, outcome in zip(by_states.outcomes, test.outcomes, strict=True):
            if result.witness is None:
                continue
            # The witness is an execution's final state that satisfies what was asked.
            assert result.witness in by_states.states
            assert result.execution is not None and set(result.execution) == {"rf", "co"}
            holds = condition_holds(test, outcome.condition, result.witness, bases)
            assert holds is (outcome.kind is not outcomes.ir.OutcomeKind.REQUIRED)


def test_a_cut_short_enumeration_leaves_the_answers_to_the_queries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test = parse_file(str(DATA / "herd-lines" / "SB+forall.litmus"))
    model = models_for(test.format)[0]
    asked = check_test(test, CheckOptions(model=model, observation=True))
    queried: list[str] = []
    real = outcomes.decide_outcome

    def counted(*arguments, **keywords):  # type: ignore[no-untyped-def]
        queried.append(arguments[1].name)
        return real(*arguments, **keywords)

    monkeypatch.setattr(outcomes, "decide_outcome", counted)
    options = CheckOptions(model=model, observation=True, states=True, max_states=1)
    [variant] = check_test(test, options).variants
    assert not variant.states_complete and variant.states and len(variant.states) == 1
    assert queried == [outcome.name for outcome in test.outcomes]
    assert _answers(variant) == _answers(asked.variants[0])
