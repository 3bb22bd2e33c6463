"""frozen.py: a `@frozen` class behaves as the same class under `@dataclass(frozen=True)`."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frozen import frozen, hash_once


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


@pytest.mark.parametrize(("shape", "values"), list(zip(SHAPES, VALUES, strict=True)))
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


CALLS = [  # (shape index, args, kwargs)
    (0, (), {}),
    (1, (1,), {}),
    (1, (), {"x": 1}),
    (2, (1,), {}),
    (2, (1,), {"y": "b"}),
    (2, (), {"y": "b", "x": 1}),
    (3, (1,), {"span": 9}),
]


@pytest.mark.parametrize(("shape", "args", "kwargs"), CALLS)
def test_construction_binds_arguments_as_dataclass_does(
    shape: int, args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    reference, ours = twins(*SHAPES[shape])
    expected, got = reference(*args, **kwargs), ours(*args, **kwargs)
    assert vars(got) == vars(expected)
    assert list(vars(got)) == list(vars(expected))  # fields in declaration order


BAD_CALLS = [  # a shape with fields x (required) and y (default None)
    ((), {}),
    ((1, 2, 3), {}),
    ((1,), {"x": 2}),
    ((1,), {"z": 2}),
]


@pytest.mark.parametrize(("args", "kwargs"), BAD_CALLS)
def test_bad_construction_fails_with_pythons_message(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    reference, ours = twins(*SHAPES[2])
    with pytest.raises(TypeError) as expected:
        reference(*args, **kwargs)
    with pytest.raises(TypeError) as got:
        ours(*args, **kwargs)
    assert str(got.value) == str(expected.value)


def test_missing_arguments_are_listed_as_python_lists_them() -> None:
    annotations = {"a": "int", "b": "int", "c": "int"}
    reference, ours = twins({}, annotations)
    for args in [(), (1,)]:
        with pytest.raises(TypeError) as expected:
            reference(*args)
        with pytest.raises(TypeError) as got:
            ours(*args)
        assert str(got.value) == str(expected.value)


def test_default_factories_give_each_record_its_own_value() -> None:
    _, ours = twins({"items": field(default_factory=list)}, {"x": "int", "items": "list[int]"})
    first, second = ours(1), ours(2)
    assert first.items == [] and first.items is not second.items
    assert ours(1, [3]).items == [3]


def test_deletion_is_refused_and_copies_stay_frozen() -> None:
    _, ours = twins(*SHAPES[2])
    point = ours(1, "a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.x  # type: ignore[attr-defined]
    clone = pickle.loads(pickle.dumps(ir.Const(3)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        clone.value = 4  # type: ignore[misc]
    assert dataclasses.asdict(ours(1, "a")) == {"x": 1, "y": "a"}


def test_inherited_fields_come_first_as_in_dataclass() -> None:
    bases = twins({"y": 0}, {"x": "int", "y": "int"})
    made = [
        decorate(type("Child", (base,), {"__annotations__": {"z": "int"}, "z": 5}))
        for decorate, base in zip((dataclass(frozen=True), frozen), bases, strict=True)
    ]
    assert vars(made[1](1, 2)) == vars(made[0](1, 2)) == {"x": 1, "y": 2, "z": 5}
    assert repr(made[1](1)) == repr(made[0](1))


def test_what_the_initializer_does_not_do_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="not supported"):
        frozen(type("A", (), {"__annotations__": {"x": "int"}, "x": field(init=False)}))
    with pytest.raises(TypeError, match="__post_init__"):
        frozen(type("B", (), {"__annotations__": {"x": "int"}, "__post_init__": lambda s: 0}))
    with pytest.raises(TypeError, match="not supported"):
        frozen(type("C", (), {"__annotations__": {"x": "dataclasses.InitVar[int]"}}))


COMPUTED: list[str] = []


@hash_once
@frozen
class Node:
    """A record whose hash counts its computations."""

    label: str

    def __hash__(self) -> int:
        COMPUTED.append(self.label)
        return hash(self.label)


def test_hash_once_remembers_the_hash_and_never_ships_it() -> None:
    node = Node("po")
    assert hash(node) == hash(node) == hash("po") and COMPUTED == ["po"]
    assert node == Node("po") and "_hash" not in vars(pickle.loads(pickle.dumps(node)))
