"""Where a ring test may include from, and errors that name the includes that led to a file.

A test from an untrusted change is checked in CI: its includes may read only files under its
own directory (after `..` and symbolic links) or under an `--include-dir`, and a refused file's
content is never printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ringlitmus.cli import ExitCode, main
from ringlitmus.errors import IncludeError, LitmusError
from ringlitmus.frontends import parse_file

# What an outside file holds: a line that must never reach the output.
SECRET = "const SECRET_LINE_7f3a = 1 oops\n"
TEST = 'include "{}"\nx = 0\nthread P0: store x = 1\nforbidden f: x == 2\nexpect: f unreachable\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """`tests/` holds the tests; `outside/secret.prelude` lies beside it, not under it."""
    write(tmp_path / "outside" / "secret.prelude", SECRET)
    (tmp_path / "tests").mkdir()
    return tmp_path


def refused(main_file: Path, *include_dirs: str) -> IncludeError:
    with pytest.raises(IncludeError) as caught:
        parse_file(str(main_file), include_dirs=include_dirs)
    error = caught.value
    assert str(error.span) == f"{main_file}:1:1"
    assert "outside the test's directory" in error.message
    assert "SECRET" not in str(error) and "SECRET" not in (error.source_line or "")
    return error


@pytest.mark.parametrize(
    "included",
    [
        "../outside/secret.prelude",
        "sub/../../outside/secret.prelude",
        "{root}/outside/secret.prelude",
    ],
    ids=["dot-dot", "dot-dot-inside", "absolute"],
)
def test_an_include_outside_the_tests_directory_is_refused(tree: Path, included: str) -> None:
    main_file = write(tree / "tests" / "t.litmus", TEST.format(included.format(root=tree)))
    (tree / "tests" / "sub").mkdir()
    refused(main_file)


def test_an_include_of_etc_passwd_is_refused_unread(tree: Path) -> None:
    refused(write(tree / "tests" / "t.litmus", TEST.format("/etc/passwd")))


def test_a_symbolic_link_out_of_the_directory_is_refused(tree: Path) -> None:
    (tree / "tests" / "link.prelude").symlink_to(tree / "outside" / "secret.prelude")
    refused(write(tree / "tests" / "t.litmus", TEST.format("link.prelude")))


def test_a_symbolic_link_to_a_directory_outside_is_refused(tree: Path) -> None:
    (tree / "tests" / "lib").symlink_to(tree / "outside", target_is_directory=True)
    refused(write(tree / "tests" / "t.litmus", TEST.format("lib/secret.prelude")))


def test_a_symbolic_link_inside_the_directory_is_followed(tree: Path) -> None:
    write(tree / "tests" / "lib" / "base.prelude", "const ONE = 1\n")
    (tree / "tests" / "base.prelude").symlink_to(tree / "tests" / "lib" / "base.prelude")
    main_file = write(tree / "tests" / "t.litmus", TEST.format("base.prelude"))
    assert parse_file(str(main_file)).name == "t"


def test_an_include_dir_allows_its_files(tree: Path) -> None:
    write(tree / "outside" / "good.prelude", "const ONE = 1\n")
    main_file = write(tree / "tests" / "t.litmus", TEST.format("../outside/good.prelude"))
    refused(main_file)
    refused(main_file, str(tree / "tests"))  # another directory allows nothing more
    assert parse_file(str(main_file), include_dirs=(str(tree / "outside"),)).name == "t"


def test_an_error_in_an_included_file_names_the_chain(tree: Path) -> None:
    write(tree / "tests" / "lib" / "outer.prelude", 'x = 0\ninclude "inner.prelude"\n')
    write(tree / "tests" / "lib" / "inner.prelude", "y = 0\nz = bogus\n")
    main_file = write(
        tree / "tests" / "t.litmus", '# doc\ninclude "lib/outer.prelude"\nthread P0: isb\n'
    )
    with pytest.raises(LitmusError) as caught:
        parse_file(str(main_file))
    error = caught.value
    outer = str(tree / "tests" / "lib" / "outer.prelude")
    assert error.span is not None and error.span.file.endswith("inner.prelude")
    assert [(s.file, s.line, s.column) for s in error.included_from] == [
        (outer, 2, 1),
        (str(main_file), 2, 1),
    ]
    result = run("check", "--no-cache", "-j", "1", main_file)
    assert result.exit_code == ExitCode.BAD_INPUT
    lines = result.stderr.splitlines()
    at = lines.index(f"in file included from {outer}:2:1:")
    assert lines[at + 1] == f"in file included from {main_file}:2:1:"
    assert lines[at + 2].startswith(f"{error.span}: error: unknown constant 'bogus'")
    junit = tree / "junit.xml"
    run("check", "--no-cache", "-j", "1", "--junit", junit, main_file)
    assert f"in file included from {outer}:2:1:" in junit.read_text()
    document = json.loads(run("check", "--json", "--no-cache", main_file).stdout)
    assert document["results"][0]["error"]["included_from"] == [
        {"file": outer, "line": 2, "column": 1},
        {"file": str(main_file), "line": 2, "column": 1},
    ]


def test_an_encoding_error_in_an_included_file_names_it_as_included(tree: Path) -> None:
    (tree / "tests" / "lib").mkdir()
    (tree / "tests" / "lib" / "bad.prelude").write_bytes(b"const ONE = 1\n# \xff\n")
    main_file = write(tree / "tests" / "t.litmus", TEST.format("lib/../lib/bad.prelude"))
    with pytest.raises(LitmusError) as caught:
        parse_file(str(main_file))
    assert str(caught.value.span) == f"{tree / 'tests' / 'lib' / 'bad.prelude'}:2:3"
    assert [str(span) for span in caught.value.included_from] == [f"{main_file}:1:1"]


def test_a_refused_include_names_the_chain_to_it(tree: Path) -> None:
    write(tree / "tests" / "lib.prelude", 'include "../outside/secret.prelude"\n')
    main_file = write(tree / "tests" / "t.litmus", TEST.format("lib.prelude"))
    with pytest.raises(IncludeError) as caught:
        parse_file(str(main_file))
    assert str(caught.value.span) == f"{tree / 'tests' / 'lib.prelude'}:1:1"
    assert [str(span) for span in caught.value.included_from] == [f"{main_file}:1:1"]


@pytest.mark.parametrize("command", ["check", "explain", "ablate", "export"])
def test_no_command_prints_a_refused_files_content(tree: Path, command: str) -> None:
    main_file = write(tree / "tests" / "t.litmus", TEST.format("../outside/secret.prelude"))
    arguments = ["--to", "herd"] if command == "export" else []
    result = run(command, *arguments, main_file)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert f"{main_file}:1:1: error: cannot include" in result.stderr
    assert "SECRET" not in result.output and "oops" not in result.output
    allowed = run(command, *arguments, "--include-dir", tree / "outside", main_file)
    # Allowed, the file is read: its syntax error (and its line) is what is shown now.
    assert allowed.exit_code == ExitCode.BAD_INPUT
    assert "in file included from" in allowed.stderr and "SECRET_LINE" in allowed.stderr


def test_every_command_that_reads_files_takes_include_dir() -> None:
    for command in ("check", "diff", "explain", "ablate", "export"):
        assert "--include-dir DIR" in run(command, "--help").output, command


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead is Linux only")
def test_the_read_ahead_child_carries_the_chain_and_the_include_dirs(tree: Path) -> None:
    write(tree / "outside" / "broken.prelude", "const = 1\n")
    main_file = write(tree / "tests" / "t.litmus", TEST.format("../outside/broken.prelude"))
    program = f"""
        from ringlitmus import readahead
        from ringlitmus.errors import LitmusError
        readahead.start({str(main_file)!r}, {{}}, [{str(tree / "outside")!r}])
        assert readahead._pending
        try:
            readahead.take({str(main_file)!r}, {{}}, [{str(tree / "outside")!r}])
        except LitmusError as error:
            print(error.span.file, [str(span) for span in error.included_from])
    """
    completed = subprocess.run(
        [sys.executable, "-P", "-c", textwrap.dedent(program)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split(" ", 1) == [
        str(tree / "outside" / "broken.prelude"),
        f"['{main_file}:1:1']\n",
    ]


# --------------------------------------------------------------------------- git revisions


def git(repository: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repository), *arguments], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose second commit's test reaches outside `litmus/` in three ways."""
    repo = tmp_path / "repo"
    write(repo / "litmus" / "t.litmus", TEST.format("ok.prelude"))
    write(repo / "litmus" / "ok.prelude", "const ONE = 1\n")
    write(repo / "shared" / "lib.prelude", "const TWO = 2\n")
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "ringlitmus tests")
    git(repo, "config", "user.email", "tests@ringlitmus.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "first")
    write(repo / "litmus" / "up.litmus", TEST.format("../shared/lib.prelude"))
    write(repo / "litmus" / "abs.litmus", TEST.format(str(tmp_path / "secret.prelude")))
    (repo / "litmus" / "link.prelude").symlink_to(tmp_path / "secret.prelude")
    write(repo / "litmus" / "link.litmus", TEST.format("link.prelude"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "second")
    write(tmp_path / "secret.prelude", SECRET)
    monkeypatch.chdir(repo)
    return repo


def test_diff_rev_holds_a_revisions_tests_to_the_same_rule(repository: Path) -> None:
    result = run("diff", "-j", "1", "--rev", "HEAD~1..HEAD", "litmus")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    for name, included in (
        ("up", "../shared/lib.prelude"),
        ("abs", str(repository.parent / "secret.prelude")),
        ("link", "link.prelude"),
    ):
        assert f"HEAD:litmus/{name}.litmus:1:1: error: cannot include '{included}'" in (
            result.stderr
        )
    assert "SECRET" not in result.output and "ringlitmus-" not in result.stderr
    # --include-dir names a work-tree directory: each revision's own copy of it is allowed.
    allowed = run("diff", "-j", "1", "--include-dir", "shared", "--rev", "HEAD~1..HEAD", "litmus")
    assert "HEAD:litmus/up.litmus" not in allowed.stderr
    assert "HEAD:litmus/link.litmus:1:1: error: cannot include" in allowed.stderr
