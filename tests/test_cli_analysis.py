"""`ringlitmus explain` and `ringlitmus ablate`: exit codes, JSON, drawings, refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ringlitmus.cli import ExitCode, main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"
MP_DMB = ROOT / "litmus" / "basics" / "MP+dmb.litmus"
FAILING = ROOT / "tests" / "data" / "cli" / "mp-expected-forbidden.litmus"
BAD = ROOT / "tests" / "data" / "cli" / "bad" / "duplicate-thread.litmus"


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def test_explain_exits_as_check_does() -> None:
    assert run("explain", SEED).exit_code == ExitCode.OK
    failed = run("explain", FAILING)
    assert failed.exit_code == ExitCode.FAILED
    assert "reachable ✗ (expected unreachable)" in failed.stdout
    bad = run("explain", BAD)
    assert bad.exit_code == ExitCode.BAD_INPUT
    assert ": error: " in bad.stderr and "Traceback" not in bad.stderr


def test_explain_json_is_one_document() -> None:
    result = run("explain", SEED, "--variant", "after", "--json")
    assert result.exit_code == ExitCode.OK
    document = json.loads(result.stdout)
    (explanation,) = document["explanations"]
    assert explanation["status"] == "unreachable" and explanation["axiom"] == "external"
    assert explanation["cycle"] and all("relation" in edge for edge in explanation["cycle"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--variant", "middle"), "no variant 'middle'"),
        (("--outcome", "nothing"), "no outcome 'nothing'"),
        (("--dot", "graph.dot"), "draw one explanation"),
    ],
)
def test_explain_usage_errors(arguments: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(SEED), *arguments])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert message in result.stderr


def test_explain_never_overwrites_its_input(tmp_path: Path) -> None:
    litmus = tmp_path / "MP+dmb.litmus"
    litmus.write_text(MP_DMB.read_text())
    before = litmus.read_text()
    for option in ("--dot", "--svg"):
        result = run("explain", litmus, option, litmus)
        assert result.exit_code == ExitCode.BAD_INPUT
        assert "will not be overwritten" in result.stderr
    assert litmus.read_text() == before


def test_explain_writes_dot(tmp_path: Path) -> None:
    drawing = tmp_path / "seed.dot"
    result = run("explain", SEED, "--variant", "after", "--dot", drawing)
    assert result.exit_code == ExitCode.OK
    assert drawing.read_text().startswith("digraph ringlitmus {")


def test_svg_without_graphviz_keeps_the_dot_and_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    picture = tmp_path / "seed.svg"
    result = run("explain", SEED, "--variant", "after", "--svg", picture)
    assert result.exit_code == ExitCode.OK
    assert not picture.exists()
    assert (tmp_path / "seed.dot").read_text().startswith("digraph")
    assert "apt-get install graphviz" in result.stderr


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_with_graphviz(tmp_path: Path) -> None:
    picture = tmp_path / "seed.svg"
    result = run("explain", SEED, "--variant", "after", "--svg", picture)
    assert result.exit_code == ExitCode.OK
    assert "<svg" in picture.read_text()


def test_ablate_exits_as_check_does() -> None:
    result = run("ablate", SEED)
    assert result.exit_code == ExitCode.OK
    assert "necessary CPU1: load-acquire gfn2.flags" in result.stdout
    assert run("ablate", FAILING).exit_code == ExitCode.FAILED
    assert run("ablate", BAD).exit_code == ExitCode.BAD_INPUT
    cut = run("ablate", MP_DMB, "--max-checks", "2")
    assert cut.exit_code == ExitCode.UNKNOWN
    assert "search cut" in cut.stdout


def test_ablate_json() -> None:
    result = run("ablate", MP_DMB, "--json", "--no-cycles")
    assert result.exit_code == ExitCode.OK
    (ablation,) = json.loads(result.stdout)["ablations"]
    (variant,) = ablation["variants"]
    assert [site["necessity"] for site in variant["sites"]] == ["necessary", "necessary"]
    assert len(variant["minimal_sets"]) == 1


def test_explain_and_ablate_judge_under_the_model_asked_for() -> None:
    # Under SC the seed's stale read is impossible even without barriers: the explanation
    # of `before` is a forbidding cycle, not a witness, and the JSON names the model.
    result = run("explain", SEED, "--variant", "before", "--model", "sc", "--json")
    document = json.loads(result.stdout)
    assert document["model"] == "sc"
    (explanation,) = document["explanations"]
    assert explanation["status"] == "unreachable"
    armv8 = json.loads(run("explain", SEED, "--variant", "before", "--json").stdout)
    assert armv8["model"] == "armv8" and armv8["explanations"][0]["status"] == "reachable"
    ablation = json.loads(run("ablate", SEED, "--model", "tso", "--json").stdout)
    assert ablation["model"] == "tso"


def test_diff_judges_both_sides_under_the_model_asked_for() -> None:
    under_sc = run("diff", "--model", "sc", "--no-cache", "--variants", "before", "after", SEED)
    assert "0 newly unreachable" in under_sc.stdout
    under_armv8 = run("diff", "--no-cache", "--variants", "before", "after", SEED)
    assert "1 newly unreachable" in under_armv8.stdout


def test_ablate_gives_the_answer_the_lkml_discussion_reached() -> None:
    # Issue 10: on the Linux-kernel model the RESET release and the ioctl's acquire are both
    # necessary; on ARMv8 the release is redundant (the acquire and the ctrl dependency suffice).
    def necessity(model: str) -> dict[tuple[str, str], str]:
        result = run("ablate", SEED, "--variant", "both", "--model", model, "--json", "--no-cycles")
        (variant,) = json.loads(result.stdout)["ablations"][0]["variants"]
        return {
            (site["site"]["thread_name"], site["site"]["kind"]): site["necessity"]
            for site in variant["sites"]
        }

    lkmm, armv8 = necessity("lkmm"), necessity("armv8")
    assert lkmm["CPU0", "release"] == "necessary" and lkmm["CPU1", "acquire"] == "necessary"
    assert armv8["CPU0", "release"] == "redundant" and armv8["CPU1", "acquire"] == "necessary"
