"""Turn ring.lark's parse tree into the syntax nodes of ring_syntax.py, with spans."""

from __future__ import annotations

from lark import Token, Tree, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frontends.ring_code import (
    STATEMENT_TYPES,
    CodeBuilder,
    expression_of,
    name_of,
    narrow,
    statements_of,
    string_of,
    value_of,
)
from ringlitmus.frontends.ring_syntax import (
    ArrayDefinition,
    Definition,
    ExpectationDefinition,
    Expression,
    Field,
    Include,
    Item,
    LocationDefinition,
    ModelFilter,
    OutcomeDefinition,
    Path,
    Procedure,
    Quantifier,
    StructDefinition,
    StructInstance,
    TestName,
    ThreadDefinition,
    Value,
    VariantDefinition,
)


@v_args(meta=True)
class SyntaxBuilder(CodeBuilder):
    """ring.lark's parse tree -> syntax nodes; conditions (common__* rules) stay lark trees."""

    # ----------------------------------------------------------------- top level

    def start(self, meta: Meta, children: list[object]) -> tuple[Item, ...]:
        items: list[Item] = []
        for child in children:
            items.extend(child if isinstance(child, tuple) else (child,))
        return tuple(items)

    def test_name(self, meta: Meta, children: list[object]) -> TestName:
        return TestName(string_of(children[0]), self._span(meta))

    def include(self, meta: Meta, children: list[object]) -> Include:
        return Include(string_of(children[0]), self._span(meta))

    def const_decl(self, meta: Meta, children: list[object]) -> Definition:
        return Definition(name_of(children[0]), value_of(children[1]), False, self._span(meta))

    def param_decl(self, meta: Meta, children: list[object]) -> Definition:
        return Definition(name_of(children[0]), value_of(children[1]), True, self._span(meta))

    def locations(self, meta: Meta, children: list[object]) -> tuple[LocationDefinition, ...]:
        return tuple(narrow(LocationDefinition, child) for child in children)

    def location_decl(self, meta: Meta, children: list[object]) -> LocationDefinition:
        path, initial = narrow(Path, children[0]), expression_of(children[1])
        return LocationDefinition(path, initial, self._span(meta))

    def array_decl(self, meta: Meta, children: list[object]) -> ArrayDefinition:
        initial: Expression | tuple[Expression, ...] | None = None
        if len(children) > 2:
            given = children[2]
            initial = given if isinstance(given, tuple) else expression_of(given)
        return ArrayDefinition(
            name_of(children[0]), expression_of(children[1]), initial, self._span(meta)
        )

    def array_values(self, meta: Meta, children: list[object]) -> tuple[Expression, ...]:
        return tuple(expression_of(child) for child in children if child is not None)

    def struct_def(self, meta: Meta, children: list[object]) -> StructDefinition:
        fields = tuple(child for child in children[1:] if isinstance(child, Field))
        return StructDefinition(name_of(children[0]), fields, self._span(meta))

    def struct_decl(self, meta: Meta, children: list[object]) -> StructInstance:
        rest = children[2:]
        count = (
            expression_of(rest[0])
            if rest and rest[0] is not None and not isinstance(rest[0], Field)
            else None
        )
        overrides = tuple(child for child in rest if isinstance(child, Field))
        struct, name = name_of(children[0]), name_of(children[1])
        return StructInstance(struct, name, count, overrides, self._span(meta))

    def field(self, meta: Meta, children: list[object]) -> Field:
        initial = expression_of(children[1]) if len(children) > 1 else None
        return Field(name_of(children[0]), initial, self._span(meta))

    def names(self, meta: Meta, children: list[object]) -> tuple[str, ...]:
        return tuple(name_of(child) for child in children)

    def procedure_word(self, meta: Meta, children: list[object]) -> str:
        return name_of(children[0])

    def procedure_parameters(self, meta: Meta, children: list[object]) -> tuple[str, ...]:
        return narrow(tuple, children[0]) if children else ()

    def procedure(self, meta: Meta, children: list[object]) -> Procedure:
        pattern = tuple(
            narrow(str, c) if isinstance(c, str) else narrow(tuple, c) for c in children[:-1]
        )
        return Procedure(pattern, statements_of(children[-1]), self._span(meta))

    def thread_line(self, meta: Meta, children: list[object]) -> ThreadDefinition:
        return self._thread(meta, children)

    def thread_block(self, meta: Meta, children: list[object]) -> ThreadDefinition:
        return self._thread(meta, [*children[:-1], *statements_of(children[-1])])

    def _thread(self, meta: Meta, children: list[object]) -> ThreadDefinition:
        description = None
        rest = children[1:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "ESCAPED_STRING":
            description, rest = string_of(rest[0]), rest[1:]
        body = tuple(s for s in rest if isinstance(s, STATEMENT_TYPES))
        return ThreadDefinition(name_of(children[0]), description, body, self._span(meta))

    def variant(self, meta: Meta, children: list[object]) -> VariantDefinition:
        settings = tuple(narrow(tuple, child) for child in children[1:] if child is not None)
        return VariantDefinition(name_of(children[0]), settings, self._span(meta))

    def variant_setting(self, meta: Meta, children: list[object]) -> tuple[str, Value, Span | None]:
        return (name_of(children[0]), value_of(children[1]), self._span(meta))

    def outcome(self, meta: Meta, children: list[object]) -> OutcomeDefinition:
        kind = ir.OutcomeKind(narrow(str, children[0]))
        quantifiers = tuple(narrow(Quantifier, child) for child in children[2:-1])
        condition = narrow(Tree, children[-1])
        return OutcomeDefinition(
            kind, name_of(children[1]), quantifiers, condition, self._span(meta)
        )

    def quantifier(self, meta: Meta, children: list[object]) -> Quantifier:
        every = narrow(str, children[0]) == "all"
        first, last = expression_of(children[2]), expression_of(children[3])
        return Quantifier(every, name_of(children[1]), first, last, self._span(meta))

    def expectation(self, meta: Meta, children: list[object]) -> ExpectationDefinition:
        models = next((c.models for c in children if isinstance(c, ModelFilter)), None)
        rest = [child for child in children if not isinstance(child, ModelFilter)]
        variants = narrow(tuple, rest[0]) if len(rest) == 3 else None
        outcomes, status = narrow(tuple, rest[-2]), narrow(ir.Reachability, rest[-1])
        return ExpectationDefinition(variants, outcomes, status, self._span(meta), models)

    def model_filter(self, meta: Meta, children: list[object]) -> ModelFilter:
        return ModelFilter(narrow(tuple, children[0]))

    def reachability(self, meta: Meta, children: list[object]) -> ir.Reachability:
        return ir.Reachability(name_of(children[0]))

    outcome_kind = quantifier_kind = CodeBuilder.word
