"""herd7 itself and `--model lkmm` agree on our own C tests, and the C front end knows every
call of herd's linux-kernel.def but locking, RCU and SRCU.

The files: litmus/regressions/ (each exposed a disagreement once; its `Expected=` line is
herd7's verdict) and tests/data/c/ (one rule of herd's C semantics each); the flags herd7
prints (`Flag lock-final`) must be ours too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from herd7 import CATALOGUE_VARIABLE, run_herd7

from ringlitmus.frontends import parse_file
from ringlitmus.frontends.c_calls import CALLS
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd import judge_outcome

ROOT = Path(__file__).resolve().parent.parent.parent
REGRESSIONS = sorted((ROOT / "litmus" / "regressions").glob("lkmm-*.litmus"))
CASES = sorted((ROOT / "tests" / "data" / "c").glob("*.litmus"))
# The other helper's half of LKMM: calls of these families are refused for now.
_NOT_YET = re.compile(r"^(spin_|rcu_|srcu_|synchronize_|smp_mb__after_srcu)")
_MACRO = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)", re.MULTILINE)


def _ours(path: Path) -> str:
    return _observation_and_flags(path)[0]


def _observation_and_flags(path: Path) -> tuple[str, set[str]]:
    (variant,) = check_test(
        parse_file(str(path)), CheckOptions(model="lkmm", observation=True)
    ).variants
    (outcome,) = variant.outcomes
    return judge_outcome(outcome).observation.value, set(variant.flags)


@pytest.mark.parametrize(
    "path", REGRESSIONS + CASES, ids=[path.name for path in REGRESSIONS + CASES]
)
def test_lkmm_gives_herd7s_observation_and_flags(path: Path) -> None:
    answer = run_herd7(path, "lkmm")
    assert answer is not None and answer.observation is not None, answer
    assert _observation_and_flags(path) == (answer.observation, set(answer.flags))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[path.name for path in REGRESSIONS])
def test_regression_files_expect_herd7s_verdict(path: Path) -> None:
    """A regression's `Expected=` line is herd7's: Forbidden exactly when herd7 says Never."""
    answer = run_herd7(path, "lkmm")
    assert answer is not None and answer.observation is not None, answer
    (expectation,) = re.findall(r"^Expected=(\w+)$", path.read_text(), re.MULTILINE)
    assert (expectation == "Forbidden") == (answer.observation == "Never")


def test_every_macro_of_linux_kernel_def_is_known() -> None:
    """Each call the .def defines (but locks, RCU, SRCU) is in the C front end's table, taking
    as many arguments as the .def's macro."""
    catalogue = pytest.importorskip("os").environ.get(CATALOGUE_VARIABLE)
    if catalogue is None:
        pytest.skip(f"set {CATALOGUE_VARIABLE} to ../shared/herd-catalogue")
    text = (Path(catalogue) / "linux" / "cats" / "linux-kernel.def").read_text()
    macros = {name: arguments for name, arguments in _MACRO.findall(text)}
    assert len(macros) > 100
    for name, arguments in macros.items():
        if _NOT_YET.match(name):
            continue
        arity = len([argument for argument in arguments.split(",") if argument.strip()])
        assert name in CALLS, name
        assert CALLS[name].arity == arity, name


@pytest.mark.parametrize(
    "path",
    [path for path in CASES if "atomic_" in path.read_text()],
    ids=lambda path: path.name,
)
def test_atomic_long_forms_are_the_atomic_forms(path: Path, tmp_path: Path) -> None:
    """herd's .def has no atomic_long_*: each is its atomic_* form, as in the kernel."""
    long_forms = tmp_path / path.name
    long_forms.write_text(path.read_text().replace("atomic_", "atomic_long_"))
    assert "atomic_long_" in long_forms.read_text()
    assert _ours(long_forms) == _ours(path)
