"""A variant's result as JSON data and back: what the result cache keeps on disk.

`variant_from_data` trusts nothing: any value of the wrong shape raises ValueError, which the
cache's user treats as a miss, so a damaged entry is recomputed rather than believed.
"""

from __future__ import annotations

from typing import Any

from ringlitmus import ir
from ringlitmus.encode.solver import Verdict
from ringlitmus.outcomes import OutcomeResult, VariantResult


def variant_to_data(variant: VariantResult) -> dict[str, Any]:
    """Every field of `variant`, enums by value."""
    return {
        "variant": variant.variant,
        "time_s": variant.time_s,
        "outcomes": [outcome_to_data(outcome) for outcome in variant.outcomes],
        "states": [dict(state) for state in variant.states] if variant.states is not None else None,
        "states_complete": variant.states_complete,
        "model": variant.model,
        "no_execution": variant.no_execution,
        "flags": list(variant.flags),
        "unknown_flags": list(variant.unknown_flags),
    }


def outcome_to_data(outcome: OutcomeResult) -> dict[str, Any]:
    """Every field of `outcome`, enums by value."""
    return {
        "name": outcome.name,
        "kind": outcome.kind.value,
        "status": outcome.status.value,
        "expected": outcome.expected.value if outcome.expected is not None else None,
        "ok": outcome.ok,
        "witness": dict(outcome.witness) if outcome.witness is not None else None,
        "execution": (
            {relation: list(edges) for relation, edges in outcome.execution.items()}
            if outcome.execution is not None
            else None
        ),
        "reason": outcome.reason,
        "always": outcome.always.value if outcome.always is not None else None,
    }


def variant_from_data(data: object) -> VariantResult:
    """The VariantResult `variant_to_data` gave; ValueError if `data` is not one."""
    fields = _mapping(data)
    states = fields["states"]
    return VariantResult(
        variant=_string(fields["variant"]),
        time_s=_number(fields["time_s"]),
        outcomes=tuple(outcome_from_data(item) for item in _list(fields["outcomes"])),
        states=None if states is None else tuple(_state(state) for state in _list(states)),
        states_complete=_boolean(fields["states_complete"]),
        model=_string(fields["model"]),
        no_execution=_boolean(fields["no_execution"]),
        flags=tuple(_string(flag) for flag in _list(fields["flags"])),
        unknown_flags=tuple(_string(flag) for flag in _list(fields["unknown_flags"])),
    )


def outcome_from_data(data: object) -> OutcomeResult:
    """The OutcomeResult `outcome_to_data` gave; ValueError if `data` is not one."""
    fields = _mapping(data)
    expected, ok, witness = fields["expected"], fields["ok"], fields["witness"]
    execution, reason, always = fields["execution"], fields["reason"], fields["always"]
    return OutcomeResult(
        name=_string(fields["name"]),
        kind=ir.OutcomeKind(fields["kind"]),
        status=Verdict(fields["status"]),
        expected=None if expected is None else ir.Reachability(expected),
        ok=None if ok is None else _boolean(ok),
        witness=None if witness is None else _state(witness),
        execution=None if execution is None else _execution(execution),
        reason=None if reason is None else _string(reason),
        always=None if always is None else Verdict(always),
    )


def _mapping(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise ValueError(f"expected an object, got {type(data).__name__}")
    return _Fields(data)


class _Fields(dict[str, Any]):
    """A JSON object whose missing keys are ValueErrors, like every other bad shape."""

    def __missing__(self, key: str) -> Any:
        raise ValueError(f"missing key '{key}'")


def _list(data: object) -> list[Any]:
    if not isinstance(data, list):
        raise ValueError(f"expected a list, got {type(data).__name__}")
    return data


def _string(data: object) -> str:
    if not isinstance(data, str):
        raise ValueError(f"expected a string, got {type(data).__name__}")
    return data


def _boolean(data: object) -> bool:
    if not isinstance(data, bool):
        raise ValueError(f"expected true or false, got {type(data).__name__}")
    return data


def _integer(data: object) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise ValueError(f"expected an integer, got {type(data).__name__}")
    return data


def _number(data: object) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise ValueError(f"expected a number, got {type(data).__name__}")
    return data


def _state(data: object) -> dict[str, int]:
    return {name: _integer(value) for name, value in _mapping(data).items()}


def _execution(data: object) -> dict[str, list[str]]:
    return {
        relation: [_string(edge) for edge in _list(edges)]
        for relation, edges in _mapping(data).items()
    }
