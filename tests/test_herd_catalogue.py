"""Every ARMv8 test in herd's catalogue gets herd7's verdict (kinds.txt, read unchanged)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringlitmus.frontends.aarch64 import parse_aarch64
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd import judge_outcome

CATALOGUE_VARIABLE = "RINGLITMUS_HERD_CATALOGUE"
FOLDERS = ("aarch64", "aarch64-pick", "aarch64-cas")
# aarch64-pick spells the kinds Allow/Forbid.
SPELLINGS = {"Allow": "Allowed", "Forbid": "Forbidden"}


def catalogue_root() -> Path | None:
    """The shared catalogue, when the environment names it (CI always does)."""
    value = os.environ.get(CATALOGUE_VARIABLE)
    return Path(value) if value else None


def read_kinds(folder: Path) -> list[tuple[str, str]]:
    """(test name, herd7's verdict) pairs of one folder's kinds.txt; `#` lines are comments."""
    entries = []
    for line in (folder / "tests" / "kinds.txt").read_text().splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        entries.append((fields[0], SPELLINGS.get(fields[1], fields[1])))
    return entries


def catalogue_cases() -> list[object]:
    root = catalogue_root()
    if root is None:
        return [
            pytest.param(
                None,
                None,
                marks=pytest.mark.skip(
                    reason=f"set {CATALOGUE_VARIABLE} to ../shared/herd-catalogue"
                ),
                id="catalogue-not-configured",
            )
        ]
    cases = []
    for folder_name in FOLDERS:
        folder = root / folder_name
        for name, kind in read_kinds(folder):
            path = folder / "tests" / f"{name}.litmus"
            cases.append(pytest.param(path, kind, id=f"{folder_name}/{name}"))
    return cases


def test_catalogue_is_complete() -> None:
    """All three kinds files are present and hold herd's 73 + 53 + 31 verdicts."""
    root = catalogue_root()
    if root is None:
        pytest.skip(f"set {CATALOGUE_VARIABLE} to herd's catalogue")
    counts = [len(read_kinds(root / folder)) for folder in FOLDERS]
    assert counts == [73, 53, 31]


@pytest.mark.parametrize(("path", "expected"), catalogue_cases())
def test_agrees_with_herd(path: Path, expected: str) -> None:
    test = parse_aarch64(path.read_text(), str(path))
    result = check_test(test, CheckOptions())
    (variant,) = result.variants
    (outcome,) = variant.outcomes
    assert judge_outcome(outcome).verdict.value == expected


def test_every_catalogue_file_parses_and_checks() -> None:
    """Tests without a kinds entry are still checked, for no crash."""
    root = catalogue_root()
    if root is None:
        pytest.skip(f"set {CATALOGUE_VARIABLE} to herd's catalogue")
    listed = {name for folder in FOLDERS for name, _ in read_kinds(root / folder)}
    unlisted = [
        path
        for folder in FOLDERS
        for path in sorted((root / folder / "tests").glob("*.litmus"))
        if path.stem not in listed
    ]
    for path in unlisted:
        result = check_test(parse_aarch64(path.read_text(), str(path)), CheckOptions())
        assert result.variants, path
