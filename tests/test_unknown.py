"""A solver that gives up yields `unknown` and exit 3, never a verdict: under --rlimit or
--timeout every outcome is unknown or has the status an unlimited run gives it.

Each limited run is compared with an unlimited run of the same file and ring size, in this
process and with --no-cache, so no cached proof answers for the solver. --rlimit counts Z3's
resource units, the same on every machine, and the sweeps below cross the values where the
solver starts to decide (`test_the_sweep_crosses_from_unknown_to_decided`). --timeout is
wall-clock, so a run under it may finish: only consistency is asserted for it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from judging import judging_model

from ringlitmus.cli import main

LITMUS = Path(__file__).resolve().parents[1] / "litmus"
RING = LITMUS / "kvm-dirty-ring" / "ring.litmus"
LITMUS_FILES = sorted(LITMUS.rglob("*.litmus"))
# Around the values where the KVM files go from unknown to decided (about 2 000 to 20 000).
RLIMITS = (1, 2_000, 5_000, 7_000, 20_000)
LONG_RLIMITS = (1, *range(500, 10_001, 500), 15_000, 20_000, 50_000, 200_000)
UNKNOWN = "unknown"

Outcomes = dict[tuple[str, str], dict[str, Any]]


def invoke(arguments: Sequence[str]) -> tuple[int, dict[str, Any]]:
    """`ringlitmus ARGUMENTS` in this process: its exit code and its JSON document."""
    result = CliRunner().invoke(main, list(arguments))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


@functools.cache
def invoke_unlimited(arguments: tuple[str, ...]) -> tuple[int, dict[str, Any]]:
    """`invoke` for a run without limits, which gives the same answer every time: once per
    session."""
    return invoke(arguments)


def invoke_limited(arguments: Sequence[str], limits: Sequence[str]) -> tuple[int, dict[str, Any]]:
    """`ringlitmus ARGUMENTS LIMITS`; the unlimited run (no LIMITS) from the session's cache."""
    if not limits:
        return invoke_unlimited(tuple(arguments))
    return invoke([*arguments, *limits])


def size(defines: Sequence[str]) -> list[str]:
    return [argument for define in defines for argument in ("-D", define)]


def check_outcomes(
    file: Path, defines: Sequence[str] = (), limits: Sequence[str] = ()
) -> tuple[int, Outcomes]:
    """`check --json`: the exit code, and every outcome by (variant, name)."""
    model = ["--model", judging_model(file)]
    code, document = invoke_limited(
        ["check", "--no-cache", "-j", "1", "--json", *model, *size(defines), str(file)], limits
    )
    (result,) = document["results"]
    assert result["error"] is None, result["error"]
    outcomes = {
        (variant["variant"], outcome["name"]): outcome
        for variant in result["variants"]
        for outcome in variant["outcomes"]
    }
    return code, outcomes


def unlimited_check(file: Path, defines: tuple[str, ...] = ()) -> Outcomes:
    """The outcomes without limits, each decided."""
    _, outcomes = check_outcomes(file, defines)
    assert all(outcome["status"] != UNKNOWN for outcome in outcomes.values()), outcomes
    return outcomes


def worst_exit_code(oks: Sequence[bool | None]) -> int:
    """1 if an expectation fails, else 3 if one is unknown, else 0 (the README's rule)."""
    return 1 if False in oks else 3 if None in oks else 0


def assert_unknown_or_as_unlimited(code: int, limited: Outcomes, unlimited: Outcomes) -> None:
    """Every limited outcome is unknown (with its reason, no judgement) or has the unlimited
    status; the exit code follows."""
    assert limited.keys() == unlimited.keys()
    for key, outcome in limited.items():
        if outcome["status"] == UNKNOWN:
            assert outcome["ok"] is None, (key, outcome)
            assert outcome["reason"], (key, outcome)
            assert outcome["witness"] is None, (key, outcome)
        else:
            assert outcome["status"] == unlimited[key]["status"], (key, outcome, unlimited[key])
            assert outcome["ok"] == unlimited[key]["ok"], (key, outcome, unlimited[key])
    assert code == worst_exit_code([outcome["ok"] for outcome in limited.values()])


def statuses(outcomes: Outcomes) -> set[str]:
    return {outcome["status"] for outcome in outcomes.values()}


# --------------------------------------------------------------------------- check


def test_a_resource_limit_of_one_decides_nothing_on_a_ring_of_eight() -> None:
    code, limited = check_outcomes(RING, ["N=8"], ["--rlimit", "1"])
    assert UNKNOWN in statuses(limited)
    assert code == 3
    assert_unknown_or_as_unlimited(code, limited, unlimited_check(RING, ("N=8",)))


def test_a_tiny_timeout_gives_unknown_or_the_unlimited_verdict() -> None:
    arguments = ["check", "--no-cache", "-j", "1", "--json", *size(["N=8"]), str(RING)]
    code, document = invoke([*arguments, "--timeout", "0.001"])
    (result,) = document["results"]
    if "unknown" in result:
        # --timeout bounds the parse too: stopped there, the file has no outcomes yet.
        assert (code, result["error"], result["variants"]) == (3, None, [])
        assert result["unknown"].startswith("timeout after 0.001 s while "), result
        return
    limited = {
        (variant["variant"], outcome["name"]): outcome
        for variant in result["variants"]
        for outcome in variant["outcomes"]
    }
    assert_unknown_or_as_unlimited(code, limited, unlimited_check(RING, ("N=8",)))


def test_the_sweep_crosses_from_unknown_to_decided() -> None:
    """The sweep's premise: its smallest limit leaves every outcome of the ring unknown, its
    largest decides them all. Otherwise the tests below would prove nothing."""
    _, smallest = check_outcomes(RING, limits=["--rlimit", str(RLIMITS[0])])
    _, largest = check_outcomes(RING, limits=["--rlimit", str(RLIMITS[-1])])
    assert statuses(smallest) == {UNKNOWN}
    assert UNKNOWN not in statuses(largest)


def sweep(
    files: Sequence[tuple[Path, tuple[str, ...]]], rlimits: Sequence[int], mark: Any = ()
) -> list[Any]:
    """(file, defines, rlimit) parameters, ids like `ring.litmus-N=4-rlimit=5000`."""
    return [
        pytest.param(
            file,
            defines,
            rlimit,
            marks=mark,
            id="-".join([file.name, *defines, f"rlimit={rlimit}"]),
        )
        for file, defines in files
        for rlimit in rlimits
    ]


KVM = [(file, ()) for file in LITMUS_FILES if file.parent.name == "kvm-dirty-ring"]
QUICK_SWEEP = sweep([*KVM, (RING, ("N=4",))], RLIMITS)
LONG_SWEEP = sweep(
    [(file, ()) for file in LITMUS_FILES] + [(RING, ("N=3",)), (RING, ("N=8",))],
    [rlimit for rlimit in LONG_RLIMITS if rlimit not in RLIMITS],
    pytest.mark.slow,
)


@pytest.mark.parametrize(("file", "defines", "rlimit"), QUICK_SWEEP + LONG_SWEEP)
def test_every_resource_limit_gives_unknown_or_the_unlimited_verdict(
    file: Path, defines: tuple[str, ...], rlimit: int
) -> None:
    code, limited = check_outcomes(file, defines, ["--rlimit", str(rlimit)])
    assert_unknown_or_as_unlimited(code, limited, unlimited_check(file, defines))


@pytest.mark.parametrize("rlimit", [1, pytest.param(200_000, marks=pytest.mark.slow)])
def test_a_large_ring_under_a_limit_is_unknown_or_as_expected(rlimit: int) -> None:
    """A ring of 16 is too slow to check without limits in the quick suite; the file's
    expectations (which N = 2 to 32 meet) stand in for the unlimited run: nothing decided
    under the limit contradicts them."""
    code, limited = check_outcomes(RING, ["N=16"], ["--rlimit", str(rlimit)])
    if rlimit == 1:
        assert UNKNOWN in statuses(limited)
    for key, outcome in limited.items():
        assert outcome["status"] in {UNKNOWN, outcome["expected"]}, (key, outcome)
        assert outcome["ok"] is not False, (key, outcome)
    assert code == worst_exit_code([outcome["ok"] for outcome in limited.values()])


@pytest.mark.slow
@pytest.mark.parametrize("rlimit", [1, 20_000, 200_000, 2_000_000])
def test_a_ring_of_thirty_two_under_a_limit_is_unknown_or_as_unlimited(rlimit: int) -> None:
    code, limited = check_outcomes(RING, ["N=32"], ["--rlimit", str(rlimit)])
    assert_unknown_or_as_unlimited(code, limited, unlimited_check(RING, ("N=32",)))


def reachable_states(file: Path, limits: Sequence[str]) -> dict[str, list[dict[str, int]]]:
    _, document = invoke_limited(
        ["check", "--no-cache", "-j", "1", "--json", "--states", str(file)], limits
    )
    return {variant["variant"]: variant["states"] for variant in document["results"][0]["variants"]}


@pytest.mark.parametrize("rlimit", [5_000, 10_000, 20_000])
def test_states_found_under_a_limit_are_reachable(rlimit: int) -> None:
    unlimited = reachable_states(RING, [])
    for variant, states in reachable_states(RING, ["--rlimit", str(rlimit)]).items():
        assert all(state in unlimited[variant] for state in states), variant


def test_states_cut_short_by_a_limit_are_marked_incomplete_in_json() -> None:
    _, document = invoke(
        ["check", "--no-cache", "-j", "1", "--json", "--states", "--rlimit", "1", str(RING)]
    )
    for variant in document["results"][0]["variants"]:
        assert variant["states"] is None or variant.get("states_complete") is False, variant
    _, unlimited = invoke(["check", "--no-cache", "-j", "1", "--json", "--states", str(RING)])
    for variant in unlimited["results"][0]["variants"]:
        assert variant["states_complete"] is True, variant


# --------------------------------------------------------------------------- diff, explain, ablate


def diff_changes(limits: Sequence[str]) -> tuple[int, dict[str, Any]]:
    """`diff --variants before after` of the ring, with `limits`."""
    return invoke_limited(
        ["diff", "--no-cache", "-j", "1", "--json", str(RING), "--variants", "before", "after"],
        limits,
    )


@pytest.mark.parametrize("rlimit", [1, 5_000, 7_000])
def test_diff_under_a_limit_reports_only_changes_it_proved(rlimit: int) -> None:
    _, unlimited = diff_changes([])
    code, limited = diff_changes(["--rlimit", str(rlimit)])
    expected = {change["outcome"]: change for change in unlimited["changes"]}
    for change in limited["changes"]:
        sides = (change["old"]["status"], change["new"]["status"])
        if UNKNOWN in sides:
            assert change["change"] == UNKNOWN, change
        else:
            assert change["change"] == expected[change["outcome"]]["change"], change
    unknown = limited["summary"]["unknown"]
    assert code == (1 if limited["summary"]["opens_forbidden"] else 3 if unknown else 0)


def explanations(limits: Sequence[str]) -> tuple[int, dict[tuple[str, str], dict[str, Any]]]:
    code, document = invoke_limited(["explain", "--json", str(RING)], limits)
    found = {(item["variant"], item["outcome"]): item for item in document["explanations"]}
    return code, found


@pytest.mark.parametrize("rlimit", [1, 5_000])
def test_explain_under_a_limit_explains_only_what_it_decided(rlimit: int) -> None:
    _, unlimited = explanations([])
    code, limited = explanations(["--rlimit", str(rlimit)])
    assert limited.keys() == unlimited.keys()
    for key, item in limited.items():
        if item["status"] == UNKNOWN:
            assert item["ok"] is None and item["reason"], item
            assert item["execution"] is None and not item["cycle"], item
        else:
            assert (item["status"], item["ok"]) == (unlimited[key]["status"], unlimited[key]["ok"])
    assert code == worst_exit_code([item["ok"] for item in limited.values()])


def ablation_claims(variant: Mapping[str, Any]) -> dict[tuple[int, int, str], dict[str, Any]]:
    """Every check the ablation made (removals, weakenings, repairs) by (thread, position,
    change)."""
    checks = [site["removal"] for site in variant["sites"] if site["removal"] is not None]
    checks += [weakening for site in variant["sites"] for weakening in site["weakenings"]]
    checks += variant["repairs"]
    return {
        (check["site"]["thread"], check["site"]["position"], check["change"]): check
        for check in checks
    }


def ablation(limits: Sequence[str]) -> tuple[int, dict[str, Any]]:
    code, document = invoke_limited(["ablate", "--json", "--variant", "after", str(RING)], limits)
    (result,) = document["ablations"]
    (variant,) = result["variants"]
    return code, variant


@pytest.mark.parametrize(
    "rlimit",
    [
        6_500,
        *(
            pytest.param(rlimit, marks=pytest.mark.slow)
            for rlimit in range(1_000, 10_001, 500)
            if rlimit != 6_500
        ),
    ],
)
def test_ablate_under_a_limit_claims_only_what_it_proved(rlimit: int) -> None:
    """No ordering is called necessary or redundant, and no set minimal, on an unknown."""
    _, unlimited = ablation([])
    code, limited = ablation(["--rlimit", str(rlimit)])
    necessity = {
        (site["site"]["thread"], site["site"]["position"]): site["necessity"]
        for site in unlimited["sites"]
    }
    for site in limited["sites"]:
        key = (site["site"]["thread"], site["site"]["position"])
        assert site["necessity"] in {UNKNOWN, necessity[key]}, site
    proved = ablation_claims(unlimited)
    for key, check in ablation_claims(limited).items():
        if check["holds"] is None:
            continue
        assert check["holds"] == proved[key]["holds"], check
        assert set(check["reached"]) <= set(proved[key]["reached"]), check
    assert limited["ok"] in {None, unlimited["ok"]}
    if limited["undecided"]:
        # The outcomes to keep unreachable are not known to be: nothing was searched.
        assert limited["ok"] is None and not limited["minimal_sets"], limited
    elif limited["search_complete"]:
        assert limited["minimal_sets"] == unlimited["minimal_sets"]
    undecided = (
        limited["ok"] is None
        or bool(limited["undecided"])
        or not limited["search_complete"]
        or any(site["necessity"] == UNKNOWN for site in limited["sites"])
        or any(check["holds"] is None for check in ablation_claims(limited).values())
    )
    assert code == (1 if limited["ok"] is False else 3 if undecided else 0)
