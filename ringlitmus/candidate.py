"""Read one candidate execution out of a Z3 model: its events, values, rf, co and named edges.

What `explain` shows and draws. Edges carry the name of the model relation they belong to (a
step of an axiom, see `encode.explain.axiom_steps`) and the cat names that made them hold,
turned into words (`bob` from an acquire: "acquire").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import field

import z3

from ringlitmus import ir
from ringlitmus.encode.execution import Execution
from ringlitmus.encode.explain import axiom_steps, derivation, holds, step_name, true_pairs
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.frozen import frozen
from ringlitmus.models import relations as rel
from ringlitmus.models.relations import AxiomKind, BaseRelation
from ringlitmus.outcomes import observed_terms, read_state
from ringlitmus.semantics import Event, EventKind, Tag

Pair = tuple[int, int]

# Cat names met on a derivation, as the words an edge label uses; the others go unsaid.
_WORDS = {
    "A": "acquire",
    "Q": "acquire-pc",
    "L": "release",
    "X": "exclusive",
    "dmb.full": "dmb ish",
    "dmb.ld": "dmb ishld",
    "dmb.st": "dmb ishst",
    "ISB": "isb",
}
_UNSAID = {"po", "R", "W", "M", "F", "IW", "NoRet", "loc", "ext", "int", "same-instance"}
_TAG_WORDS = {
    Tag.ACQUIRE: "acquire",
    Tag.ACQUIRE_PC: "acquire-pc",
    Tag.RELEASE: "release",
    Tag.EXCLUSIVE: "exclusive",
}
_COMMUNICATION = {BaseRelation.RF, BaseRelation.CO, BaseRelation.FR}


@frozen
class EventView:
    """One executed event as a person reads it: `c: W gfn2.flags = 1 (release)`."""

    id: int
    name: str
    thread: str
    kind: str
    cell: str | None
    value: int | None
    annotations: tuple[str, ...] = ()
    line: int | None = None


@frozen
class Edge:
    """`source -relation-> target`; `detail` says which part of the relation holds."""

    source: int
    target: int
    relation: str
    detail: tuple[str, ...] = ()


@frozen
class CandidateExecution:
    """A candidate execution, concrete: what ran, what each read returned, rf, co, edges.

    `co` is the whole coherence order (transitive, initial writes first); `edges` are the ones
    worth showing: rf, the immediate co and fr steps, and the ordering edges (transitively
    reduced) of the model's acyclicity axioms.
    """

    threads: tuple[tuple[str, str | None], ...]
    events: tuple[EventView, ...]
    executed: tuple[int, ...]
    reads: dict[int, int]
    choices: dict[str, bool]
    addresses: dict[int, int]
    rf: tuple[Pair, ...]
    co: tuple[Pair, ...]
    edges: tuple[Edge, ...]
    final_state: dict[str, int] = field(default_factory=dict)

    def event(self, event_id: int) -> EventView:
        """The view of one event by id."""
        return next(event for event in self.events if event.id == event_id)


def words(atoms: tuple[str, ...]) -> tuple[str, ...]:
    """The words for a derivation's cat names, in order, each once."""
    said: list[str] = []
    for atom in atoms:
        if atom in _UNSAID:
            continue
        word = _WORDS.get(atom, atom)
        if word not in said:
            said.append(word)
    return tuple(said)


def read_candidate(
    test: ir.Test,
    program: ir.Program,
    encoder: RelationEncoder,
    model: z3.ModelRef,
    axioms: tuple[rel.Axiom, ...],
) -> CandidateExecution:
    """The execution `model` describes, with the edges worth showing."""
    execution = encoder.execution
    structure = execution.structure
    executed = tuple(
        event.id for event in structure.events if holds(model, execution.executes[event.id])
    )
    addresses = {
        event_id: _number(model, execution.addresses[event_id])
        for event_id in executed
        if structure.events[event_id].is_memory
    }
    reads = {
        event_id: _number(model, execution.symbols.read_value(event_id))
        for event_id in executed
        if structure.events[event_id].kind is EventKind.READ
    }
    choices = {
        name: bool(z3.is_true(model.eval(variable, model_completion=True)))
        for name, variable in execution.symbols.choices.items()
    }
    rf = tuple(sorted(pair for pair, variable in execution.rf.items() if holds(model, variable)))
    co = _coherence(execution, model, executed, addresses)
    edges = _communication_edges(structure.events, rf, co)
    edges += _ordering_edges(encoder, model, axioms)
    used = {event for edge in edges for event in (edge.source, edge.target)}
    views = _views(execution, model, executed, addresses, used)
    return CandidateExecution(
        threads=tuple((thread.name, thread.description) for thread in program.threads),
        events=views,
        executed=executed,
        reads=reads,
        choices=choices,
        addresses=addresses,
        rf=rf,
        co=co,
        edges=edges,
        final_state=read_state(execution, model, observed_terms(test)),
    )


def describe_edge(
    encoder: RelationEncoder, model: z3.ModelRef, step: rel.RelTerm, pair: Pair
) -> Edge:
    """An edge of `step`, named after it, with the words of its derivation."""
    detail = words(derivation(encoder, step, pair[0], pair[1], model))
    if isinstance(step, rel.Rel) or not isinstance(_body(step), rel.Union):
        detail = ()  # rfe, fre, lws: the name says it all
    return Edge(pair[0], pair[1], step_name(step), detail)


def _body(term: rel.RelTerm) -> rel.RelTerm:
    return term.relation if isinstance(term, rel.Named) else term


def _number(model: z3.ModelRef, value: int | z3.ArithRef) -> int:
    if isinstance(value, int):
        return value
    return int(model.eval(value, model_completion=True).as_long())


def _coherence(
    execution: Execution, model: z3.ModelRef, executed: tuple[int, ...], addresses: dict[int, int]
) -> tuple[Pair, ...]:
    by_cell: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for event_id in executed:
        if event_id in execution.clocks:
            clock = _number(model, execution.clocks[event_id])
            by_cell[addresses[event_id]].append((clock, event_id))
    order: list[Pair] = []
    for writes in by_cell.values():
        ranked = [event for _, event in sorted(writes)]
        order.extend(
            (first, second) for index, first in enumerate(ranked) for second in ranked[index + 1 :]
        )
    return tuple(sorted(order))


def _side(events: list[Event], a: int, b: int) -> str:
    first, second = events[a], events[b]
    return "i" if first.thread == second.thread and first.thread >= 0 else "e"


def _communication_edges(
    events: list[Event], rf: tuple[Pair, ...], co: tuple[Pair, ...]
) -> tuple[Edge, ...]:
    edges = [Edge(w, r, "rf" + _side(events, w, r)) for w, r in rf]
    later: dict[int, set[int]] = defaultdict(set)
    for first, second in co:
        later[first].add(second)
    immediate: dict[int, int] = {}
    for first, successors in later.items():
        # The immediate successor is the one no other successor precedes.
        nearest = [s for s in successors if not any(s in later.get(o, ()) for o in successors)]
        immediate[first] = nearest[0]
    edges.extend(Edge(a, b, "co" + _side(events, a, b)) for a, b in sorted(immediate.items()))
    for write, read in rf:
        if write in immediate:
            target = immediate[write]
            edges.append(Edge(read, target, "fr" + _side(events, read, target)))
    return tuple(edges)


def _mentions_communication(term: rel.RelTerm | rel.SetTerm) -> bool:
    if isinstance(term, rel.Rel):
        return term.base in _COMMUNICATION
    if isinstance(term, rel.EventSet):
        return False
    if isinstance(term, rel.Union | rel.Seq | rel.SetUnion):
        return any(_mentions_communication(operand) for operand in term.operands)
    if isinstance(term, rel.Inter | rel.Diff | rel.SetInter | rel.SetDiff):
        return _mentions_communication(term.left) or _mentions_communication(term.right)
    if isinstance(term, rel.Ident):
        return _mentions_communication(term.events)
    if isinstance(term, rel.Product):
        return _mentions_communication(term.left) or _mentions_communication(term.right)
    if isinstance(term, rel.Fix):
        return _mentions_communication(term.body)
    if isinstance(term, rel.Recursive):
        return False  # its definition's body says
    return _mentions_communication(term.relation)


def _ordering_edges(
    encoder: RelationEncoder, model: z3.ModelRef, axioms: tuple[rel.Axiom, ...]
) -> tuple[Edge, ...]:
    """Edges of the acyclicity steps built from the program alone (bob, dob, po-loc, ...),
    less those another path of such edges already implies."""
    by_pair: dict[Pair, list[rel.RelTerm]] = defaultdict(list)
    for axiom in axioms:
        if axiom.kind is AxiomKind.EMPTY:
            continue
        for step in axiom_steps(axiom):
            if _mentions_communication(step):
                continue
            for pair in sorted(true_pairs(encoder, step, model)):
                if pair[0] != pair[1] and step not in by_pair[pair]:
                    by_pair[pair].append(step)
    kept = _transitive_reduction(set(by_pair))
    return tuple(
        describe_edge(encoder, model, step, pair) for pair in sorted(kept) for step in by_pair[pair]
    )


def _transitive_reduction(pairs: set[Pair]) -> set[Pair]:
    successors: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        successors[a].add(b)

    def reaches(start: int, goal: int, banned: Pair) -> bool:
        stack, seen = [start], {start}
        while stack:
            node = stack.pop()
            for target in successors[node]:
                if (node, target) == banned or target in seen:
                    continue
                if target == goal:
                    return True
                seen.add(target)
                stack.append(target)
        return False

    return {pair for pair in pairs if not reaches(pair[0], pair[1], pair)}


def _views(
    execution: Execution,
    model: z3.ModelRef,
    executed: tuple[int, ...],
    addresses: dict[int, int],
    used: set[int],
) -> tuple[EventView, ...]:
    """Executed events of the threads in program order, then the initial writes edges use;
    named a, b, c, ... in that order, as herd does."""
    structure = execution.structure
    chosen = [e for thread in structure.thread_events for e in thread if e in executed]
    chosen += [e.id for e in structure.init_writes if e.id in used]
    views: list[EventView] = []
    for index, event_id in enumerate(chosen):
        event = structure.events[event_id]
        thread = structure.thread_names[event.thread] if event.thread >= 0 else "init"
        annotations = tuple(
            _TAG_WORDS[tag] for tag in sorted(event.tags, key=str) if tag in _TAG_WORDS
        )
        cell = value = None
        if event.is_memory:
            address = addresses[event_id]
            cell = structure.cells.get(address, hex(address))
            value = _number(model, execution.value(event))
        elif event.fence is not None:
            annotations = (event.fence.value,)
        views.append(
            EventView(
                id=event_id,
                name=_letters(index),
                thread=thread,
                kind=event.kind.value,
                cell=cell,
                value=value,
                annotations=annotations,
                line=event.span.line if event.span is not None else None,
            )
        )
    return tuple(views)


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("a") + rest) + name
    return name
