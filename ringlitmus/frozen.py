"""`@frozen`: `@dataclass(frozen=True)` for ringlitmus's many small immutable records, cheaper
to define.

`dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`
and `__delattr__` as source text and compiles it; with ~110 such classes on every run's import
path that was ~60% of importing ringlitmus, more than checking a small file. Here `dataclass`
still writes `__init__` and the frozen `__setattr__`/`__delattr__` (so fields, `replace`,
`asdict` and immutability are its own), while equality, hashing and repr come from closures
over `operator.attrgetter` that behave as dataclass's do: same fields (`compare`, `hash`,
`repr` flags honoured), same tuple hash, same `Name(field=value, ...)` text, and a method the
class body defines itself is kept, as dataclass keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

Record = TypeVar("Record", bound=type)


@dataclass_transform(frozen_default=True)
def frozen(cls: Record) -> Record:
    """`@dataclass(frozen=True)`, with equality, hash and repr made without compiling code."""
    body = cls.__dict__
    defines_eq = "__eq__" in body
    defines_repr = "__repr__" in body
    class_hash = body.get("__hash__", dataclasses.MISSING)
    # dataclass's rule: a body that defines __eq__ alone gets __hash__ = None from Python,
    # which does not count as defining a hash.
    defines_hash = not (class_hash is dataclasses.MISSING or (class_hash is None and defines_eq))
    cls = dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
    fields = dataclasses.fields(cls)
    if not defines_eq:
        cls.__eq__ = _equality([f.name for f in fields if f.compare])  # type: ignore[method-assign]
    if not defines_hash:
        hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
        cls.__hash__ = _hashing(hashed)  # type: ignore[method-assign,assignment]
    if not defines_repr:
        cls.__repr__ = _representation([f.name for f in fields if f.repr])  # type: ignore[method-assign]
    return cls


def _equality(names: list[str]) -> Callable[[Any, object], Any]:
    """dataclass's `__eq__`: same class, then the tuples of the compared fields equal."""
    if len(names) == 1:
        one = attrgetter(names[0])

        def equal_one(self: Any, other: object) -> Any:
            if other.__class__ is self.__class__:
                return (one(self),) == (one(other),)
            return NotImplemented

        return equal_one
    values = attrgetter(*names) if names else (lambda record: ())

    def equal(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return equal


def _hashing(names: list[str]) -> Callable[[Any], int]:
    """dataclass's `__hash__`: the hash of the tuple of the hashed fields."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda self: hash((one(self),))
    if not names:
        empty = hash(())
        return lambda self: empty
    values = attrgetter(*names)
    return lambda self: hash(values(self))


def _representation(names: list[str]) -> Callable[[Any], str]:
    def represent(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return represent
