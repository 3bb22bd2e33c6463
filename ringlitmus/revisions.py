"""Read litmus files as they were at a git revision, without touching the work tree.

`materialise` copies the blobs a check needs from a commit into a directory of ours (a
temporary one): the files under the paths asked for and every `*.prelude` file of the commit,
since a test may include a prelude from an `--include-dir` anywhere in the repository. The
front ends then read that copy as they read any file, so includes resolve against the same
revision and obey the same rule (under the test's directory in the copy, or an include
directory's copy); a symbolic link blob becomes a link in the copy, which that rule follows.
Blobs are read with `git ls-tree` and `git cat-file --batch`; git never writes (no checkout,
no index, no stash). A test including a file that is neither under those paths nor a
`*.prelude` cannot find it in the copy and reports an include error.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ringlitmus.errors import UsageError
from ringlitmus.frozen import frozen

LITMUS_SUFFIX = ".litmus"
PRELUDE_SUFFIX = ".prelude"
_SYMLINK_MODE = "120000"


@frozen
class RevisionRange:
    """The sides of `--rev`: `old` and `new` revisions; `new` None is the work tree."""

    old: str
    new: str | None


def parse_range(text: str) -> RevisionRange:
    """`A..B`, `A..` (to HEAD), `..B` (from HEAD), `A...B` (from the merge base of A and B,
    as `git diff A...B`; resolved by `resolve_range`), or `A` alone (A against the work tree)."""
    if "..." in text:
        old, _, new = text.partition("...")
        return RevisionRange(f"{old or 'HEAD'}...{new or 'HEAD'}", new or "HEAD")
    if ".." in text:
        old, _, new = text.partition("..")
        return RevisionRange(old or "HEAD", new or "HEAD")
    if not text:
        raise UsageError("--rev needs a revision or a range A..B")
    return RevisionRange(text, None)


def repository_root(directory: Path) -> Path:
    """The top of the git work tree holding `directory`."""
    return Path(_git(directory, "rev-parse", "--show-toplevel").decode().strip())


def repository_of(paths: Sequence[str]) -> Path:
    """The top of the git work tree holding `paths` (found from the paths, so `--rev` works
    from outside the repository); the current directory's when no path is in one."""
    roots: dict[Path, str] = {}
    for path in paths:
        directory = Path(os.path.abspath(path))
        while not directory.is_dir() and directory != directory.parent:
            directory = directory.parent  # a path missing at the work tree: its nearest parent
        try:
            roots.setdefault(repository_root(directory), path)
        except UsageError:
            continue  # not in a repository: repository_path says so, naming the path
    if len(roots) > 1:
        named = ", ".join(f"'{path}' in {root}" for root, path in roots.items())
        raise UsageError(f"the paths are in different git repositories: {named}")
    return next(iter(roots), None) or repository_root(Path.cwd())


def resolve_commit(root: Path, revision: str) -> str:
    """The commit `revision` names (`A...B`: the merge base of A and B), as a full hash."""
    if "..." in revision:
        left, _, right = revision.partition("...")
        return _git(root, "merge-base", resolve_commit(root, left), resolve_commit(root, right))[
            :-1
        ].decode()
    try:
        output = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
        )
    except UsageError:
        raise UsageError(f"'{revision}' is not a commit of the repository at {root}") from None
    return output.decode().strip()


def repository_path(root: Path, path: str) -> str:
    """`path` (relative to the current directory) as a path inside the repository, posix."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root.resolve())
    except ValueError:
        try:
            relative = absolute.resolve().relative_to(root.resolve())
        except ValueError:
            raise UsageError(f"'{path}' is not inside the git repository at {root}") from None
    return relative.as_posix() if relative.parts else ""


def materialise(root: Path, commit: str, paths: Sequence[str], target: Path) -> int:
    """Write into `target` the commit's blobs under `paths` (repository paths; "" is all of
    it) that a check reads, at the same relative paths. Returns how many files were written."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    wanted: list[tuple[str, str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        header, _, name = entry.decode("utf-8", errors="surrogateescape").partition("\t")
        mode, kind, sha = header.split(" ")
        if kind == "blob" and _needed(name, paths):
            wanted.append((mode, sha, name))
    contents = _read_blobs(root, [sha for _, sha, _ in wanted])
    for mode, sha, name in wanted:
        destination = target / PurePosixPath(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if mode == _SYMLINK_MODE:
            os.symlink(os.fsdecode(contents[sha]), destination)
        else:
            destination.write_bytes(contents[sha])
    return len(wanted)


def _needed(name: str, paths: Sequence[str]) -> bool:
    if name.endswith(PRELUDE_SUFFIX):
        return True
    for path in paths:
        if name == path:
            return True
        under = not path or name.startswith(path.rstrip("/") + "/")
        if under and name.endswith(LITMUS_SUFFIX):
            return True
    return False


def _read_blobs(root: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """The contents of `shas`, by one `git cat-file --batch`."""
    unique = list(dict.fromkeys(shas))
    if not unique:
        return {}
    output = _git(root, "cat-file", "--batch", stdin=("\n".join(unique) + "\n").encode())
    contents: dict[str, bytes] = {}
    position = 0
    for sha in unique:
        end = output.index(b"\n", position)
        object_name, kind, size = output[position:end].decode().split(" ")
        if kind != "blob" or object_name != sha:
            raise UsageError(f"git cat-file returned {kind} {object_name} for blob {sha}")
        start = end + 1
        contents[sha] = output[start : start + int(size)]
        position = start + int(size) + 1  # the newline after each object
    return contents


def _git(directory: Path, *arguments: str, stdin: bytes | None = None) -> bytes:
    """Run git read-only in `directory`; a UsageError with git's message when it fails."""
    command = ["git", "-C", str(directory), *arguments]
    try:
        completed = subprocess.run(
            command, input=stdin, capture_output=True, check=False, env=_git_environment()
        )
    except FileNotFoundError:
        raise UsageError("--rev needs git, which is not installed") from None
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip() or "failed"
        raise UsageError(f"git {arguments[0]}: {message}")
    return completed.stdout


def _git_environment() -> dict[str, str]:
    # No pager, no prompt, and no repository chosen by the environment: the one of `directory`.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return environment
