"""frozen.py: a `@frozen` class behaves as the same class under `@dataclass(frozen=True)`."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frozen import frozen


def twins(body: dict[str, object], annotations: dict[str, object]) -> tuple[type, type]:
    """The same class body made by dataclass and by frozen."""
    made = []
    for decorate in (dataclass(frozen=True), frozen):
        namespace = {"__annotations__": dict(annotations), **body}
        made.append(decorate(type("Point", (), namespace)))
    return made[0], made[1]


SHAPES = [
    ({}, {}),
    ({}, {"x": "int"}),
    ({"y": None}, {"x": "int", "y": "str | None"}),
    ({"span": field(default=0, compare=False)}, {"x": "int", "span": "int"}),
    ({"note": field(default="", repr=False)}, {"x": "int", "note": "str"}),
    ({"cache": field(default=0, hash=False)}, {"x": "int", "cache": "int"}),
]
VALUES = [(), (1,), (1, "a"), (1, 7), (1, "hidden"), (1, 3)]


@pytest.mark.parametrize(("shape", "values"), zip(SHAPES, VALUES, strict=True))
def test_equality_hash_repr_and_fields_are_dataclasses(
    shape: tuple[dict[str, object], dict[str, object]], values: tuple[object, ...]
) -> None:
    reference, ours = twins(*shape)
    expected, got = reference(*values), ours(*values)
    assert repr(got) == repr(expected)
    assert hash(got) == hash(expected)
    assert got == ours(*values)
    assert (got != ours(*values)) is False
    assert [f.name for f in dataclasses.fields(got)] == [
        f.name for f in dataclasses.fields(expected)
    ]
    assert got != expected  # another class, as for two dataclasses
    assert got.__eq__(object()) is NotImplemented


def test_records_cross_to_workers_by_pickle() -> None:
    span = Span("ring.litmus", 3, 5)
    assert pickle.loads(pickle.dumps(span)) == span
    assert hash(pickle.loads(pickle.dumps(ir.Const(3)))) == hash(ir.Const(3))


def test_fields_excluded_from_comparison_are_ignored_as_dataclass_ignores_them() -> None:
    reference, ours = twins(*SHAPES[3])
    assert (reference(1, 5) == reference(1, 6)) == (ours(1, 5) == ours(1, 6)) is True
    assert hash(ours(1, 5)) == hash(ours(1, 6)) == hash(reference(1, 5))


def test_records_are_immutable_and_replace_works() -> None:
    _, ours = twins(*SHAPES[2])
    point = ours(1, "a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[attr-defined]
    assert dataclasses.replace(point, y="b") == ours(1, "b")


def test_methods_the_class_defines_are_kept() -> None:
    def equal(self: object, other: object) -> bool:
        return True

    def text(self: object) -> str:
        return "mine"

    def hashed(self: object) -> int:
        return 7

    _, ours = twins({"__eq__": equal, "__repr__": text, "__hash__": hashed}, {"x": "int"})
    assert ours(1) == ours(2) and repr(ours(1)) == "mine" and hash(ours(1)) == 7
    # An __eq__ alone leaves Python's __hash__ = None: dataclass then makes the hash.
    reference, only_eq = twins({"__eq__": equal}, {"x": "int"})
    assert hash(only_eq(3)) == hash(reference(3))
