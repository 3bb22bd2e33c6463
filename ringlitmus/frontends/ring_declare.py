"""A ring test's declarations: constants, params (with -D), locations, structs, variants.

Locations must be declared, one way or another: `x = 0`, `array ring[N] = 0`, or an instance of
a struct a prelude defines (`struct kvm_dirty_gfn gfn2` declares gfn2.flags, gfn2.slot, ...).
Using an undeclared one is an UndeclaredLocationError: a typo must not become a new location.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ringlitmus import ir
from ringlitmus.errors import (
    DuplicateNameError,
    Span,
    TypeMismatchError,
    UnknownNameError,
    UnsupportedInstructionError,
    UsageError,
)
from ringlitmus.frontends.build import check_unique
from ringlitmus.frontends.ring_expand import MAX_ITERATIONS
from ringlitmus.frontends.ring_names import Names, Resolver, Scope, choices_hint, suggestion
from ringlitmus.frontends.ring_syntax import (
    AddressOf,
    ArrayDefinition,
    Barrier,
    Definition,
    Expression,
    Item,
    Literal,
    LocationDefinition,
    OrderingWord,
    Path,
    StructDefinition,
    StructInstance,
    VariantDefinition,
)
from ringlitmus.frontends.ring_values import describe
from ringlitmus.frozen import frozen


@frozen
class Declarations:
    """The variant-independent part of a test: `names` holds each param's default choice."""

    names: Names
    locations: tuple[ir.LocationDecl, ...]


def declare(items: Sequence[Item], defines: Mapping[str, int]) -> Declarations:
    """Evaluate constants and params in file order, then lay out the locations."""
    definitions = [item for item in items if isinstance(item, Definition)]
    check_unique(((d.name, d.span) for d in definitions), DuplicateNameError, "constant or param")
    _check_defines(definitions, defines)
    numbers: dict[str, int] = {}
    choices: dict[str, OrderingWord | Barrier] = {}
    for definition in definitions:
        resolver = Resolver(Names(numbers, choices, frozenset(), {}), None)
        value = definition.value
        if isinstance(value, Literal):
            if not definition.is_param:
                raise TypeMismatchError(
                    f"a const is a number; `param {definition.name} = ...` chooses an ordering "
                    "or barrier per variant",
                    definition.span,
                )
            choices[definition.name] = value.value
        elif definition.is_param and definition.name in defines:
            numbers[definition.name] = defines[definition.name]
        else:
            if definition.is_param:
                _check_param_name(value, numbers, choices)
            numbers[definition.name] = resolver.number(value, Scope(), f"'{definition.name}'")
    layout = _Layout(Names(numbers, choices, frozenset(), {}))
    for item in items:
        if isinstance(item, LocationDefinition | ArrayDefinition | StructDefinition):
            layout.add(item)
        elif isinstance(item, StructInstance):
            layout.add_instance(item)
    return layout.finish()


def _check_defines(definitions: Sequence[Definition], defines: Mapping[str, int]) -> None:
    """Each -D names a number param."""
    kinds = {d.name: d for d in definitions}
    params = [d.name for d in definitions if d.is_param and not isinstance(d.value, Literal)]
    for name in defines:
        definition = kinds.get(name)
        if definition is None:
            listed = ", ".join(params) or "none"
            raise UsageError(
                f"-D {name}: the test has no `param {name}` (number params: {listed})"
                f"{suggestion(name, params)}"
            )
        if not definition.is_param:
            raise UsageError(f"-D {name}: {name} is a const; only a `param` can be set with -D")
        if isinstance(definition.value, Literal):
            raise UsageError(
                f"-D {name}: {name} chooses {describe(definition.value.value)}; -D sets numbers "
                "(a `variant` sets orderings)"
            )


class _Layout:
    """Collects location names first, so `y = &x` may name a location declared later."""

    def __init__(self, names: Names) -> None:
        self._names = names
        self._structs: dict[str, StructDefinition] = {}
        # name -> (one initial value per cell, None for 0; is_array; span), in declaration order
        self._pending: dict[str, tuple[tuple[Expression | None, ...], bool, Span | None]] = {}

    def _reserve(
        self, name: str, initial: tuple[Expression | None, ...], array: bool, span: Span | None
    ) -> None:
        if name in self._pending or name in self._names.numbers or name in self._names.choices:
            raise DuplicateNameError(f"'{name}' is declared twice", span)
        self._pending[name] = (initial, array, span)

    def _count(self, expression: Expression, what: str) -> int:
        count = Resolver(self._names, None).number(expression, Scope(), what)
        if not 0 < count <= MAX_ITERATIONS:
            raise UnsupportedInstructionError(
                f"{what} must be between 1 and {MAX_ITERATIONS}, not {count}", expression.span
            )
        return count

    def add(self, item: LocationDefinition | ArrayDefinition | StructDefinition) -> None:
        if isinstance(item, StructDefinition):
            if item.name in self._structs:
                raise DuplicateNameError(f"struct '{item.name}' is defined twice", item.span)
            check_unique(((f.name, f.span) for f in item.fields), DuplicateNameError, "field")
            self._structs[item.name] = item
        elif isinstance(item, ArrayDefinition):
            size = self._count(item.size, f"the size of array '{item.name}'")
            if isinstance(item.initial, tuple):
                if len(item.initial) != size:
                    raise TypeMismatchError(
                        f"array '{item.name}' has {size} cells but {len(item.initial)} values",
                        item.span,
                    )
                self._reserve(item.name, item.initial, True, item.span)
            else:
                self._reserve(item.name, (item.initial,) * size, True, item.span)
        else:
            name = _location_name(item, self._names)
            self._reserve(name, (item.initial,), False, item.span)

    def add_instance(self, item: StructInstance) -> None:
        struct = self._structs.get(item.struct)
        if struct is None:
            raise UnknownNameError(
                f"unknown struct '{item.struct}'{suggestion(item.struct, list(self._structs))}",
                item.span,
            )
        overrides = {field.name: field for field in item.overrides}
        check_unique(((f.name, f.span) for f in item.overrides), DuplicateNameError, "field")
        for name in overrides:
            if name not in {field.name for field in struct.fields}:
                raise UnknownNameError(
                    f"struct {struct.name} has no field '{name}'", overrides[name].span
                )
        fields = [overrides.get(field.name, field) for field in struct.fields]
        if item.count is None:
            prefixes = [item.name]
        else:
            count = self._count(item.count, f"the number of '{item.name}' entries")
            prefixes = [f"{item.name}{index}" for index in range(count)]
        for prefix in prefixes:
            for field in fields:
                self._reserve(f"{prefix}.{field.name}", (field.initial,), False, item.span)

    def finish(self) -> Declarations:
        scalars = frozenset(name for name, (_, array, _) in self._pending.items() if not array)
        arrays = {
            name: len(initial) for name, (initial, array, _) in self._pending.items() if array
        }
        names = Names(self._names.numbers, self._names.choices, scalars, arrays)
        resolver = Resolver(names, None)
        declarations = []
        for name, (initial, array, span) in self._pending.items():
            values = tuple(_initial_value(resolver, expression) for expression in initial)
            declarations.append(ir.LocationDecl(name, values, array, span))
        return Declarations(names, tuple(declarations))


def _location_name(item: LocationDefinition, names: Names) -> str:
    """`gfn[2].flags = 0` declares gfn2.flags; indices must be constants."""
    resolver = Resolver(names, None)
    text = []
    for part in item.path.parts:
        if part.index is None:
            text.append(part.name)
        else:
            index = resolver.number(part.index, Scope(), "an index in a declaration")
            text.append(f"{part.name}{index}")
    return ".".join(text)


def _initial_value(resolver: Resolver, expression: Expression | None) -> ir.Expr:
    """A location's initial value: a constant, or `&x` (an address, for pointer tests)."""
    if expression is None:
        return ir.Const(0)
    if isinstance(expression, AddressOf):
        address = resolver.location(expression.path, Scope())[0]
        if not isinstance(address, ir.Address):
            raise TypeMismatchError(
                "an initial address names a location or an array, not a cell", expression.span
            )
        return address
    return ir.Const(resolver.number(expression, Scope(), "an initial value"))


def variant_choices(
    variants: Sequence[VariantDefinition],
    defaults: Mapping[str, OrderingWord | Barrier],
    numbers: Mapping[str, int],
) -> list[tuple[str, dict[str, OrderingWord | Barrier], Span | None]]:
    """Each variant's name and its ordering/barrier choices; one `default` if none is declared."""
    check_unique(((v.name, v.span) for v in variants), DuplicateNameError, "variant")
    if not variants:
        return [("default", dict(defaults), None)]
    chosen = []
    for variant in variants:
        choices = dict(defaults)
        check_unique(((n, s) for n, _, s in variant.settings), DuplicateNameError, "setting")
        for name, value, span in variant.settings:
            if name in numbers:
                raise TypeMismatchError(
                    f"'{name}' is a number; variants choose orderings and barriers "
                    f"(set numbers with -D {name}=...)",
                    span,
                )
            if name not in defaults:
                raise UnknownNameError(
                    f"unknown param '{name}': declare it first, `param {name} = plain`"
                    f"{suggestion(name, list(defaults))}",
                    span,
                )
            default = defaults[name]
            if not isinstance(value, Literal) or type(value.value) is not type(default):
                wanted = "an ordering" if isinstance(default, OrderingWord) else "a barrier"
                written = value.text if isinstance(value, Path) else ""
                raise TypeMismatchError(f"'{name}' takes {choices_hint(written, wanted)}", span)
            choices[name] = value.value
        chosen.append((variant.name, choices, variant.span))
    return chosen


def _check_param_name(
    value: Expression, numbers: Mapping[str, int], choices: Mapping[str, OrderingWord | Barrier]
) -> None:
    """A param's value that is one unknown name was most likely meant as an ordering or a
    barrier (`acq`, `smp_wmb`): say what a param takes."""
    if not isinstance(value, Path) or len(value.parts) != 1 or value.parts[0].index is not None:
        return
    name = value.parts[0].name
    if name in numbers or name in choices:
        return
    raise UnknownNameError(
        f"unknown constant '{name}'{suggestion(name, list(numbers))}: a param is a number, "
        f"{choices_hint(name)}",
        value.span,
    )
