"""Every test in herd's catalogue gets herd7's verdict (kinds.txt, read unchanged) under the model
herd computed it with, and SC, the strongest model, reaches no final state the others do not."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from herd7 import parse_herd_output

from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frontends import parse_file
from ringlitmus.ir import Test
from ringlitmus.models import FORMATS, MODELS
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd import judge_outcome
from ringlitmus.semantics import layout_locations

CATALOGUE_VARIABLE = "RINGLITMUS_HERD_CATALOGUE"
# Each folder, the model its kinds.txt was computed under (the catalogue's README), and the
# number of verdicts it holds.
FOLDERS = {
    "aarch64": ("armv8", 73),
    "aarch64-pick": ("armv8", 53),
    "aarch64-cas": ("armv8", 31),
    "x86": ("tso", 23),
}
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


def _not_configured(arguments: int) -> list[object]:
    """One skipped case with `arguments` arguments, when the catalogue is not configured."""
    return [
        pytest.param(
            *([None] * arguments),
            marks=pytest.mark.skip(reason=f"set {CATALOGUE_VARIABLE} to ../shared/herd-catalogue"),
            id="catalogue-not-configured",
        )
    ]


def catalogue_cases() -> list[object]:
    """(path, model, herd's verdict) for every kinds.txt entry."""
    root = catalogue_root()
    if root is None:
        return _not_configured(3)
    cases = []
    for folder_name, (model, _) in FOLDERS.items():
        folder = root / folder_name
        for name, kind in read_kinds(folder):
            path = folder / "tests" / f"{name}.litmus"
            cases.append(pytest.param(path, model, kind, id=f"{folder_name}/{name}"))
    return cases


def catalogue_files() -> list[object]:
    """Every catalogue test file, listed in kinds.txt or not."""
    root = catalogue_root()
    if root is None:
        return _not_configured(1)
    return [
        pytest.param(path, id=f"{folder}/{path.stem}")
        for folder in FOLDERS
        for path in sorted((root / folder / "tests").glob("*.litmus"))
    ]


def test_catalogue_is_complete() -> None:
    """All kinds files are present and hold herd's 73 + 53 + 31 + 23 verdicts."""
    root = catalogue_root()
    if root is None:
        pytest.skip(f"set {CATALOGUE_VARIABLE} to herd's catalogue")
    counts = {folder: len(read_kinds(root / folder)) for folder in FOLDERS}
    assert counts == {folder: count for folder, (_, count) in FOLDERS.items()}


@pytest.mark.parametrize(("path", "model", "expected"), catalogue_cases())
def test_agrees_with_herd(path: Path, model: str, expected: str) -> None:
    test = parse_file(str(path))
    result = check_test(test, CheckOptions(model=model))
    (variant,) = result.variants
    (outcome,) = variant.outcomes
    assert judge_outcome(outcome).verdict.value == expected


def test_every_catalogue_file_parses_and_checks() -> None:
    """Tests without a kinds entry are still checked, for no crash."""
    root = catalogue_root()
    if root is None:
        pytest.skip(f"set {CATALOGUE_VARIABLE} to herd's catalogue")
    listed = {name for folder in FOLDERS for name, _ in read_kinds(root / folder)}
    for folder, (model, _) in FOLDERS.items():
        for path in sorted((root / folder / "tests").glob("*.litmus")):
            if path.stem not in listed:
                result = check_test(parse_file(str(path)), CheckOptions(model=model))
                assert result.variants, path


def reachable_states(path: Path, model: str) -> set[frozenset[tuple[str, int]]]:
    (variant,) = check_test(parse_file(str(path)), CheckOptions(model=model, states=True)).variants
    assert variant.states is not None and variant.states_complete, (path, model)
    return {frozenset(state.items()) for state in variant.states}


@pytest.mark.parametrize("path", catalogue_files())
def test_sc_reaches_only_states_other_models_reach(path: Path) -> None:
    """SC is the strongest model: each final state it reaches, every other model that can
    judge the test's format reaches too."""
    test_format = parse_file(str(path)).format
    sc = reachable_states(path, "sc")
    for model in MODELS:
        if model != "sc" and test_format in FORMATS[model]:
            assert sc <= reachable_states(path, model), model


# --------------------------------------------------------------------------- linux (LKMM)

# herd C tests under the Linux-kernel memory model: each `X.litmus` has herd7's full output in
# `X.litmus.expected`. Every test is read (locks, RCU and the whole atomic API included); how
# many are refused is pinned here, so that a test silently becoming unsupported fails.
LINUX_FOLDER, LINUX_TESTS, LINUX_UNSUPPORTED = "linux", 79, 0
_OBSERVATION = re.compile(r"^Observation \S+ (Never|Sometimes|Always)", re.MULTILINE)


def linux_files() -> list[object]:
    """Every C test of the linux folder."""
    root = catalogue_root()
    if root is None:
        return _not_configured(1)
    return [
        pytest.param(path, id=f"{LINUX_FOLDER}/{path.stem}")
        for path in sorted((root / LINUX_FOLDER / "tests").glob("*.litmus"))
    ]


def herd_observation(path: Path) -> str:
    """herd7's `Observation NAME Never|Sometimes|Always` for one test."""
    match = _OBSERVATION.search(Path(f"{path}.expected").read_text())
    assert match is not None, path
    return match.group(1)


def test_linux_catalogue_is_complete() -> None:
    """79 tests, each with herd7's output, of which a known number we cannot read."""
    root = catalogue_root()
    if root is None:
        pytest.skip(f"set {CATALOGUE_VARIABLE} to herd's catalogue")
    paths = sorted((root / LINUX_FOLDER / "tests").glob("*.litmus"))
    assert len(paths) == LINUX_TESTS
    unsupported = 0
    for path in paths:
        herd_observation(path)
        try:
            parse_file(str(path))
        except UnsupportedInstructionError:
            unsupported += 1
    assert unsupported == LINUX_UNSUPPORTED


def herd_states(path: Path) -> set[frozenset[str]]:
    """herd7's final states for one test, each a set of `name=value` (`[x]` unbracketed, an
    array's cell kept as `t[2]`)."""
    answer = parse_herd_output(Path(f"{path}.expected").read_text())
    return {
        frozenset(re.sub(r"^\[(.*)\]=", r"\1=", item.strip()) for item in line.split(";")) - {""}
        for line in answer.states
    }


def our_states(
    test: Test, states: tuple[dict[str, int], ...], shown: set[str]
) -> set[frozenset[str]]:
    """Our final states in herd's spelling, limited to the names herd shows: a value that is
    a location's address is written as that location's name, as herd writes pointers."""
    bases, _ = layout_locations(test.variants[0].program)
    names = {address: name for name, address in bases.items()}
    return {
        frozenset(
            f"{key}={names.get(value, value)}" for key, value in state.items() if key in shown
        )
        for state in states
    }


@pytest.mark.parametrize("path", linux_files())
def test_lkmm_agrees_with_herd(path: Path) -> None:
    """Every supported linux test gets herd7's observation, final states and flags under
    --model lkmm."""
    try:
        test = parse_file(str(path))
    except UnsupportedInstructionError as error:
        pytest.skip(f"unsupported: {error.message}")
    options = CheckOptions(model="lkmm", observation=True, states=True)
    (variant,) = check_test(test, options).variants
    (outcome,) = variant.outcomes
    assert judge_outcome(outcome).observation.value == herd_observation(path)
    expected = herd_states(path)
    shown = {item.split("=")[0] for state in expected for item in state}
    assert variant.states is not None and variant.states_complete
    assert our_states(test, variant.states, shown) == expected
    herd_flags = parse_herd_output(Path(f"{path}.expected").read_text()).flags
    assert set(variant.flags) == set(herd_flags)
