"""Shared test configuration: hypothesis profiles, and the `slow` marker's opt-in."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# `ci`: the quick, reproducible gate (same examples on every run). `long`: the soak run.
# Pick one with RINGLITMUS_HYPOTHESIS_PROFILE=name.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=80,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# `medium`: a thousand examples, for checking an encoder change in minutes rather than an hour.
settings.register_profile(
    "medium",
    max_examples=1_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile(
    "long",
    max_examples=10_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def pytest_configure(config: pytest.Config) -> None:
    wanted = os.environ.get("RINGLITMUS_HYPOTHESIS_PROFILE")
    if wanted is None:
        wanted = "long" if "slow" in (config.getoption("markexpr", "") or "") else "ci"
    settings.load_profile(wanted)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _private_result_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets an empty result cache of its own: no test reads another's results (or
    the user's ~/.cache/ringlitmus), so a test that expects the solver to run sees it run."""
    monkeypatch.setenv("RINGLITMUS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    # Run on GitHub Actions, the suite's outputs would gain annotations; tests that want them
    # set the variable themselves.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
