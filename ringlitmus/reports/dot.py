"""Draw an explanation as a Graphviz graph in herd's style: threads as columns, labelled edges.

Each thread is a cluster whose events stack in program order (po edges, weighted so they stay
vertical); rf, co, fr and the ordering edges cross between them without moving the columns.
The cycle that rules an outcome out is drawn thick. `svg_from_dot` runs Graphviz's `dot` when
the caller found it.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from ringlitmus.reports import verdict_value
from ringlitmus.reports.explain_text import edge_label, event_text

if TYPE_CHECKING:
    from ringlitmus.candidate import EventView
    from ringlitmus.explain import Explanation

INSTALL_HINT = (
    "Graphviz's `dot` is not installed, so no SVG was drawn; install it "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) and run "
    "`dot -Tsvg {dot} -o {svg}`"
)

# herd's colours: rf red, co blue, fr orange; program-order relations dark green.
_COLOURS = {"rf": "red", "co": "blue", "fr": "darkorange"}
_ORDERING_COLOUR = "darkgreen"
_CYCLE_COLOUR = "purple"


def render_dot(explanation: Explanation) -> str:
    """The DOT text of one explanation (its witness or candidate execution and cycle)."""
    execution = explanation.execution
    title = (
        f"{explanation.test} [{explanation.variant}] {explanation.outcome}: "
        f"{verdict_value(explanation.status)}"
    )
    if explanation.axiom is not None:
        title += f" (cycle breaks {explanation.axiom})"
    lines = [
        "digraph ringlitmus {",
        f"  label={_quote(title)}; labelloc=t; fontsize=12; newrank=true; splines=true;",
        "  node [shape=box, style=rounded, fontname=monospace, fontsize=10];",
        "  edge [fontname=monospace, fontsize=9];",
    ]
    if execution is None:
        lines.append("}")
        return "\n".join(lines) + "\n"
    by_thread: dict[str, list[EventView]] = defaultdict(list)
    for event in execution.events:
        by_thread[event.thread].append(event)
    threads = [name for name, _ in execution.threads if name in by_thread]
    # Initial writes sit in a row on top, as herd draws them (invisible edges hold them
    # above each thread's first event); threads are the columns.
    for event in by_thread.get("init", []):
        lines.append(f"  {_node(event)} [label={_quote(event_text(event))}];")
    for index, thread in enumerate(threads):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote(thread)}; style=dashed;")
        events = by_thread[thread]
        for event in events:
            lines.append(f"    {_node(event)} [label={_quote(event_text(event, thread=False))}];")
        for first, second in pairwise(events):
            lines.append(f"    {_node(first)} -> {_node(second)} [label=po, weight=10];")
        lines.append("  }")
    heads = [_node(by_thread[thread][0]) for thread in threads]
    for event in by_thread.get("init", []):
        for head in heads:
            lines.append(f"  {_node(event)} -> {head} [style=invis];")
    for left, right in pairwise(heads):
        lines.append(f"  {left} -> {right} [style=invis, constraint=false];")
    cycle = {(edge.source, edge.target, edge.relation) for edge in explanation.cycle}
    shown = {event.id: event for event in execution.events}
    # An execution edge on the cycle is drawn once, as part of the cycle; parallel ordering
    # edges (lws, dob, bob on one pair) share one arrow.
    ordering: dict[tuple[int, int], list[str]] = defaultdict(list)
    for edge in execution.edges:
        if (edge.source, edge.target, edge.relation) in cycle:
            continue
        if edge.source not in shown or edge.target not in shown:
            continue
        if edge.relation[:2] in _COLOURS:
            lines.append(_edge(edge.source, edge.target, edge.relation, edge_label(edge), shown))
        else:
            ordering[(edge.source, edge.target)].append(edge_label(edge))
    for (source, target), labels in ordering.items():
        lines.append(_edge(source, target, "", "; ".join(labels), shown))
    for edge in explanation.cycle:
        lines.append(
            _edge(edge.source, edge.target, edge.relation, edge_label(edge), shown, cycle=True)
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _edge(
    source: int,
    target: int,
    relation: str,
    label: str,
    shown: dict[int, EventView],
    cycle: bool = False,
) -> str:
    colour = _CYCLE_COLOUR if cycle else _COLOURS.get(relation[:2], _ORDERING_COLOUR)
    attributes = [f"label={_quote(label)}", f"color={colour}", f"fontcolor={colour}"]
    if shown[source].thread != shown[target].thread:
        attributes.append("constraint=false")
    if cycle:
        attributes.append("penwidth=2.5")
    return f"  {_node(shown[source])} -> {_node(shown[target])} [{', '.join(attributes)}];"


def _node(event: EventView) -> str:
    return f"e{event.id}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def svg_from_dot(dot_text: str, dot_binary: str) -> str:
    """Run Graphviz on `dot_text`; the SVG text (raises CalledProcessError if dot fails)."""
    completed = subprocess.run(
        [dot_binary, "-Tsvg"],
        input=dot_text,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout
