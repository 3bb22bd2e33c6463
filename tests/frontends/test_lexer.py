"""frontends/lexer.py lexes exactly as lark's own contextual lexer: same tokens, same trees,
same errors, on every litmus file at hand and on broken versions of them."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from ringlitmus.frontends import herd_architecture
from ringlitmus.frontends.grammars import open_grammar
from ringlitmus.frontends.lexer import TerminalContextualLexer

ROOT = Path(__file__).resolve().parents[2]
GRAMMARS = {
    None: ("ring.lark", {"maybe_placeholders": True}),
    "AArch64": ("aarch64.lark", {}),
    "X86": ("x86.lark", {}),
    "C": ("c.lark", {}),
}


def corpus() -> list[Path]:
    files = sorted(ROOT.glob("litmus/**/*.litmus")) + sorted(ROOT.glob("litmus/**/*.prelude"))
    files += sorted((ROOT / "tests" / "data").rglob("*.litmus"))
    catalogue = os.environ.get("RINGLITMUS_HERD_CATALOGUE")
    if catalogue:
        for family in ("aarch64", "x86", "linux"):
            files += sorted(Path(catalogue, family, "tests").glob("*.litmus"))[:40]
    return files


@cache
def parsers(architecture: str | None) -> tuple[Lark, Lark, Lark]:
    """Ours loaded from lark's cache (lexers made lazily), ours built from the grammar (made
    and validated by lark up front), and lark's own, for one grammar."""
    name, options = GRAMMARS[architecture]
    open_grammar(name, propagate_positions=True, **options)  # writes lark's cache if need be
    cached = open_grammar(name, propagate_positions=True, **options)
    assert not cached.parser.lexer.lexers, "loaded from the cache, no state's lexer is made yet"
    here = str(ROOT / "ringlitmus" / "frontends" / name)
    plugins = {"ContextualLexer": TerminalContextualLexer}
    built = Lark.open(here, parser="lalr", propagate_positions=True, _plugins=plugins, **options)
    theirs = Lark.open(here, parser="lalr", propagate_positions=True, **options)
    return cached, built, theirs


def tokens(tree: Tree) -> Iterator[tuple[str, str, int | None, int | None, int | None]]:
    for token in tree.scan_values(lambda value: isinstance(value, Token)):
        yield token.type, str(token), token.line, token.column, token.end_pos


def outcome(parser: Lark, text: str) -> object:
    try:
        tree = parser.parse(text)
    except UnexpectedInput as error:
        expected = getattr(error, "expected", None) or getattr(error, "allowed", None)
        return type(error).__name__, error.line, error.column, sorted(expected or ())
    return tree, list(tokens(tree))


def mutations(text: str, seed: int) -> Iterator[str]:
    """A few broken versions: a character dropped, doubled or replaced by punctuation."""
    generator = random.Random(seed)
    for _ in range(6):
        if not text:
            return
        at = generator.randrange(len(text))
        yield text[:at] + text[at + 1 :]
        yield text[:at] + text[at] + text[at:]
        yield text[:at] + generator.choice("&|;:{}()[]<>=!~,.#/\\\"'0x-") + text[at + 1 :]


@pytest.mark.parametrize("path", corpus(), ids=lambda path: path.name)
def test_same_tokens_trees_and_errors_as_larks_lexer(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    architecture = herd_architecture(text)
    if architecture not in GRAMMARS:
        pytest.skip(f"{architecture} tests have no grammar")
    cached, built, theirs = parsers(architecture)
    for version in [text, *mutations(text, seed=len(text))]:
        expected = outcome(theirs, version)
        assert outcome(cached, version) == expected
        assert outcome(built, version) == expected
