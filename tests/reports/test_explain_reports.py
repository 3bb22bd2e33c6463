"""The explain and ablate reports: text on a fixed-width console (snapshots), DOT that parses
(pydot; and Graphviz renders it when `dot` is installed), JSON that round-trips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pydot
import pytest
from syrupy.assertion import SnapshotAssertion

from ringlitmus.ablate import AblateOptions, Change, VariantAblation, ablate_test
from ringlitmus.explain import ExplainOptions, Explanation, explain_test
from ringlitmus.frontends import parse_file
from ringlitmus.orderings import Site, SiteKind
from ringlitmus.reports.ablate_text import variant_lines
from ringlitmus.reports.analysis_json import render_analysis_json
from ringlitmus.reports.dot import render_dot, svg_from_dot
from ringlitmus.reports.explain_text import compact_cycle

# pydot's grammar uses pyparsing names pyparsing has deprecated: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
SEED = "litmus/kvm-dirty-ring/seed.litmus"
DRAWN = [
    *sorted(Path("litmus/basics").glob("*.litmus")),
    *sorted(Path("tests/data/explain").glob("*.litmus")),
]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reports print the path as given: relative paths keep snapshots the same in any clone.
    monkeypatch.chdir(ROOT)


def _explain(path: str | Path) -> tuple[Explanation, ...]:
    return explain_test(parse_file(str(path)), ExplainOptions())


def _cli(*arguments: str, exit_code: int = 0) -> str:
    """`ringlitmus ARGUMENTS` in a fresh process: Z3's choices depend on the terms a process
    made before, so an in-process snapshot could change with the tests run before it."""
    environment = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    completed = subprocess.run(
        [sys.executable, "-P", "-m", "ringlitmus", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert completed.returncode == exit_code, completed.stderr
    return completed.stdout


def test_seed_explanations(snapshot: SnapshotAssertion) -> None:
    text = _cli("explain", SEED)
    assert text == snapshot
    assert "witness execution:" in text
    assert "by this cycle:" in text and "-[bob: acquire]->" in text


def _plain_lines(variant: VariantAblation) -> list[str]:
    return [line.plain for line in variant_lines(variant)]


def test_an_undecided_variant_is_not_called_nothing_to_ablate() -> None:
    undecided = VariantAblation(
        "after",
        None,
        targets=(),
        reachable=(),
        undecided=("lost_page",),
        undecided_reasons=("solver gave up (timeout)",),
        checks=1,
    )
    lines = _plain_lines(undecided)
    assert (
        lines[1] == "  lost_page: not decided in the variant as written: solver gave up (timeout)"
    )
    assert lines[2].startswith("  variant not decided, so no ordering was tested")
    assert not any("nothing to ablate" in line for line in lines)
    decided = VariantAblation("after", True, targets=(), reachable=(), undecided=(), checks=1)
    assert _plain_lines(decided)[1].endswith("nothing to ablate")


def test_seed_ablation(snapshot: SnapshotAssertion) -> None:
    text = _cli("ablate", SEED)
    assert text == snapshot
    assert "necessary CPU1: load-acquire gfn2.flags (line 16)" in text
    assert "✗ CPU0: store gfn2.flags = 2 (line 15) -> release\n" in text


def test_a_cut_ablation_prints_only_what_it_proved(snapshot: SnapshotAssertion) -> None:
    text = _cli("ablate", SEED, "--max-checks", "1", "--no-cycles", exit_code=3)
    assert text == snapshot
    # Every strengthening is unchecked: none may be said to fail, nor the outcome unfixable.
    assert "nothing rules" not in text and "rules none out" not in text
    assert "unknown for lost_page (10 of 10); none is proved to rule it out:" in text
    assert "-> plain: not checked (limit reached)" in text
    # The one count of the run: per variant, and in all; no other number of checks.
    assert text.count("(1 check; ") == 4
    assert "search cut by the check limit (1);" in text
    assert text.rstrip().endswith(
        "4 checks in all variants; the check limit (1) was reached "
        "(each variant is checked once as written even past it)"
    )


def _repair(
    site_text: str, holds: bool | None, reached: tuple[str, ...], undecided: tuple[str, ...]
) -> Change:
    site = Site(1, "P1", 0, SiteKind.PLAIN_LOAD, site_text, ("acquire",))
    return Change(site, "acquire", holds, reached, undecided)


def test_a_repair_undecided_for_an_outcome_is_not_said_to_rule_it_out() -> None:
    # One check: `a` proved reachable, `b` undecided. Nothing is proved about `b`.
    repairs = (_repair("load x", False, ("a",), ("b",)),)
    variant = VariantAblation("v", False, (), ("a", "b"), (), repairs=repairs, checks=2)
    lines = _plain_lines(variant)
    assert "    rules b out:" not in lines
    assert "    nothing rules b out alone" not in lines
    assert "    nothing rules a out alone" in lines
    assert "    unknown for b (1 of 1); none is proved to rule it out:" in lines
    assert "rules none out:" not in "\n".join(lines)


def test_the_compact_cycle_reads_as_one_line() -> None:
    explanation = _explain(SEED)[1]
    assert explanation.execution is not None
    line = compact_cycle(explanation.execution, explanation.cycle)
    assert line.startswith("CPU2: W gfn2.slot=1 -[bob: release]-> W gfn2.flags=1")
    assert line.endswith("-fre-> CPU2: W gfn2.slot=1")


@pytest.mark.parametrize("path", DRAWN, ids=[path.name for path in DRAWN])
def test_dot_parses_and_draws_every_event_and_cycle_edge(path: Path) -> None:
    for explanation in _explain(path):
        text = render_dot(explanation)
        (graph,) = pydot.graph_from_dot_data(text)
        nodes = {
            node.get_name()
            for subgraph in [graph, *graph.get_subgraphs()]
            for node in subgraph.get_nodes()
        }
        execution = explanation.execution
        if execution is None:
            continue
        assert {f"e{event.id}" for event in execution.events} <= nodes
        drawn = {
            (edge.get_source(), edge.get_destination(), (edge.get("label") or "").strip('"'))
            for subgraph in [graph, *graph.get_subgraphs()]
            for edge in subgraph.get_edges()
        }
        for edge in explanation.cycle:
            label = f"{edge.relation}: {', '.join(edge.detail)}" if edge.detail else edge.relation
            assert (f"e{edge.source}", f"e{edge.target}", label) in drawn


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_renders_the_dot() -> None:
    svg = svg_from_dot(render_dot(_explain(SEED)[1]), shutil.which("dot") or "dot")
    assert "<svg" in svg and "bob: acquire" in svg


def test_json_documents_round_trip() -> None:
    explanations = json.loads(render_analysis_json("explanations", _explain(SEED), "0", "armv8"))
    first, second, *_ = explanations["explanations"]  # before, after, release_only, both
    assert (first["status"], second["status"]) == ("reachable", "unreachable")
    assert second["axiom"] == "external"
    assert [edge["relation"] for edge in second["cycle"]][-1] == "fre"
    ablation = ablate_test(parse_file(SEED), AblateOptions(explain_redundant=False))
    document = json.loads(render_analysis_json("ablations", [ablation], "0", "armv8"))
    (after,) = [v for v in document["ablations"][0]["variants"] if v["variant"] == "after"]
    necessity = {
        r["site"]["thread_name"] + " " + r["site"]["text"]: r["necessity"] for r in after["sites"]
    }
    assert necessity["CPU1 load-acquire gfn2.flags"] == "necessary"
