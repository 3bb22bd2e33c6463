"""The ring DSL's failures: includes, error classes and positions, hostile input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from ring_helpers import (
    LITMUS_FILES,
    A,
    C,
    parse,
    raises,
    thread,
)

from ringlitmus import ir
from ringlitmus.errors import (
    BadExpectationError,
    DuplicateNameError,
    DuplicateThreadError,
    IncludeError,
    LitmusError,
    LitmusSyntaxError,
    TypeMismatchError,
    UndeclaredLocationError,
    UnknownNameError,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends import source
from ringlitmus.frontends.ring import parse_ring

# --------------------------------------------------------------------------- includes


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_includes_are_relative_to_the_including_file_and_read_once(tmp_path: Path) -> None:
    write(tmp_path, "lib/base.prelude", "const ONE = 1\n")
    write(tmp_path, "lib/ring.prelude", 'include "base.prelude"\nproc put(e) { store e = ONE }\n')
    write(tmp_path, "lib/more.prelude", 'include "base.prelude"\n')
    main = write(
        tmp_path,
        "tests/t.litmus",
        'include "../lib/ring.prelude"\ninclude "../lib/more.prelude"\nx = 0\nthread P0: put x\n',
    )
    test = parse_ring(main.read_text(), str(main), include_dirs=[str(tmp_path / "lib")])
    assert thread(test, "P0").instructions == (ir.Store(A("x"), C(1)),)


def test_include_errors(tmp_path: Path) -> None:
    write(tmp_path, "a.prelude", 'const A = 1\ninclude "b.prelude"\n')
    write(tmp_path, "b.prelude", 'include "a.prelude"\n')
    write(tmp_path, "thread.prelude", "x = 0\nthread P0: store x = 1\n")
    write(tmp_path, "broken.prelude", "const = 1\n")
    main = str(tmp_path / "t.litmus")
    cases = [
        ('include "a.prelude"\n', IncludeError, "b.prelude", 1, "cycle: a.prelude -> b.prelude"),
        ('include "missing.prelude"\n', IncludeError, main, 1, "No such file"),
        ('include "thread.prelude"\n', IncludeError, "thread.prelude", 2, "declarations only"),
        ('include "broken.prelude"\n', LitmusSyntaxError, "broken.prelude", 1, "unexpected"),
    ]
    for text, error, file, line, words in cases:
        with pytest.raises(error) as caught:
            parse_ring(text + "x = 0\nthread P0: store x = 1\n", main)
        span = caught.value.span
        assert span is not None and span.file.endswith(file) and span.line == line
        assert words in caught.value.message
        assert caught.value.source_line is not None


def test_a_byte_order_mark_in_a_prelude_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "bom.prelude").write_bytes(b"\xef\xbb\xbfconst ONE = 1\n")
    main = write(tmp_path, "t.litmus", 'include "bom.prelude"\nx = 0\nthread P0: store x = ONE\n')
    test = parse_ring(main.read_text(), str(main))
    assert thread(test, "P0").instructions == (ir.Store(A("x"), C(1)),)


def test_a_prelude_not_in_utf8_is_refused_at_the_byte(tmp_path: Path) -> None:
    (tmp_path / "bad.prelude").write_bytes(b"const ONE = 1\n# \xff\n")
    main = write(tmp_path, "t.litmus", 'include "bad.prelude"\nx = 0\nthread P0: store x = 1\n')
    with pytest.raises(LitmusSyntaxError, match="not UTF-8 text: byte 0xff") as caught:
        parse_ring(main.read_text(), str(main))
    span = caught.value.span
    assert span is not None and span.file.endswith("bad.prelude")
    assert (span.line, span.column) == (2, 3)


def refused_include(main: Path, included: str, include_dirs: tuple[str, ...] = ()) -> IncludeError:
    """The error for `include "INCLUDED"` at the top of `main`."""
    text = f'include "{included}"\nx = 0\nthread P0: store x = 1\n'
    with pytest.raises(IncludeError) as caught:
        parse_ring(text, str(main), include_dirs=include_dirs)
    span = caught.value.span
    assert span is not None and (span.file, span.line, span.column) == (str(main), 1, 1)
    assert caught.value.source_line == f'include "{included}"'
    return caught.value


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_include_of_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    error = refused_include(tmp_path / "t.litmus", "/dev/zero", ("/dev",))
    assert (
        error.message == "cannot include '/dev/zero': it is a character device, not a regular file"
    )


def test_an_include_of_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    error = refused_include(tmp_path / "t.litmus", "lib")
    assert error.message.endswith(": it is a directory, not a regular file")


def test_an_include_of_a_symbolic_link_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.prelude").symlink_to("b.prelude")
    (tmp_path / "b.prelude").symlink_to("a.prelude")
    error = refused_include(tmp_path / "t.litmus", "a.prelude")
    assert error.message.startswith("cannot include 'a.prelude'")


def test_an_include_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_SOURCE_BYTES", 2**20)
    (tmp_path / "big.prelude").write_bytes(b"#" * (2**20 + 1))
    error = refused_include(tmp_path / "t.litmus", "big.prelude")
    assert error.message.endswith(": it is larger than 1 MiB, the most a litmus file may be")


# --------------------------------------------------------------------------- errors

ERRORS = [
    ("x = 0\nthread P0 {\n  store x = 1\n", LitmusSyntaxError, 2, 11),
    ("x = 0\nthread P0: store x =", LitmusSyntaxError, 2, 21),
    ("x = 0\nthread P0: store x\n", LitmusSyntaxError, 2, 19),
    ("x = 0\nthread P0: store x = 1 $\n", LitmusSyntaxError, 2, 24),
    ("x = 0\nthread P0: store y = 1\n", UndeclaredLocationError, 2, 18),
    ("x = 0\nthread P0: store x = r9\n", UnknownRegisterError, 2, 22),
    ("x = 0\nthread P0: store x = 1\nthread P0: store x = 2\n", DuplicateThreadError, 3, 1),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r0 == 1\nexpect nope: a reachable\n",
     BadExpectationError, 4, 1),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r0 == 1\nexpect: b reachable\n",
     BadExpectationError, 4, 1),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r0 == 1\nexpect: a reachable\n"
     "expect default: a unreachable\n", BadExpectationError, 5, 1),
    ("x = 0\nparam o = acquire\nthread P0: r0 = o + 1\n", TypeMismatchError, 3, 17),
    ("x = 0\nparam N = 2\nthread P0: r0 = load<N> x\n", TypeMismatchError, 3, 21),
    ("x = 0\nthread P0: r0 = load<release> x\n", TypeMismatchError, 2, 21),
    ("x = 0\nparam o = acquire\nthread P0: store<o> x = 1\n", TypeMismatchError, 3, 17),
    ("x = 0\nparam b = dmb ish\nthread P0: r0 = load<b> x\n", TypeMismatchError, 3, 21),
    ("x = 0\nparam o = plain\nthread P0: fence<o>\n", TypeMismatchError, 3, 12),
    ("x = 0\nthread P0: r0 = swp<acquire-pc> x, 1\n", TypeMismatchError, 2, 20),
    ("x = 0\nthread P0: r0 = load<nope> x\n", UnknownNameError, 2, 21),
    ("x = 0\nparam o = plain\nvariant a { p = acquire }\nthread P0: store x = 1\n",
     UnknownNameError, 3, 13),
    ("x = 0\nparam o = plain\nvariant a { o = dmb ish }\nthread P0: store x = 1\n",
     TypeMismatchError, 3, 13),
    ("x = 0\nparam N = 2\nvariant a { N = 3 }\nthread P0: store x = 1\n", TypeMismatchError, 3, 13),
    ("x = 0\nvariant a { }\nvariant a { }\nthread P0: store x = 1\n", DuplicateNameError, 3, 1),
    ("const x = 1\nx = 0\nthread P0: store x = 1\n", DuplicateNameError, 2, 1),
    ("const o = acquire\nx = 0\nthread P0: store x = 1\n", TypeMismatchError, 1, 11),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P9.r0 == 1\n", UndeclaredLocationError, 3, 14),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r7 == 1\n", UnknownRegisterError, 3, 14),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: 0:r0 == 1\n", LitmusSyntaxError, 3, 14),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r[i] == 1\n", UnknownNameError, 3, 14),
    ("x = 0\nparam o = plain\nthread P0: r0 = load x\nforbidden a: o == 1\n",
     TypeMismatchError, 4, 14),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r0 == 1\nallowed a: x == 1\n",
     DuplicateNameError, 4, 1),
    ("x = 0\nthread P0: break\n", LitmusSyntaxError, 2, 12),
    ("x = 0\nthread P0: r0 = cas x, 1\n", LitmusSyntaxError, 2, 12),
    ("x = 0\nthread P0: x = 1\n", TypeMismatchError, 2, 12),
    ("x = 0\nconst K = 1\nthread P0: K = 1\n", TypeMismatchError, 3, 12),
    ("x = 0\nthread P0: r0 = load x; r1 = r0 == 1\n", TypeMismatchError, 2, 30),
    ("x = 0\nthread P0: r0 = x\n", TypeMismatchError, 2, 17),
    ("array a[2] = 0\nthread P0: store a[2] = 1\n", UndeclaredLocationError, 2, 18),
    ("array a[2] = {1}\nthread P0: store a[0] = 1\n", TypeMismatchError, 1, 1),
    ("x = 0\nthread P0: r0 = 0; store x[r0] = 1\n", TypeMismatchError, 2, 26),
    ("x = 0\nthread P0 { for i in 0..100000 { store x = i } }\n",
     UnsupportedInstructionError, 2, 13),
    ("const A = 1 << 100000\nx = 0\nthread P0: store x = A\n", UnsupportedInstructionError, 1, 11),
    ("x = 0\nthread P0: r0 = 1 % 0\n", LitmusSyntaxError, 2, 17),
    ("struct s { f, f }\nthread P0: isb\n", DuplicateNameError, 1, 15),
    ("struct t x\nthread P0: isb\n", UnknownNameError, 1, 1),
    ("struct s { f }\nstruct s x = { g = 1 }\nthread P0: isb\n", UnknownNameError, 2, 16),
    ("x = 0\nthread P0 {\n  r0 = load x\n  if r0 == 1 { store x = 2 }\n  else { store x = 3 }\n}\n",
     LitmusSyntaxError, 5, 8),
    ("x = 0\nthread P0: r0 = " + "-" * 300 + "1\n", LitmusSyntaxError, 2, 214),
    ("x = 0\n", LitmusSyntaxError, 1, 1),
    ("", LitmusSyntaxError, 1, 1),
    ('test "a"\ntest "b"\nthread P0: isb\n', DuplicateNameError, 2, 1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "error", "line", "column"),
    ERRORS,
    ids=[f"{e[1].__name__}-{i}" for i, e in enumerate(ERRORS)],
)
def test_errors_have_a_class_and_a_position(
    text: str, error: type[LitmusError], line: int, column: int
) -> None:
    raised = raises(error, text, line, column)
    lines = text.splitlines()
    if 0 < line <= len(lines):
        assert raised.source_line == lines[line - 1]


def test_syntax_errors_say_what_was_expected_in_words() -> None:
    error = raises(LitmusSyntaxError, "x = 0\nthread P0: store x\n", 2, 19)
    assert error.message == "unexpected end of line, expected '='"
    error = raises(LitmusSyntaxError, "x = 0\nthread P0: r0 = load<\n", 2, 22)
    assert any("ordering" in word for word in error.expected)
    assert not any(word.isupper() or "__" in word for word in error.expected)


# --------------------------------------------------------------------------- robustness


def only_litmus_errors(text: str, file: str = "t.litmus") -> None:
    try:
        parse_ring(text, file)
    except LitmusError as error:
        assert error.span is not None, error


@pytest.mark.parametrize("path", LITMUS_FILES, ids=[p.name for p in LITMUS_FILES])
def test_truncated_and_mangled_files_give_litmus_errors(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for cut in range(0, len(text), 11):
        only_litmus_errors(text[:cut], str(path))
    rng = random.Random(path.name)
    pieces = ["{", "}", "(", ")", ";", "\n", "[i]", "..", "<", "&&", "\x00", "é", "load", "break"]
    for _ in range(60):
        mangled = list(text)
        for _ in range(rng.randint(1, 3)):
            mangled.insert(rng.randrange(len(mangled) + 1), rng.choice(pieces))
        only_litmus_errors("".join(mangled), str(path))


def test_random_text_gives_litmus_errors() -> None:
    rng = random.Random(3)
    alphabet = 'thread P0:{}()[];=<>&|!~-+*%^.,#/\\\n "x0123456789acquire\x00\u2603'
    for _ in range(300):
        only_litmus_errors("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))))
    only_litmus_errors(bytes(range(256)).decode("latin-1"))
    only_litmus_errors("x = 0\nthread P0: r0 = " + "(" * 3000 + "1" + ")" * 3000 + "\n")
    only_litmus_errors('include "\x00"\nthread P0: isb\n')


def test_deep_nesting_is_refused_at_its_place() -> None:
    for text, line in (
        ("x = 0\nthread P0: r0 = load x\nallowed a: " + "~" * 10_000 + "P0.r0 == 0\n", 3),
        ("x = 0\nthread P0: r0 = " + "-" * 10_000 + "1\n", 2),
        ("x = 0\nthread P0 {\n" + "if 1 {\n" * 300 + "isb\n" + "}\n" * 301, 101),
    ):
        with pytest.raises(LitmusSyntaxError, match="nested too deeply") as caught:
            parse(text)
        span = caught.value.span
        assert span is not None and (span.file, span.line) == ("t.litmus", line)
        assert caught.value.source_line == text.splitlines()[line - 1]


def test_deep_parentheses_and_long_chains_are_read() -> None:
    # Deeper than Python's recursion limit: nothing may walk these recursively.
    condition = "(" * 2_000 + "P0.r0 == 0" + ")" * 2_000
    expression = "(" * 2_000 + "1" + ")" * 2_000
    test = parse(f"x = 0\nthread P0: r0 = {expression}\nallowed a: {condition}\n")
    assert test.outcomes[0].condition == ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P0", "r0"), C(0))
    for operator in ("&&", "||"):
        chain = f" {operator} ".join(["P0.r0 == 0"] * 2_000)
        test = parse(f"x = 0\nthread P0: r0 = load x\nallowed a: {chain}\n")
        assert isinstance(test.outcomes[0].condition, ir.BoolOp)
        assert len(test.outcomes[0].condition.operands) == 2_000


def test_name_and_doc() -> None:
    test = parse('# First line.\n// Second line.\n\ntest "MP+x"\nx = 0\nthread P0: isb\n')
    assert test.name == "MP+x" and test.doc == "First line.\nSecond line."
    assert parse("x = 0\nthread P0: isb\n", file="dir/MP+dmb.litmus").name == "MP+dmb"


# --------------------------------------------------------------------------- unknown names

ORDERING_LIST = "plain, acquire, acquire-pc, release, acq_rel"
BARRIER_LIST = "none, dmb ish, dmb ishld, dmb ishst, isb"
# Every "unknown name" error lists the valid names or suggests the closest (issue 20).
UNKNOWN_NAMES = [
    ("x = 0\nparam wmb = smp_wmb\nthread P0: fence<wmb>\n", UnknownNameError, 2, 13,
     [BARRIER_LIST, ORDERING_LIST, "smp_wmb() is `dmb ishst`"]),
    ("x = 0\nparam ord = acq\nthread P0: store<ord> x = 1\n", UnknownNameError, 2, 13,
     [ORDERING_LIST, "did you mean 'acquire'?"]),
    ("x = 0\nthread P0: store<acq> x = 1\n", UnknownNameError, 2, 17,
     [ORDERING_LIST, "did you mean 'acquire'?"]),
    ("x = 0\nthread P0: fence<wmb>\n", UnknownNameError, 2, 12, [BARRIER_LIST]),
    ("x = 0\nparam b = none\nvariant v { b = smp_rmb }\nthread P0: fence<b>\n",
     TypeMismatchError, 3, 13, [BARRIER_LIST, "smp_rmb() is `dmb ishld`"]),
    ("x = 0\nparam o = plain\nvariant v { o = rel }\nthread P0: store<o> x = 1\n",
     TypeMismatchError, 3, 13, [ORDERING_LIST, "did you mean 'release'?"]),
    ("x = 0\nthread P0: stor x = 1\n", LitmusSyntaxError, 2, 19, ["did you mean 'store'?"]),
    ("x = 0\nthread P0: r0 = lod x\n", LitmusSyntaxError, 2, 21, ["did you mean 'load'?"]),
    ("x = 0\nthread P0: fetch_ad x, 1\n", LitmusSyntaxError, 2, 22,
     ["did you mean 'fetch_add'?"]),
    ("x = 0\nproc publish(e) { store e = 1 }\nthread P0: publsh x\n", UnknownNameError, 3, 12,
     ["did you mean 'publish'?"]),
    ("struct s { flags }\nstruct s g\nthread P0: store g.flag = 1\n", UndeclaredLocationError,
     3, 18, ["did you mean 'g.flags'?"]),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P1.r0 == 1\n", UndeclaredLocationError, 3, 14,
     ["threads: P0"]),
    ("x = 0\nthread P0: r0 = load x\nforbidden a: P0.r1 == 1\n", UnknownRegisterError, 3, 14,
     ["it writes r0"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "error", "line", "column", "hints"),
    UNKNOWN_NAMES,
    ids=[f"{e[1].__name__}-{i}" for i, e in enumerate(UNKNOWN_NAMES)],
)
def test_unknown_names_list_or_suggest_the_valid_ones(
    text: str, error: type[LitmusError], line: int, column: int, hints: list[str]
) -> None:
    message = raises(error, text, line, column).message
    for hint in hints:
        assert hint in message, message


# --------------------------------------------------------------------------- unclosed braces

# A missing `}` is reported at the `{` it leaves open, not where the parser gives up.
UNCLOSED = [
    ("x = 0\nthread P0 {\n  store x = 1\nthread P1: store x = 2\n", 2, 11, "line 4"),
    ("x = 0\nthread P0 {\n  store x = 1\n", 2, 11, "the file ends"),
    ("x = 0\nthread P0 {\n  store x = 1\n\n# {\nforbidden a: x == 1\n", 2, 11, "line 6"),
    ('x = 0\nthread P0 "{" { // {\n  store x = 1\nforbidden a: x == 1\n', 2, 15, "line 4"),
    ("x = 0\nparam o = plain\nvariant a { o = acquire\nthread P0: store x = 1\n", 3, 11,
     "line 4"),
    ("x = 0\nthread P0 {\n  r0 = load x\n  if r0 { store x = 1 }\n  if r0 {\n"
     "    store x = 2\n  }\nexpect: a reachable\n", 2, 11, "line 8"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "column", "why"), UNCLOSED)
def test_an_unclosed_brace_is_reported_where_it_opened(
    text: str, line: int, column: int, why: str
) -> None:
    error = raises(LitmusSyntaxError, text, line, column)
    assert error.message.startswith("this '{' is never closed: ") and why in error.message
    assert error.source_line == text.splitlines()[line - 1]
    assert error.expected == ("'}'",)


def test_a_syntax_error_inside_a_closed_block_stays_where_it_is() -> None:
    raises(LitmusSyntaxError, "x = 0\nthread P0 {\n  store x =\n}\n", 3, 12)
