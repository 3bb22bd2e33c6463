"""`ringlitmus diff` (reports/diff.py, compare.py, revisions.py, reports/diff_report.py):
outcome changes between two files, two directories, two git revisions or two variants."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from result_builders import console_text, make_console, outcome
from syrupy.assertion import SnapshotAssertion

from ringlitmus import ir
from ringlitmus.cli import ExitCode, main
from ringlitmus.encode.solver import Verdict
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import TestResult, VariantResult
from ringlitmus.reports.claims import ClaimAspect, ClaimChange, ClaimDirection, compare_claims
from ringlitmus.reports.diff import Change, Diff, classify, compare, compare_variants
from ringlitmus.reports.diff_report import (
    build_diff_document,
    claim_lines,
    claim_words,
    diff_summary,
    render_diff,
)
from ringlitmus.revisions import parse_range

ROOT = Path(__file__).parents[1]
BASICS = ROOT / "litmus" / "basics"
SEED = ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"
CLAIMS = ROOT / "tests" / "data" / "diff" / "claims"
EXPECTED_CLAIMS: dict[str, list[str]] = json.loads((CLAIMS / "expected.json").read_text())

MP_TEST = """test "mp"
include "../lib.prelude"
x = 0; y = 0
thread P0: store x = 1; store<release> y = 1
thread P1: r0 = load<order> y; r1 = load x
forbidden stale: P1.r0 == 1 && P1.r1 == 0
allowed fresh: P1.r0 == 1 && P1.r1 == 1
"""
SB_TEST = """test "sb"
x = 0; y = 0
thread P0: store x = 1; r0 = load y
thread P1: store y = 1; r0 = load x
allowed both_zero: P0.r0 == 0 && P1.r0 == 0
"""


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, ["diff", "-j", "1", *(str(a) for a in arguments)])


def changes(result: Result) -> dict[tuple[str, str | None, str], str]:
    document = json.loads(result.stdout)
    return {
        (entry["file"], entry["variant"], entry["outcome"]): entry["change"]
        for entry in document["changes"]
    }


def result_of(name: str, *variants: tuple[str, tuple[Any, ...]]) -> TestResult:
    return TestResult(
        file=f"{name}.litmus",
        test=name,
        format="ring",
        variants=tuple(VariantResult(variant, 0.0, items) for variant, items in variants),
    )


# --------------------------------------------------------------------------- the comparison


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, Verdict.REACHABLE, Change.ADDED),
        (Verdict.REACHABLE, None, Change.REMOVED),
        (Verdict.REACHABLE, Verdict.REACHABLE, Change.UNCHANGED),
        (Verdict.UNREACHABLE, Verdict.REACHABLE, Change.NEWLY_REACHABLE),
        (Verdict.REACHABLE, Verdict.UNREACHABLE, Change.NEWLY_UNREACHABLE),
        (Verdict.UNKNOWN, Verdict.REACHABLE, Change.UNKNOWN),
        (Verdict.UNREACHABLE, Verdict.UNKNOWN, Change.UNKNOWN),
    ],
)
def test_classify(old: Verdict | None, new: Verdict | None, expected: Change) -> None:
    before = outcome(old, None, None) if old is not None else None
    after = outcome(new, None, None) if new is not None else None
    assert classify(before, after) is expected


def test_compare_matches_by_file_variant_and_outcome() -> None:
    old = {
        "a.litmus": result_of("a", ("v", (outcome(Verdict.UNREACHABLE, None, True),))),
        "gone.litmus": result_of("gone", ("v", (outcome(Verdict.REACHABLE, None, True),))),
    }
    allowed = outcome(Verdict.REACHABLE, None, True, name="ok", kind=ir.OutcomeKind.ALLOWED)
    new = {
        "a.litmus": result_of(
            "a", ("v", (outcome(Verdict.REACHABLE, None, False),)), ("w", (allowed,))
        ),
    }
    diff = compare(old, new, "old", "new")
    found = [(c.file, c.variant, c.outcome, c.change) for c in diff.changes]
    assert found == [
        ("a.litmus", "v", "lost_page", Change.NEWLY_REACHABLE),
        ("a.litmus", "w", "ok", Change.ADDED),
        ("gone.litmus", "v", "lost_page", Change.REMOVED),
    ]
    assert diff.opens_forbidden
    assert [c.opens_forbidden for c in diff.changes] == [True, False, False]


def test_an_allowed_outcome_becoming_reachable_opens_nothing() -> None:
    allowed = {"kind": ir.OutcomeKind.ALLOWED, "name": "ok"}
    old = {"a": result_of("a", ("v", (outcome(Verdict.UNREACHABLE, None, True, **allowed),)))}
    new = {"a": result_of("a", ("v", (outcome(Verdict.REACHABLE, None, True, **allowed),)))}
    diff = compare(old, new, "old", "new")
    assert diff.count(Change.NEWLY_REACHABLE) == 1 and not diff.opens_forbidden


def test_witness_change_is_flagged_when_both_sides_reach() -> None:
    before = outcome(Verdict.REACHABLE, None, False)
    moved = dict(before.witness or {}, **{"CPU1.slot": 7})
    after = type(before)(**{**before.__dict__, "witness": moved})
    diff = compare(
        {"a": result_of("a", ("v", (before,)))}, {"a": result_of("a", ("v", (after,)))}, "o", "n"
    )
    [change] = diff.changes
    assert change.change is Change.UNCHANGED and change.witness_changed
    assert diff.witnesses_changed == 1


def test_compare_variants_of_one_result() -> None:
    result = result_of(
        "seed",
        ("before", (outcome(Verdict.REACHABLE, None, False),)),
        ("after", (outcome(Verdict.UNREACHABLE, None, True),)),
    )
    diff = compare_variants("seed.litmus", result, "before", "after")
    [change] = diff.changes
    assert (change.variant, change.change) == (None, Change.NEWLY_UNREACHABLE)
    reverse = compare_variants("seed.litmus", result, "after", "before")
    assert reverse.opens_forbidden


def test_table_and_document() -> None:
    result = result_of(
        "seed",
        ("before", (outcome(Verdict.REACHABLE, None, False),)),
        ("after", (outcome(Verdict.UNREACHABLE, None, True),)),
    )
    diff = compare_variants("seed.litmus", result, "after", "before")
    console = make_console()
    render_diff(console, diff)
    text = console_text(console)
    assert "seed.litmus: variants after → before" in text
    assert "newly reachable" in text
    assert "✗ seed.litmus: lost_page: forbidden outcome newly reachable" in text
    assert "final state: CPU1.harvested=2" in text
    assert text.rstrip().endswith("a forbidden outcome became reachable")
    document = build_diff_document(diff, [], "0.1.0", "armv8")
    assert set(document) == {
        "ringlitmus", "model", "old", "new", "variants", "summary", "changes", "claims", "errors",
    }  # fmt: skip
    assert document["summary"]["newly_reachable"] == 1 and document["summary"]["opens_forbidden"]
    [entry] = document["changes"]
    assert entry["old"]["status"] == "unreachable" and entry["new"]["witness"]["CPU1.slot"] == 0


# --------------------------------------------------------------------------- files, directories


def without_barriers(path: Path, directory: Path) -> Path:
    """`path` with its `dmb ish` removed, the outcome still forbidden."""
    stripped = directory / f"no-dmb-{path.name}"
    stripped.write_text(path.read_text().replace("dmb ish; ", ""))
    return stripped


def test_two_files_a_barrier_closes_the_outcome(tmp_path: Path) -> None:
    fenced = BASICS / "MP+dmb.litmus"
    unfenced = without_barriers(fenced, tmp_path)
    result = run("--json", unfenced, fenced)
    assert result.exit_code == ExitCode.OK, result.output
    assert changes(result) == {(str(fenced), "default", "stale_data"): "newly unreachable"}
    back = run(fenced, unfenced)
    assert back.exit_code == ExitCode.FAILED
    assert "newly reachable" in back.stdout


def test_the_old_sides_claim_decides_what_opens() -> None:
    # MP.litmus drops the barriers *and* calls stale_data allowed: judged by MP+dmb's claim
    # the outcome opened, and the claim was weakened; accepting the weakening leaves the first.
    new = BASICS / "MP.litmus"
    result = run(BASICS / "MP+dmb.litmus", new)
    assert result.exit_code == ExitCode.FAILED
    assert f"✗ {new}: stale_data: forbidden outcome newly reachable" in result.stdout
    assert f"✗ claim weakened: {new}: stale_data: forbidden → allowed" in result.stdout
    [row] = json.loads(run("--json", BASICS / "MP+dmb.litmus", new).stdout)["changes"]
    assert (row["kind"], row["claim"], row["change"]) == (
        "forbidden",
        "unreachable",
        "newly reachable",
    )
    assert row["opens_forbidden"] and row["claim_weakened"]
    accepted = run("--accept-weakened-claims", BASICS / "MP+dmb.litmus", BASICS / "MP.litmus")
    assert accepted.exit_code == ExitCode.FAILED
    assert "claim weakened (accepted)" in accepted.stdout
    back = run("--json", BASICS / "MP.litmus", BASICS / "MP+dmb.litmus")
    assert back.exit_code == ExitCode.OK
    claims = json.loads(back.stdout)["claims"]
    assert {(c["aspect"], c["change"], c["old"], c["new"]) for c in claims} == {
        ("outcome", "strengthened", "allowed", "forbidden"),
        # MP claims stale_data reachable under armv8 and lkmm and makes no claim for other
        # models; MP+dmb claims it unreachable under every model.
        ("expectation", "strengthened", "reachable", "unreachable"),
        ("expectation", "strengthened", None, "unreachable"),
    }


def test_an_outcome_expected_unreachable_is_judged_as_claimed(tmp_path: Path) -> None:
    # expect.litmus's old side: an allowed outcome the file expects unreachable. Removing the
    # barriers (claims untouched) opens it: the diff fails by that expectation, not the kind.
    old = CLAIMS / "old" / "expect.litmus"
    new = without_barriers(old, tmp_path)
    result = run(old, new)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert f"✗ {new}: stale: allowed outcome expected unreachable, newly reachable" in result.stdout
    assert result.stdout.rstrip().endswith("an outcome expected unreachable became reachable")
    assert "claims: 0 weakened, 0 strengthened, 0 added" in result.stdout


def test_a_renamed_outcome_cannot_launder_an_opened_one(tmp_path: Path) -> None:
    # The outcome is renamed *and* the barriers removed: accepting the rename (a weakened
    # claim) does not accept that the new outcome is reachable though claimed forbidden.
    old = CLAIMS / "old" / "outcome.litmus"
    new = without_barriers(CLAIMS / "new" / "outcome.litmus", tmp_path)
    result = run("--accept-weakened-claims", old, new)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert f"✗ {new}: old_data: forbidden outcome added, reachable" in result.stdout
    assert "claim weakened (accepted)" in result.stdout


def test_two_directories_match_files_by_relative_path(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        (side / "sub").mkdir(parents=True)
    shutil.copy(BASICS / "MP+dmb.litmus", old / "sub" / "mp.litmus")
    without_barriers(BASICS / "MP+dmb.litmus", tmp_path).rename(new / "sub" / "mp.litmus")
    shutil.copy(BASICS / "SB.litmus", old / "sb.litmus")
    shutil.copy(BASICS / "LB.litmus", new / "lb.litmus")
    result = run("--json", old, new)
    assert result.exit_code == ExitCode.FAILED
    found = changes(result)
    assert found[("sub/mp.litmus", "default", "stale_data")] == "newly reachable"
    assert {found[key] for key in found if key[0] == "sb.litmus"} == {"removed"}
    assert {found[key] for key in found if key[0] == "lb.litmus"} == {"added"}


def test_variants_of_one_file() -> None:
    result = run(SEED, "--variants", "before", "after", "--json")
    assert result.exit_code == ExitCode.OK
    document = json.loads(result.stdout)
    assert document["variants"] == ["before", "after"]
    assert changes(result) == {(str(SEED), None, "lost_page"): "newly unreachable"}
    assert run(SEED, "--variants", "after", "before").exit_code == ExitCode.FAILED


def test_unknown_variant_is_bad_input() -> None:
    result = run(SEED, "--variants", "before", "later")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no variant 'later'" in result.stderr


def test_unknown_on_a_side_exits_3(tmp_path: Path) -> None:
    fenced = BASICS / "MP+dmb.litmus"
    result = run("--rlimit", "1", fenced, without_barriers(fenced, tmp_path))
    assert result.exit_code == ExitCode.UNKNOWN
    assert "unknown" in result.stdout


@pytest.mark.parametrize(
    "arguments",
    [(), ("one.litmus",), ("--variants", "a", "b"), ("--rev", "HEAD", "--variants", "a", "b")],
    ids=["nothing", "one-path", "variants-without-file", "rev-and-variants"],
)
def test_usage_errors_exit_2(arguments: tuple[str, ...]) -> None:
    result = run(*arguments)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Traceback" not in result.output


def test_file_against_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = run(BASICS / "MP.litmus", BASICS)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "two files or two directories" in result.stderr


# --------------------------------------------------------------------------- claims


@pytest.fixture(scope="module")
def claims_diff() -> Result:
    return run("--json", CLAIMS / "old", CLAIMS / "new")


@pytest.mark.parametrize("file", sorted(EXPECTED_CLAIMS), ids=sorted(EXPECTED_CLAIMS))
def test_every_claim_change_of_a_directory_is_listed(claims_diff: Result, file: str) -> None:
    document = json.loads(claims_diff.stdout)
    found = [
        f"{claim['change']}: {claim_words(_claim_of(claim))}"
        for claim in document["claims"]
        if claim["file"] == file
    ]
    assert found == EXPECTED_CLAIMS[file]


def _claim_of(entry: dict[str, Any]) -> ClaimChange:
    models = tuple("" if model == "*" else model for model in entry["models"] or ())
    return ClaimChange(
        entry["file"],
        ClaimAspect(entry["aspect"]),
        ClaimDirection(entry["change"]),
        entry["outcome"],
        tuple(entry["variants"]),
        models,
        entry["old"],
        entry["new"],
        entry["herd"],
    )


def test_moving_claims_within_their_file_changes_none(tmp_path: Path) -> None:
    # Spans never count: a comment above every line, and the lines reordered, claim the same.
    seed = parse_file(str(SEED))
    lines = SEED.read_text().splitlines()
    expectations = [line for line in lines if line.startswith("expect ")]
    rest = [line for line in lines if not line.startswith("expect ")]
    moved = tmp_path / "seed.litmus"
    moved.write_text("# moved\n" + "\n".join([*rest, *reversed(expectations)]) + "\n")
    shutil.copy(SEED.parent / "kvm-dirty-ring.prelude", tmp_path)
    assert compare_claims("seed.litmus", seed, parse_file(str(moved))) == []


def test_a_weakened_claim_fails_the_directory_diff(claims_diff: Result) -> None:
    assert claims_diff.exit_code == ExitCode.FAILED
    summary = json.loads(claims_diff.stdout)["summary"]
    weakened = sum(entry.startswith("weakened") for e in EXPECTED_CLAIMS.values() for entry in e)
    assert summary["claims_weakened"] == weakened
    assert summary["weakened_claims_accepted"] is False
    rows = {(c["file"], c["outcome"]): c for c in json.loads(claims_diff.stdout)["changes"]}
    # A claim change that also flips a verdict shows both.
    kind = rows[("kind.litmus", "stale")]
    assert (kind["change"], kind["claim_weakened"], kind["opens_forbidden"]) == (
        "newly reachable", True, True,
    )  # fmt: skip
    assert not rows[("strengthened.litmus", "stale")]["claim_weakened"]


@pytest.mark.parametrize(
    "file", ["narrowed.litmus", "herd-expected.litmus", "herd-filter.litmus", "condition.litmus"]
)
def test_a_weakened_claim_alone_fails_unless_accepted(file: str) -> None:
    # The verdicts are the same on both sides: only the claim makes the diff fail.
    old, new = CLAIMS / "old" / file, CLAIMS / "new" / file
    result = run(old, new)
    assert result.exit_code == ExitCode.FAILED, result.output
    assert "0 newly reachable" in result.stdout and "1 weakened" in result.stdout
    accepted = run("--accept-weakened-claims", old, new)
    assert accepted.exit_code == ExitCode.OK, accepted.output
    assert "claim weakened (accepted)" in accepted.stdout


def test_strengthened_and_added_claims_are_listed_and_pass() -> None:
    file = "strengthened.litmus"
    result = run(CLAIMS / "old" / file, CLAIMS / "new" / file)
    assert result.exit_code == ExitCode.OK, result.output
    assert "✓ claim strengthened:" in result.stdout and "2 strengthened" in result.stdout


def test_claim_lines(claims_diff: Result, snapshot: SnapshotAssertion) -> None:
    document = json.loads(claims_diff.stdout)
    diff = Diff("old", "new", (), claims=tuple(_claim_of(c) for c in document["claims"]))
    console = make_console()
    for line in claim_lines(diff):
        console.print(line, soft_wrap=True)
    console.print(diff_summary(diff), soft_wrap=True)
    assert console_text(console) == snapshot


# --------------------------------------------------------------------------- git revisions


def git(repository: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repository), *arguments], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def commit(repository: Path, files: dict[str, str | None], message: str) -> str:
    for name, text in files.items():
        path = repository / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "--no-verify", "-m", message)
    return git(repository, "rev-parse", "HEAD")


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Commits `acquire` (the prelude orders the reader), `plain` (it does not; a test is
    removed, one added) and `broken` (the test no longer parses). The work tree then puts the
    acquire back, uncommitted. Returns the commits by name; the current directory is the repo."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "ringlitmus tests")
    git(repo, "config", "user.email", "tests@ringlitmus.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    acquire = "param order = acquire\n"
    commits = {
        "acquire": commit(
            repo,
            {"lib.prelude": acquire, "litmus/mp.litmus": MP_TEST, "litmus/sb.litmus": SB_TEST},
            "acquire",
        ),
        "plain": commit(
            repo,
            {
                "lib.prelude": "param order = plain\n",
                "litmus/sb.litmus": None,
                "litmus/lb.litmus": SB_TEST.replace('"sb"', '"lb"'),
            },
            "plain",
        ),
    }
    commits["broken"] = commit(repo, {"litmus/mp.litmus": MP_TEST[:60]}, "broken")
    git(repo, "reset", "-q", "--hard", commits["plain"])
    (repo / "lib.prelude").write_text(acquire)
    (repo / "notes.txt").write_text("untracked\n")
    monkeypatch.chdir(repo)
    return commits


def work_tree_state(repo: Path) -> tuple[str, dict[str, bytes]]:
    files = {
        str(path.relative_to(repo)): path.read_bytes()
        for path in sorted(repo.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }
    return git(repo, "status", "--porcelain"), files


def test_revisions_read_blobs_and_their_includes_not_the_work_tree(
    repository: dict[str, str],
) -> None:
    repo = Path.cwd()
    before = work_tree_state(repo)
    head = git(repo, "rev-parse", "HEAD")
    result = run(
        "--json",
        "--include-dir",
        ".",
        "--rev",
        f"{repository['acquire']}..{repository['plain']}",
        "litmus",
    )
    assert result.exit_code == ExitCode.FAILED, result.output
    found = changes(result)
    # The uncommitted prelude (acquire again) must not count: revision plain's prelude does.
    assert found[("litmus/mp.litmus", "default", "stale")] == "newly reachable"
    assert found[("litmus/mp.litmus", "default", "fresh")] == "unchanged"
    assert found[("litmus/sb.litmus", "default", "both_zero")] == "removed"
    assert found[("litmus/lb.litmus", "default", "both_zero")] == "added"
    assert work_tree_state(repo) == before
    assert git(repo, "rev-parse", "HEAD") == head


def test_revisions_judge_by_the_old_claim_and_list_claim_changes(
    repository: dict[str, str],
) -> None:
    # One commit makes the reader plain *and* calls `stale` allowed; the next only removes
    # sb.litmus: both weaken claims, and only the first also opens an outcome.
    weakened = commit(
        Path.cwd(),
        {"lib.prelude": "param order = plain\n",
         "litmus/mp.litmus": MP_TEST.replace("forbidden stale", "allowed stale")},
        "weaken",
    )  # fmt: skip
    result = run(
        "--include-dir", ".", "--json", "--rev", f"{repository['acquire']}..{weakened}", "litmus"
    )
    assert result.exit_code == ExitCode.FAILED, result.output
    document = json.loads(result.stdout)
    rows = {(c["file"], c["outcome"]): c for c in document["changes"]}
    stale = rows[("litmus/mp.litmus", "stale")]
    assert (stale["kind"], stale["change"], stale["opens_forbidden"]) == (
        "forbidden", "newly reachable", True,
    )  # fmt: skip
    claims = {(c["file"], c["aspect"], c["change"], c["old"], c["new"]) for c in document["claims"]}
    assert claims == {
        ("litmus/mp.litmus", "outcome", "weakened", "forbidden", "allowed"),
        ("litmus/sb.litmus", "file", "weakened", "removed", None),
        ("litmus/lb.litmus", "file", "added", None, "added"),
    }
    text = run(
        "--include-dir", ".", "--rev", f"{repository['acquire']}..{weakened}", "litmus"
    ).stdout
    assert "✗ claim weakened: litmus/mp.litmus: stale: forbidden → allowed" in text
    assert "✗ claim weakened: litmus/sb.litmus: file removed" in text
    # Accepting the weakened claims does not accept the outcome the old claim forbids.
    accepted = run(
        "--include-dir",
        ".",
        "--accept-weakened-claims",
        "--rev",
        f"{repository['acquire']}..{weakened}",
    )
    assert accepted.exit_code == ExitCode.FAILED
    # A file removed, nothing else: the claim alone fails the diff, and can be accepted.
    gone = commit(Path.cwd(), {"litmus/lb.litmus": None}, "remove lb")
    only = run("--include-dir", ".", "--rev", f"{weakened}..{gone}", "litmus")
    assert only.exit_code == ExitCode.FAILED
    assert "✗ claim weakened: litmus/lb.litmus: file removed" in only.stdout
    assert (
        run(
            "--include-dir",
            ".",
            "--accept-weakened-claims",
            "--rev",
            f"{weakened}..{gone}",
            "litmus",
        ).exit_code
        == 0
    )


def test_one_revision_is_compared_with_the_work_tree(repository: dict[str, str]) -> None:
    result = run("--json", "--include-dir", ".", "--rev", "HEAD", "litmus/mp.litmus")
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert (document["old"], document["new"]) == ("HEAD", "work tree")
    assert changes(result)[("litmus/mp.litmus", "default", "stale")] == "newly unreachable"


def test_merge_base_range(repository: dict[str, str]) -> None:
    result = run(
        "--json",
        "--include-dir",
        ".",
        "--rev",
        f"{repository['acquire']}...{repository['plain']}",
        "litmus",
    )
    assert changes(result)[("litmus/mp.litmus", "default", "stale")] == "newly reachable"


def test_a_broken_revision_is_bad_input_named_by_revision(repository: dict[str, str]) -> None:
    result = run("--rev", f"{repository['plain']}..{repository['broken']}", "litmus")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"{repository['broken']}:litmus/mp.litmus:" in result.stderr
    assert "ringlitmus-" not in result.stderr  # never our temporary copy's path


def test_a_bad_revision_or_path_is_bad_input(repository: dict[str, str], tmp_path: Path) -> None:
    result = run("--rev", "no-such-branch..HEAD", "litmus")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "'no-such-branch' is not a commit" in result.stderr
    outside = run("--rev", "HEAD", str(tmp_path))
    assert outside.exit_code == ExitCode.BAD_INPUT
    assert "not inside the git repository" in outside.stderr
    nothing = run("--rev", "HEAD", "nowhere")
    assert nothing.exit_code == ExitCode.BAD_INPUT
    assert "no .litmus files under nowhere" in nothing.stderr


def test_the_repository_is_found_from_the_paths(
    repository: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    litmus = tmp_path / "repo" / "litmus"
    revisions = f"{repository['acquire']}..{repository['plain']}"
    # The fixture's test includes ../lib.prelude, at the repository's top.
    result = run("--json", "--include-dir", tmp_path / "repo", "--rev", revisions, litmus)
    assert result.exit_code == ExitCode.FAILED, result.stderr  # the outcome opened
    assert changes(result)[("litmus/mp.litmus", "default", "stale")] == "newly reachable"


def test_outside_a_repository_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--rev", "HEAD", ".")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith("ringlitmus: error: git rev-parse:")


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [("a..b", "a", "b"), ("a..", "a", "HEAD"), ("..b", "HEAD", "b"), ("a", "a", None),
     ("a...b", "a...b", "b")],
)  # fmt: skip
def test_parse_range(text: str, old: str, new: str | None) -> None:
    wanted = parse_range(text)
    assert (wanted.old, wanted.new) == (old, new)
