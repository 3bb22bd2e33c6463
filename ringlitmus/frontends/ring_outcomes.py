"""Resolve a ring test's outcomes (final conditions) and expectations against its threads.

Conditions are common.lark's rules, turned into IR by conditions.py; this module supplies the
ring DSL's reading of a term: `THREAD.register` is a final register, a location name its final
value, a constant its number. `any i in 0..N-1:` repeats the condition per i (joined by `||`,
`all` by `&&`), with `[i]` in a term replaced by the number.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

from lark import Token, Transformer, Tree, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import (
    BadExpectationError,
    DuplicateNameError,
    LitmusSyntaxError,
    Span,
    TypeMismatchError,
    UndeclaredLocationError,
    UnknownNameError,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.build import check_unique, parse_integer, span_of, transform_tree
from ringlitmus.frontends.conditions import TermSide, WrittenTerm, merge_condition_callbacks
from ringlitmus.frontends.ring_expand import MAX_ITERATIONS
from ringlitmus.frontends.ring_names import Names, Resolver, Scope, suggestion
from ringlitmus.frontends.ring_syntax import ExpectationDefinition, OutcomeDefinition
from ringlitmus.frontends.ring_values import MAX_BITS, describe

# thread name -> variant name -> registers the thread writes in that variant
Registers = Mapping[str, Mapping[str, frozenset[str]]]


class _RingTerms(Transformer[Token, object]):
    """Callbacks for ring.lark's own condition rules: `term_indexed` (`CPU1.slot[i]` with i
    bound by a quantifier) and `final_arithmetic` (`Reader.s0 % 2`)."""

    def __init__(
        self,
        file: str,
        bindings: Mapping[str, int],
        resolve: Callable[[WrittenTerm, TermSide], ir.Term],
    ) -> None:
        super().__init__()
        self._file = file
        self._bindings = bindings
        self._resolve = resolve

    @v_args(meta=True)
    def final_arithmetic(self, meta: Meta, children: list[object]) -> ir.FinalArithmetic:
        left, right = self._value(children[0]), self._value(children[2])
        symbol = children[1]
        if isinstance(symbol, Tree):  # the operator rule, when a transformer has not inlined it
            symbol = symbol.children[0]
        operator = _OPERATORS[str(symbol)]
        if isinstance(operator, ir.ShiftOp) and not (
            isinstance(right, ir.Const) and 0 <= right.value <= MAX_BITS
        ):
            raise UnsupportedInstructionError(
                f"a shift in a condition is by a constant from 0 to {MAX_BITS}",
                span_of(meta, self._file),
            )
        return ir.FinalArithmetic(operator, left, right)

    def _value(self, child: object) -> ir.Term:
        if isinstance(child, WrittenTerm):
            return self._resolve(child, TermSide.LEFT)
        assert isinstance(child, ir.Const | ir.FinalArithmetic), child
        return child

    @v_args(meta=True)
    def term_indexed(self, meta: Meta, children: list[object]) -> WrittenTerm:
        span = span_of(meta, self._file)
        path: list[str | int] = list(children[0]) if isinstance(children[0], tuple) else []
        for token in children[1:]:
            assert isinstance(token, Token)
            if token.type.endswith("VARIABLE_INDEX"):
                variable = str(token).strip("[] \t")
                if variable not in self._bindings:
                    raise UnknownNameError(
                        f"'{variable}' is not bound here: write `any {variable} in 0..N-1:` "
                        "before the condition",
                        span,
                    )
                path.append(self._bindings[variable])
            elif token.type.endswith("INTEGER"):
                path.append(parse_integer(str(token), span))
            else:
                path.append(str(token))
        return WrittenTerm(tuple(path), span=span)


_OPERATORS: dict[str, ir.ArithOp | ir.ShiftOp] = {
    **{op.value: op for op in ir.ArithOp},
    **{op.value: op for op in ir.ShiftOp},
}


class OutcomeBuilder:
    """Builds the IR outcomes of one test."""

    def __init__(self, file: str, names: Names, registers: Registers) -> None:
        self._file = file
        self._names = names
        self._registers = registers

    def outcomes(self, definitions: Sequence[OutcomeDefinition]) -> tuple[ir.Outcome, ...]:
        """Every outcome, names unique."""
        check_unique(((d.name, d.span) for d in definitions), DuplicateNameError, "outcome")
        return tuple(ir.Outcome(d.name, d.kind, self._condition(d), d.span) for d in definitions)

    def _condition(self, definition: OutcomeDefinition) -> ir.Condition:
        resolver = Resolver(self._names, None)
        ranges: list[tuple[str, range]] = []
        bindings: dict[str, int] = {}
        for quantifier in definition.quantifiers:
            scope = Scope(dict(bindings))
            first = resolver.number(quantifier.first, scope, "a quantifier bound")
            last = resolver.number(quantifier.last, scope, "a quantifier bound")
            if last - first + 1 > MAX_ITERATIONS:
                raise LitmusSyntaxError(
                    f"range too large for `{quantifier.variable}`", quantifier.span
                )
            ranges.append((quantifier.variable, range(first, last + 1)))
            bindings[quantifier.variable] = first
        if not ranges:
            return self._instance(definition.condition, {})
        # Quantifiers nest left to right; each joins its instances with || (any) or && (all).
        return self._quantified(definition, ranges, 0, {})

    def _quantified(
        self,
        definition: OutcomeDefinition,
        ranges: list[tuple[str, range]],
        depth: int,
        bindings: dict[str, int],
    ) -> ir.Condition:
        if depth == len(ranges):
            return self._instance(definition.condition, bindings)
        variable, values = ranges[depth]
        every = definition.quantifiers[depth].every
        parts = tuple(
            self._quantified(definition, ranges, depth + 1, {**bindings, variable: value})
            for value in values
        )
        if not parts:
            return ir.Truth(every)
        if len(parts) == 1:
            return parts[0]
        return ir.BoolOp(ir.BoolOpKind.AND if every else ir.BoolOpKind.OR, parts)

    def _instance(self, condition: Tree[Token], bindings: Mapping[str, int]) -> ir.Condition:
        def resolve(term: WrittenTerm, side: TermSide) -> ir.Term:
            return self._term(term, bindings)

        transformer = merge_condition_callbacks(
            _RingTerms(self._file, bindings, resolve), self._file, resolve
        )
        result = transform_tree(transformer, condition, self._file)
        assert isinstance(result, ir.Compare | ir.BoolOp | ir.Truth), result
        return result

    def _term(self, term: WrittenTerm, bindings: Mapping[str, int]) -> ir.Term:
        """The ring DSL's reading of a condition term."""
        if term.thread is not None:
            raise LitmusSyntaxError(
                f"'{term.text}' is herd's notation: write THREAD.register (e.g. CPU1.slot)",
                term.span,
            )
        path = term.path
        head = path[0]
        if isinstance(head, str) and head in self._registers and len(path) > 1:
            return self._final_register(head, path[1:], term)
        if len(path) == 1 and isinstance(head, str):
            if head in bindings:
                return ir.Const(bindings[head])
            if head in self._names.numbers:
                return ir.Const(self._names.numbers[head])
            if head in self._names.choices:
                kind = describe(self._names.choices[head])
                raise TypeMismatchError(f"'{head}' is {kind}, not a number", term.span)
        return ir.FinalLocation(self._cell(term))

    def _final_register(
        self, thread: str, rest: tuple[str | int, ...], term: WrittenTerm
    ) -> ir.FinalRegister:
        name = rest[0]
        valid = isinstance(name, str) and (
            len(rest) == 1 or (len(rest) == 2 and isinstance(rest[1], int))
        )
        if not valid:
            raise UnknownRegisterError(f"'{term.text}' is not a register of {thread}", term.span)
        register = f"{name}{rest[1]}" if len(rest) == 2 else str(name)
        by_variant = self._registers[thread]
        missing = [variant for variant, written in by_variant.items() if register not in written]
        if missing:
            known = sorted(set().union(*by_variant.values()))
            where = "" if len(missing) == len(by_variant) else f" in variant {missing[0]}"
            writes = f" (it writes {', '.join(known[:12])})" if known else " (it writes none)"
            raise UnknownRegisterError(
                f"thread {thread} never writes register '{register}'{where}{writes}", term.span
            )
        return ir.FinalRegister(thread, register)

    def _cell(self, term: WrittenTerm) -> str:
        """The cell a location term names, by the naming scheme (`gfn[2].flags` = gfn2.flags)."""
        prefix = ""
        for position, part in enumerate(term.path):
            if isinstance(part, int):
                last = position == len(term.path) - 1
                prefix = (
                    f"{prefix}[{part}]"
                    if last and prefix in self._names.arrays
                    else (f"{prefix}{part}")
                )
            else:
                prefix = f"{prefix}.{part}" if prefix else part
        if prefix in self._names.scalars or prefix in self._names.cells():
            return prefix
        if prefix in self._names.arrays:
            raise TypeMismatchError(f"'{prefix}' is an array: name a cell, {prefix}[0]", term.span)
        threads = ", ".join(self._registers)
        raise UndeclaredLocationError(
            f"'{term.text}' is neither a location nor THREAD.register (threads: {threads})"
            f"{suggestion(prefix, self._names.cells())}",
            term.span,
        )


def build_expectations(
    definitions: Sequence[ExpectationDefinition],
    variants: Sequence[str],
    outcomes: Sequence[str],
) -> tuple[ir.Expectation, ...]:
    """One Expectation per (variant, outcome, model) the file states; `expect:` covers every
    variant, and an expectation without `under` every model."""
    given: dict[tuple[str, str, str | None], Span | None] = {}
    expectations = []
    for definition in definitions:
        for variant, outcome, model in itertools.product(
            definition.variants or variants, definition.outcomes, definition.models or (None,)
        ):
            if variant not in variants:
                raise BadExpectationError(
                    f"unknown variant '{variant}' (variants: {', '.join(variants)})"
                    f"{suggestion(variant, list(variants))}",
                    definition.span,
                )
            if outcome not in outcomes:
                known = ", ".join(outcomes) or "none"
                raise BadExpectationError(
                    f"unknown outcome '{outcome}' (outcomes: {known})"
                    f"{suggestion(outcome, list(outcomes))}",
                    definition.span,
                )
            if (variant, outcome, model) in given:
                under = f" under {model}" if model else ""
                raise BadExpectationError(
                    f"second expectation for {outcome} in variant {variant}{under} "
                    f"(first at {given[variant, outcome, model]})",
                    definition.span,
                )
            given[variant, outcome, model] = definition.span
            expectations.append(
                ir.Expectation(variant, outcome, definition.status, definition.span, model)
            )
    return tuple(expectations)
