"""What `check` prints about a witness and its states, from real runs (outcomes.py, text.py)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ringlitmus.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"
SB = ROOT / "litmus" / "basics" / "SB.litmus"


def check(*arguments: str | Path) -> str:
    result = CliRunner().invoke(main, ["check", "--no-cache", *map(str, arguments)])
    return result.stdout


def test_rf_lines_carry_the_value_read() -> None:
    text = check(SEED, "--variant", "before")
    assert "init:W gfn2.slot=0 -rf-> CPU1:R gfn2.slot=0" in text
    assert "CPU0:W gfn2.flags=2 -rf-> CPU1:R gfn2.flags=2" in text
    for edge in re.findall(r"\S+:W \S+ -rf-> \S+:R \S+", text):
        written, read = re.findall(r"=(-?\d+)", edge)
        assert written == read, edge


def test_co_chains_name_each_write_and_never_read_as_a_cycle() -> None:
    text = check(SEED, "--variant", "before")
    assert "gfn2.flags: init:0 -co-> CPU2:1 -co-> CPU0:2 -co-> CPU1:0" in text
    for chain in re.findall(r"^\s+(?:co: )?[\w.\[\]]+: (.*-co->.*)$", text, re.MULTILINE):
        writes = chain.split(" -co-> ")
        assert writes[0].startswith("init:"), chain
        assert len(set(writes)) == len(writes), chain


def test_states_are_sorted() -> None:
    text = check(SB, "--states")
    lines = text.split("reachable final states of default (4):\n")[1].splitlines()[:4]
    values = [tuple(int(v) for v in re.findall(r"=(-?\d+)", line)) for line in lines]
    assert values == sorted(values) and len(set(values)) == 4
