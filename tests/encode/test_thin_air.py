"""encode/thin_air.py costs nothing without a cycle of rf and data flow through a plain access,
and is there for every test whose values may come out of thin air.

The files: the herd C tests of litmus/regressions, tests/data/lkmm and tests/data/c (herd7's
verdicts and states for the thin-air ones are checked in tests/frontends/test_c_herd7.py and
tests/models/test_lkmm_herd.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ringlitmus.encode.execution import encode_execution
from ringlitmus.encode.thin_air import compares_a_read, thin_air_constraints
from ringlitmus.frontends import parse_file
from ringlitmus.semantics import Tag, build_event_structure

ROOT = Path(__file__).resolve().parent.parent.parent
FOLDERS = (
    ROOT / "litmus" / "regressions",
    ROOT / "tests" / "data" / "lkmm",
    ROOT / "tests" / "data" / "c",
)
FILES = sorted(
    path
    for folder in FOLDERS
    for path in folder.glob("*.litmus")
    if path.read_bytes().startswith(b"C ")
)


def _constraints(path: Path) -> tuple[int, bool]:
    """How many constraints the encoding adds, and whether it should: the program has a plain
    access and no conditional RMW (whose equations herd solves values by, left free here)."""
    test = parse_file(str(path))
    structure = build_event_structure(test.variants[0].program)
    plain = any(Tag.PLAIN in event.tags for event in structure.events)
    needed = plain and not compares_a_read(structure)
    return len(thin_air_constraints(encode_execution(structure))), needed


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_no_plain_access_no_cost(path: Path) -> None:
    count, needed = _constraints(path)
    assert needed or count == 0


@pytest.mark.parametrize(
    "path",
    [path for path in FILES if "thin-air" in path.name],
    ids=lambda path: path.name,
)
def test_a_thin_air_file_needs_it_when_it_has_a_plain_access(path: Path) -> None:
    # Marked accesses alone cannot form the cycle (LKMM's happens-before forbids it).
    count, needed = _constraints(path)
    assert (count > 0) == needed
