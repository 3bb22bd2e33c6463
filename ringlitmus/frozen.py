"""`@frozen`: `@dataclass(frozen=True)` for ringlitmus's many small immutable records, cheaper
to define.

`dataclass(frozen=True)` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__` and `__delattr__` as source text and compiles it, ~0.3-0.8 ms a class; with
~100 records on every run's import path that was more of a run than checking a small file.
Here `dataclass` only collects the fields (so `fields`, `replace`, `asdict` and `is_dataclass`
are its own) and nothing is compiled:
- `__init__` is one closure over the field names: a call giving every field positionally stores
  them in one step; any other call is bound as Python binds arguments (defaults, factories,
  keywords) and fails with Python's messages;
- assignment and deletion raise `FrozenInstanceError`, as dataclass's frozen methods do;
- equality, hashing and repr come from closures over `operator.attrgetter` that behave as
  dataclass's do: same fields (`compare`, `hash`, `repr` flags honoured), same tuple hash,
  same `Name(field=value, ...)` text, and a method the class body defines itself is kept.
`@hash_once` on top of `@frozen` remembers a record's hash, for trees used as dict keys.
What the records never use (`init=False` fields, keyword-only fields, `InitVar`,
`__post_init__`) is refused when the class is defined, not silently mishandled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

Record = TypeVar("Record", bound=type)


@dataclass_transform(frozen_default=True)
def frozen(cls: Record) -> Record:
    """`@dataclass(frozen=True)`, with its methods made without compiling code."""
    body = cls.__dict__
    defines_eq = "__eq__" in body
    defines_repr = "__repr__" in body
    class_hash = body.get("__hash__", dataclasses.MISSING)
    # dataclass's rule: a body that defines __eq__ alone gets __hash__ = None from Python,
    # which does not count as defining a hash.
    defines_hash = not (class_hash is dataclasses.MISSING or (class_hash is None and defines_eq))
    record: Any = dataclasses.dataclass(init=False, eq=False, repr=False)(cls)
    fields = dataclasses.fields(record)
    _refuse_unsupported(record, fields)
    record.__init__ = _initializer(record, fields)
    record.__setattr__ = _refuse_assignment
    record.__delattr__ = _refuse_deletion
    if not defines_eq:
        record.__eq__ = _equality([f.name for f in fields if f.compare])
    if not defines_hash:
        record.__hash__ = _hashing(
            [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
        )
    if not defines_repr:
        record.__repr__ = _representation([f.name for f in fields if f.repr])
    return record  # type: ignore[no-any-return]


def hash_once(cls: Record) -> Record:
    """Remember a `@frozen` record's hash: for trees (guards, model terms) hashed again and
    again as dict keys, each hash would otherwise walk the whole tree."""
    compute: Any = cls.__hash__

    def cached_hash(self: Any) -> int:
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = self.__dict__["_hash"] = compute(self)
        return cached  # type: ignore[no-any-return]

    def state_without_hash(self: Any) -> dict[str, object]:
        # String hashes differ between processes: never ship a cached one.
        return {key: value for key, value in self.__dict__.items() if key != "_hash"}

    record: Any = cls
    record.__hash__ = cached_hash
    record.__getstate__ = state_without_hash
    return cls


def _refuse_unsupported(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> None:
    """Stop at definition what `_initializer` does not do as dataclass would."""
    named = {f.name for f in fields}
    unsupported = [f.name for f in fields if not f.init or f.kw_only is True]
    unsupported += [  # InitVars are pseudo-fields: in __dataclass_fields__, not in fields()
        name
        for name, field in getattr(cls, "__dataclass_fields__", {}).items()
        if name not in named and "InitVar" in str(field.type)
    ]
    if unsupported or hasattr(cls, "__post_init__"):
        raise TypeError(
            f"@frozen {cls.__qualname__}: init=False, kw_only, InitVar and __post_init__ are "
            f"not supported ({', '.join(unsupported) or '__post_init__'}); use @dataclass"
        )


def _initializer(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """`__init__(self, *fields)` as dataclass writes it, without compiling it."""
    names = tuple(f.name for f in fields)
    count = len(names)
    missing = dataclasses.MISSING
    required = sum(f.default is missing and f.default_factory is missing for f in fields)
    takes = (  # Python's words, counting self
        f"{count + 1} positional argument{'s' if count else ''}"
        if required == count
        else f"from {required + 1} to {count + 1} positional arguments"
    )

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        # The slow path: what Python does for `def __init__(self, a, b=1, ...)`.
        title = f"{cls.__qualname__}.__init__()"
        if len(args) > count:
            raise TypeError(f"{title} takes {takes} but {len(args) + 1} were given")
        values: dict[str, Any] = {}
        absent = []
        for position, field in enumerate(fields):
            name = field.name
            if position < len(args):
                if name in kwargs:
                    raise TypeError(f"{title} got multiple values for argument {name!r}")
                values[name] = args[position]
            elif name in kwargs:
                values[name] = kwargs.pop(name)
            elif field.default is not missing:
                values[name] = field.default
            elif field.default_factory is not missing:
                values[name] = field.default_factory()
            else:
                absent.append(name)
        if kwargs:
            raise TypeError(f"{title} got an unexpected keyword argument {next(iter(kwargs))!r}")
        if absent:
            raise TypeError(f"{title} missing {_count(absent)}: {_listing(absent)}")
        return values

    def initialize(self: Any, *args: Any, **kwargs: Any) -> None:
        if not kwargs and len(args) == count:
            self.__dict__.update(zip(names, args, strict=True))
        else:
            self.__dict__.update(bind(args, kwargs))

    initialize.__name__ = "__init__"
    initialize.__qualname__ = f"{cls.__qualname__}.__init__"
    return initialize


def _count(names: list[str]) -> str:
    return f"{len(names)} required positional argument{'s' if len(names) > 1 else ''}"


def _listing(names: list[str]) -> str:
    """Python's list of missing arguments: 'a', 'a' and 'b', 'a', 'b', and 'c'."""
    quoted = [repr(name) for name in names]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def _refuse_assignment(self: object, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


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
