"""Open the Lark grammars, with their LALR tables cached on disk between runs.

Building the ring DSL's tables costs ~0.3 s, more than the rest of a small check; a developer
running `ringlitmus check` in a loop should pay it once. The cache lives in ringlitmus's cache
directory (never a shared temporary directory: lark's cache is a pickle), keyed by lark itself
on the grammar's text, its imports and the options; a stale, unreadable or half-written file is
rebuilt, and a cache directory that cannot be created only costs the time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import lark
from lark import Lark

from ringlitmus.cache import default_cache_dir
from ringlitmus.frontends.lexer import TerminalContextualLexer

_HERE = Path(__file__).resolve().parent


def open_grammar(name: str, **options: object) -> Lark:
    """An LALR parser for the grammar file `name` beside this module."""
    return Lark.open(
        name,
        rel_to=str(_HERE / name),
        parser="lalr",
        cache=_cache_file(name),
        _plugins={"ContextualLexer": TerminalContextualLexer},
        **options,  # type: ignore[arg-type]
    )


def _cache_file(name: str) -> str | bool:
    try:
        directory = default_cache_dir(os.environ) / "grammars"
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    version = f"py{sys.version_info[0]}{sys.version_info[1]}-lark{lark.__version__}"
    return str(directory / f"{Path(name).stem}-{version}.lark-cache")
