"""Explanations for people: the witness execution, or the cycle that rules an outcome out.

Lines are `rich.text.Text` built from user text (never markup), printed by the caller's console.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from ringlitmus import ir
from ringlitmus.reports import REACHABLE, UNKNOWN, UNREACHABLE, verdict_value

if TYPE_CHECKING:
    from ringlitmus.candidate import CandidateExecution, Edge, EventView
    from ringlitmus.explain import Explanation

_COMMUNICATION = ("rf", "co", "fr")


def render_explanations(console: Console, explanations: Sequence[Explanation]) -> None:
    """Every explanation, separated by a blank line."""
    for index, explanation in enumerate(explanations):
        if index:
            console.print()
        for line in explanation_lines(explanation):
            console.print(line, soft_wrap=True)


def explanation_lines(explanation: Explanation) -> list[Text]:
    """Header, then the cycle (unreachable) or nothing more (reachable), then the execution."""
    lines = [_header(explanation)]
    status = verdict_value(explanation.status)
    execution = explanation.execution
    if status == UNKNOWN:
        lines.append(Text(f"  unknown: {explanation.reason or 'the solver gave no reason'}"))
        return lines
    if status == UNREACHABLE:
        lines.extend(_why(explanation))
    if execution is None:
        return lines
    title = "witness execution" if status == REACHABLE else "the candidate execution shown"
    lines.append(Text(f"  {title}:", style="bold"))
    lines.extend(execution_lines(execution))
    return lines


def _header(explanation: Explanation) -> Text:
    status = verdict_value(explanation.status)
    if explanation.kind is ir.OutcomeKind.REQUIRED:
        status = {REACHABLE: "violated", UNREACHABLE: "holds"}.get(status, status)
    mark = {True: "✓", False: "✗", None: "?"}[explanation.ok]
    line = Text(f"{explanation.kind.value} {explanation.outcome} [{explanation.variant}]: ")
    line.append(status, style="bold")
    line.append(f" {mark}")
    if explanation.expected is not None:
        line.append(f" (expected {explanation.expected.value})")
    line.append(f"  {explanation.file}")
    return line


def _why(explanation: Explanation) -> list[Text]:
    lines: list[Text] = []
    if explanation.note is not None:
        lines.append(Text(f"  {explanation.note}"))
    if explanation.axiom is None or explanation.execution is None:
        return lines
    count = explanation.candidates
    if count is not None:
        plural = "s" if count != 1 else ""
        amount = f"{count}" if explanation.candidates_complete else f"at least {count}"
        lines.append(
            Text(
                f"  {amount} candidate execution{plural} (distinct rf and co) reach this final "
                "state; the model forbids each."
            )
        )
    others = explanation.also_forbidden_by
    shown = "The one shown (a representative)" if count != 1 else "It"
    by = "this cycle" if explanation.is_cycle else "these edges"
    lines.append(Text(f"  {shown} breaks {explanation.axiom} ({explanation.axiom_text}) by {by}:"))
    if explanation.is_cycle:
        lines.extend(cycle_lines(explanation.execution, explanation.cycle))
    else:
        lines.extend(pair_lines(explanation.execution, explanation.cycle))
    if explanation.also_broken:
        lines.append(Text(f"  It also breaks: {', '.join(explanation.also_broken)}."))
    if others:
        lines.append(
            Text(f"  Other candidates are ruled out by {', '.join(others)} alone instead.")
        )
    minimal = "a minimal" if explanation.core_minimal else "an (unminimised)"
    size = len(explanation.core)
    if not explanation.core_proved:
        lines.append(
            Text(
                f"  The solver gave up before proving a core: the {size} {explanation.axiom} "
                "edges gathered are not known to rule out every candidate reaching this final "
                "state; the cycle shown is this candidate's own (a larger --timeout or "
                "--rlimit may prove one)."
            )
        )
        return lines
    if not explanation.is_cycle:
        lines.append(
            Text(
                f"  The pair comes from {minimal} unsat core of {size} {explanation.axiom} "
                "pairs: every candidate reaching this final state has one of them."
            )
        )
        return lines
    on_cycle = {(edge.source, edge.target) for edge in explanation.cycle}
    off = [edge for edge in explanation.core if (edge.source, edge.target) not in on_cycle]
    text = (
        f"  The cycle comes from {minimal} unsat core of {size} {explanation.axiom} edges: "
        "no candidate reaching this final state keeps them acyclic"
    )
    if off:
        text += f" ({len(off)} of them rule out other candidates)"
    lines.append(Text(text + "."))
    return lines


def event_text(event: EventView, thread: bool = True) -> str:
    """`CPU1 f: R gfn2.flags = 2 (acquire)`."""
    where = f"{event.thread} " if thread else ""
    if event.kind == "F":
        body = f"F {' '.join(event.annotations)}"
    else:
        body = f"{event.kind} {event.cell} = {event.value}"
        if event.annotations:
            body += f" ({', '.join(event.annotations)})"
    return f"{where}{event.name}: {body}"


def edge_label(edge: Edge) -> str:
    """`rfe`, or `bob: acquire`."""
    if edge.detail:
        return f"{edge.relation}: {', '.join(edge.detail)}"
    return edge.relation


def arrow(edge: Edge) -> str:
    """`-rfe->`, or `-[bob: acquire]->` when the edge says why it holds."""
    if edge.detail:
        return f"-[{edge_label(edge)}]->"
    return f"-{edge.relation}->"


def cycle_lines(execution: CandidateExecution, cycle: Sequence[Edge]) -> list[Text]:
    """One edge per line, starting and ending at the cycle's first event."""
    if not cycle:
        return [Text("    (no edge of the core is present in this candidate)")]
    lines = [Text("    " + event_text(execution.event(cycle[0].source)))]
    for edge in cycle:
        lines.append(Text(f"      {arrow(edge)} {event_text(execution.event(edge.target))}"))
    return lines


def pair_lines(execution: CandidateExecution, edges: Sequence[Edge]) -> list[Text]:
    """Edges that need not chain (the pair an `empty` axiom forbids, and its derivation)."""
    return [
        Text(
            f"    {event_text(execution.event(edge.source))} {arrow(edge)} "
            f"{event_text(execution.event(edge.target))}"
        )
        for edge in edges
    ]


def execution_lines(execution: CandidateExecution) -> list[Text]:
    """Events per thread in program order, then rf, co, fr and ordering edges, final state."""
    lines: list[Text] = []
    by_thread: dict[str, list[EventView]] = defaultdict(list)
    for event in execution.events:
        by_thread[event.thread].append(event)
    names = [(name, description) for name, description in execution.threads]
    if "init" in by_thread:
        names.append(("init", "initial writes"))
    for name, description in names:
        heading = f"    {name}" + (f" ({description})" if description else "")
        lines.append(Text(heading))
        for event in by_thread.get(name, []):
            suffix = f"    line {event.line}" if event.line is not None else ""
            lines.append(Text(f"      {event_text(event, thread=False)}{suffix}"))
    lines.extend(_edge_lines(execution))
    if execution.final_state:
        state = " ".join(f"{name}={value}" for name, value in execution.final_state.items())
        lines.append(Text(f"    final state: {state}"))
    return lines


def _edge_lines(execution: CandidateExecution) -> list[Text]:
    names = {event.id: event.name for event in execution.events}
    groups: dict[str, list[str]] = defaultdict(list)
    merged: dict[tuple[int, int], list[str]] = defaultdict(list)
    for edge in execution.edges:
        if edge.source not in names or edge.target not in names:
            continue
        family = edge.relation[:2]
        if family in _COMMUNICATION:
            groups[family].append(f"{names[edge.source]} {arrow(edge)} {names[edge.target]}")
        else:
            merged[(edge.source, edge.target)].append(edge_label(edge))
    lines = []
    for family in _COMMUNICATION:
        if groups[family]:
            lines.append(Text(f"    {family}: " + ", ".join(groups[family])))
    if merged:
        lines.append(Text("    ordered by the program:"))
        lines.extend(
            Text(f"      {names[a]} -[{'; '.join(labels)}]-> {names[b]}")
            for (a, b), labels in merged.items()
        )
    return lines


def compact_cycle(execution: CandidateExecution, cycle: Sequence[Edge]) -> str:
    """The cycle on one line, naming a thread when it changes:
    `CPU2: W gfn2.slot=1 -[bob: release]-> W gfn2.flags=1 -rfe-> CPU0: R gfn2.flags=1 ...`."""
    if not cycle:
        return "(no edge of the core is present in this candidate)"
    parts: list[str] = []
    thread = None
    for index, edge in enumerate(cycle):
        event = execution.event(edge.source)
        if index:
            parts.append(arrow(cycle[index - 1]))
        parts.append(_short(event, event.thread != thread))
        thread = event.thread
    first = execution.event(cycle[0].source)
    parts.append(arrow(cycle[-1]))
    parts.append(_short(first, first.thread != thread))
    return " ".join(parts)


def _short(event: EventView, with_thread: bool) -> str:
    where = f"{event.thread}: " if with_thread else ""
    if event.kind == "F":
        return f"{where}F {' '.join(event.annotations)}"
    return f"{where}{event.kind} {event.cell}={event.value}"
