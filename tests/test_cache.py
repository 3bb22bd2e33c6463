"""The result cache (cache.py, batch.check_with_cache, records.py): hits, misses, damage.

A hit must not call the solver: `solver_calls` counts `outcomes.check_variant`, which every
variant that is solved goes through.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ringlitmus import outcomes
from ringlitmus.batch import BatchOptions, check_file, check_with_cache, is_decided, variant_key
from ringlitmus.cache import CACHE_FORMAT, Cache, cache_key, default_cache_dir, normal_form
from ringlitmus.cli import main
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, TestResult
from ringlitmus.records import variant_from_data, variant_to_data

DATA = Path(__file__).parent / "data" / "cli"
RING_MP = DATA / "ring-mp.litmus"
HERD_MP = DATA / "mp-expected-allowed.litmus"


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache")


@pytest.fixture
def solver_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the variants solved while the test runs."""
    calls: list[str] = []
    real = outcomes.check_variant

    def counting(test, variant, options, deadline=None):  # type: ignore[no-untyped-def]
        calls.append(variant.name)
        return real(test, variant, options, deadline)

    monkeypatch.setattr(outcomes, "check_variant", counting)
    yield calls


def entries(cache: Cache) -> list[Path]:
    return sorted(cache.directory.rglob("*.json"))


def untimed(result: TestResult | None) -> TestResult | None:
    """`result` with every solving time zeroed: a recomputed result differs only there."""
    if result is None:
        return None
    variants = tuple(dataclasses.replace(variant, time_s=0.0) for variant in result.variants)
    return dataclasses.replace(result, variants=variants)


# --------------------------------------------------------------------------- keys


def test_key_ignores_layout_comments_and_file_name(tmp_path: Path) -> None:
    text = RING_MP.read_text()
    moved = tmp_path / "elsewhere.litmus"
    moved.write_text("# a new comment\n\n" + text.replace("; y = 0", ";   y = 0   # spaced"))
    options = CheckOptions()
    original, edited = parse_file(str(RING_MP)), parse_file(str(moved))
    assert variant_key(original, "plain", options) == variant_key(edited, "plain", options)


def test_key_changes_with_the_program_variant_defines_and_options() -> None:
    test = parse_file(str(RING_MP))
    key = variant_key(test, "plain", CheckOptions())
    assert key != variant_key(test, "rel_acq", CheckOptions())
    assert key != variant_key(parse_file(str(RING_MP), {"N": 2}), "plain", CheckOptions())
    assert key != variant_key(test, "plain", CheckOptions(states=True))
    assert key != variant_key(test, "plain", CheckOptions(model="sc"))
    # Limits only decide whether an answer is found, never which: not part of the key.
    assert key == variant_key(test, "plain", CheckOptions(rlimit=5, timeout_s=1.0))
    assert key == variant_key(test, "plain", CheckOptions(variants=("plain",)))


def test_normal_form_sorts_sets_and_keeps_order_elsewhere() -> None:
    assert normal_form(frozenset({"b", "a"})) == normal_form(frozenset({"a", "b"}))
    assert cache_key({"x": ("a", "b")}) != cache_key({"x": ("b", "a")})
    with pytest.raises(TypeError):
        normal_form(object())


def test_cache_directory_comes_from_the_environment(tmp_path: Path) -> None:
    home = Path.home()
    assert default_cache_dir({}) == home / ".cache" / "ringlitmus"
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "ringlitmus"
    chosen = {"RINGLITMUS_CACHE_DIR": str(tmp_path / "c"), "XDG_CACHE_HOME": "/elsewhere"}
    assert default_cache_dir(chosen) == tmp_path / "c"


# --------------------------------------------------------------------------- hit and miss


def test_miss_solves_and_stores_then_hit_does_not_solve(
    cache: Cache, solver_calls: list[str]
) -> None:
    test = parse_file(str(RING_MP))
    first = check_with_cache(test, CheckOptions(), cache)
    assert solver_calls == ["plain", "rel_acq"]
    assert len(entries(cache)) == 2
    solver_calls.clear()
    second = check_with_cache(test, CheckOptions(), cache)
    assert solver_calls == []
    assert second == first


def test_only_the_missing_variant_is_solved(cache: Cache, solver_calls: list[str]) -> None:
    test = parse_file(str(RING_MP))
    check_with_cache(test, CheckOptions(variants=("rel_acq",)), cache)
    solver_calls.clear()
    result = check_with_cache(test, CheckOptions(), cache)
    assert solver_calls == ["plain"]
    assert [variant.variant for variant in result.variants] == ["plain", "rel_acq"]


def test_no_cache_solves_every_time(solver_calls: list[str]) -> None:
    test = parse_file(str(HERD_MP))
    check_with_cache(test, CheckOptions(), None)
    check_with_cache(test, CheckOptions(), None)
    assert solver_calls == ["default", "default"]


def test_unknown_results_are_not_stored(cache: Cache) -> None:
    result = check_with_cache(parse_file(str(HERD_MP)), CheckOptions(rlimit=1), cache)
    assert not is_decided(result.variants[0])
    assert entries(cache) == []


def test_a_stored_proof_answers_a_run_with_a_tight_limit(
    cache: Cache, solver_calls: list[str]
) -> None:
    test = parse_file(str(HERD_MP))
    decided = check_with_cache(test, CheckOptions(), cache)
    solver_calls.clear()
    assert check_with_cache(test, CheckOptions(rlimit=1), cache) == decided
    assert solver_calls == []


def test_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = check_with_cache(parse_file(str(HERD_MP)), CheckOptions(), Cache(blocker))
    assert result.variants[0].outcomes[0].ok is True


# --------------------------------------------------------------------------- damage


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff not json")


def _damage_truncate(path: Path) -> None:
    path.write_text(path.read_text()[:40])


def _damage_format(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["format"] = CACHE_FORMAT + 1
    path.write_text(json.dumps(entry))


def _damage_key(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["key"] = "0" * 64
    path.write_text(json.dumps(entry))


def _damage_payload(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["payload"]["outcomes"][0]["status"] = "maybe"
    path.write_text(json.dumps(entry))


def _damage_type(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["payload"]["outcomes"][0]["witness"] = {"1:X0": "one"}
    path.write_text(json.dumps(entry))


def _damage_missing_key(path: Path) -> None:
    entry = json.loads(path.read_text())
    del entry["payload"]["states_complete"]
    path.write_text(json.dumps(entry))


def _damage_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()  # unreadable as a file


DAMAGES = [
    _damage_garbage,
    _damage_truncate,
    _damage_format,
    _damage_key,
    _damage_payload,
    _damage_type,
    _damage_missing_key,
    _damage_directory,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__[8:] for d in DAMAGES])
def test_damaged_entry_is_recomputed_never_believed(
    cache: Cache, solver_calls: list[str], damage: object
) -> None:
    test = parse_file(str(HERD_MP))
    expected = check_with_cache(test, CheckOptions(), cache)
    [path] = entries(cache)
    assert callable(damage)
    damage(path)
    solver_calls.clear()
    assert untimed(check_with_cache(test, CheckOptions(), cache)) == untimed(expected)
    assert solver_calls == ["default"]
    if path.is_file():  # rewritten: the next run hits again
        solver_calls.clear()
        check_with_cache(test, CheckOptions(), cache)
        assert solver_calls == []


def test_a_verdict_cannot_be_changed_by_a_forged_entry_of_another_key(cache: Cache) -> None:
    test = parse_file(str(HERD_MP))
    check_with_cache(test, CheckOptions(), cache)
    [path] = entries(cache)
    other = cache.entry_path("f" * 64)
    other.parent.mkdir(parents=True, exist_ok=True)
    path.rename(other)  # an entry filed under the wrong name
    result = check_with_cache(test, CheckOptions(), cache)
    assert result.variants[0].outcomes[0].ok is True


def test_entries_are_written_whole(cache: Cache) -> None:
    cache.store("ab" * 32, {"value": 1})
    assert cache.load("ab" * 32) == {"value": 1}
    leftovers = [path for path in cache.directory.rglob("*") if path.name.startswith(".")]
    assert leftovers == []


def test_records_round_trip_every_field() -> None:
    test = parse_file(str(HERD_MP))
    result = outcomes.check_test(test, CheckOptions(states=True, observation=True))
    [variant] = result.variants
    assert variant.states and variant.outcomes[0].always is not None
    data = json.loads(json.dumps(variant_to_data(variant)))
    assert variant_from_data(data) == variant


# --------------------------------------------------------------------------- the command line


def test_command_line_uses_the_environment_directory_and_no_cache(tmp_path: Path) -> None:
    directory = tmp_path / "chosen"
    runner = CliRunner(env={"RINGLITMUS_CACHE_DIR": str(directory)})
    assert runner.invoke(main, ["check", "-q", "--no-cache", str(HERD_MP)]).exit_code == 0
    assert not directory.exists()
    assert runner.invoke(main, ["check", "-q", str(HERD_MP)]).exit_code == 0
    assert len(entries(Cache(directory))) == 1


def test_check_file_reports_the_same_with_and_without_cache(cache: Cache) -> None:
    cold = check_file(str(RING_MP), BatchOptions(cache=cache))
    warm = check_file(str(RING_MP), BatchOptions(cache=cache))
    uncached = check_file(str(RING_MP), BatchOptions())
    assert cold.result == warm.result
    assert untimed(uncached.result) == untimed(cold.result)
