"""Lark's contextual lexer, with each terminal's pattern compiled once instead of once per state.

Lark gives every LALR state a scanner: one regular expression, the alternation of the
terminals the state accepts (and one more for the keywords a name may be). The ring grammar
needs ~55 of them and compiling them was ~40 ms of every run, more than lexing a file.
Alternation in Python's `re` takes the first alternative that matches, in order, so trying
each accepted terminal's own pattern in lark's order finds the same token; the patterns are
compiled once per process and shared by every state, and a plain string terminal (a keyword,
a brace) is compared rather than compiled. Everything else (line counting, callbacks, errors)
is lark's own code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from copy import copy
from typing import Any

from lark.common import LexerConf
from lark.lexer import (
    BasicLexer,
    CallChain,
    ContextualLexer,
    PatternRE,
    PatternStr,
    TerminalDef,
    UnlessCallback,
)

_COMPILED: dict[tuple[str, int], re.Pattern[str]] = {}

# A terminal's matcher: the text it matches at a position of a string (before `end`), or None.
Matcher = Callable[[str, int, int], str | None]


def _compiled(regexp: str, flags: int) -> re.Pattern[str]:
    key = (regexp, flags)
    if key not in _COMPILED:
        _COMPILED[key] = re.compile(regexp, flags)
    return _COMPILED[key]


def _matcher(terminal: TerminalDef, flags: int) -> tuple[Matcher, Callable[[str], bool]]:
    """How to match `terminal` at a position, and whether it matches a whole word.

    Most terminals are keywords and punctuation: a plain string is compared, not compiled
    (compiling them was ~5 ms of every run). A string with flags (`"when"i`) is a regexp.
    """
    pattern = terminal.pattern
    if isinstance(pattern, PatternStr) and not pattern.flags and not flags:
        value = pattern.value

        def literal(text: str, position: int, end: int) -> str | None:
            return value if text.startswith(value, position, end) else None

        return literal, value.__eq__
    compiled = _compiled(pattern.to_regexp(), flags)

    def regexp(text: str, position: int, end: int) -> str | None:
        found = compiled.match(text, position, end)
        return None if found is None else found.group(0)

    return regexp, lambda word: compiled.fullmatch(word) is not None


class TerminalScanner:
    """What lark's Scanner answers (`match`, `fullmatch`, `allowed_types`), one matcher per
    terminal, tried in the order lark's alternation would try them."""

    def __init__(self, terminals: list[TerminalDef], flags: int) -> None:
        self.allowed_types = {terminal.name for terminal in terminals}
        self._matchers = [(terminal.name, *_matcher(terminal, flags)) for terminal in terminals]

    def match(self, text: Any, position: int) -> tuple[str, str] | None:
        """The first terminal matching at `position` of a lark TextSlice, with its text."""
        for name, match, _ in self._matchers:
            found = match(text.text, position, text.end)
            if found is not None:
                return found, name
        return None

    def fullmatch(self, text: str) -> str | None:
        """The first terminal matching all of `text` (a keyword that looked like a name)."""
        for name, _, matches_all in self._matchers:
            if matches_all(text):
                return name
        return None


class TerminalLexer(BasicLexer):
    """lark's BasicLexer with a TerminalScanner in place of its Scanner."""

    def _build_scanner(self) -> TerminalScanner:  # type: ignore[override]
        terminals, callbacks = _keywords(self.terminals, self.g_regex_flags)
        self.callback = dict(callbacks)
        for kind, user_callback in self.user_callbacks.items():
            if kind in self.callback:  # as lark chains them
                self.callback[kind] = CallChain(
                    self.callback[kind], user_callback, lambda token, kind=kind: token.type == kind
                )
            else:
                self.callback[kind] = user_callback
        return TerminalScanner(terminals, self.g_regex_flags)


class TerminalContextualLexer(ContextualLexer):
    """lark's ContextualLexer, whose per-state lexers are TerminalLexers, made when first used.

    lark makes the lexers of all ~140 distinct accept sets of the ring grammar up front
    (~15 ms); a file meets a third of them. A grammar loaded from lark's cache (already
    validated) gets them on demand; a freshly built one is checked by lark, as always.
    """

    BasicLexer = TerminalLexer

    def __init__(
        self,
        conf: LexerConf,
        states: dict[int, Collection[str]],
        always_accept: Collection[str] = (),
    ) -> None:
        self._root: BasicLexer | None = None
        if not conf.skip_validation:
            super().__init__(conf, states, always_accept)
            return
        self._conf = copy(conf)
        self._conf.terminals = list(conf.terminals)
        self._always = set(conf.ignore) | set(always_accept)
        self._by_accepts: dict[frozenset[str], BasicLexer] = {}
        self.lexers = _StateLexers(lambda state: self._lexer_for(states[state]))

    def _lexer_for(self, accepts: Collection[str]) -> BasicLexer:
        key = frozenset(accepts)
        if key not in self._by_accepts:
            names = set(accepts) | self._always
            conf = copy(self._conf)
            conf.terminals = [
                terminal for name, terminal in self._conf.terminals_by_name.items() if name in names
            ]
            self._by_accepts[key] = self.BasicLexer(conf)
        return self._by_accepts[key]

    @property
    def root_lexer(self) -> BasicLexer:  # type: ignore[override]
        """Every terminal: lark lexes with it to word an error."""
        if self._root is None:
            self._root = self.BasicLexer(self._conf)
        return self._root

    @root_lexer.setter
    def root_lexer(self, lexer: BasicLexer) -> None:  # lark's own __init__ sets it
        self._root = lexer


class _StateLexers(dict[int, BasicLexer]):
    """Parser state -> its lexer, made by `make` on first lookup."""

    def __init__(self, make: Callable[[int], BasicLexer]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, state: int) -> BasicLexer:
        lexer = self[state] = self._make(state)
        return lexer


def _keywords(
    terminals: list[TerminalDef], flags: int
) -> tuple[list[TerminalDef], dict[str, UnlessCallback]]:
    """lark's `_create_unless`: a string terminal that a regexp terminal of the same priority
    also matches (`load` and NAME) is lexed as the regexp and renamed by a callback."""
    patterns = [terminal for terminal in terminals if isinstance(terminal.pattern, PatternRE)]
    strings = [terminal for terminal in terminals if isinstance(terminal.pattern, PatternStr)]
    embedded: set[str] = set()
    callbacks: dict[str, UnlessCallback] = {}
    for regexp in patterns:
        unless = []
        compiled = _compiled(regexp.pattern.to_regexp(), flags)
        for string in strings:
            if string.priority != regexp.priority:
                continue
            found = compiled.match(string.pattern.value)
            if found and found.group(0) == string.pattern.value:
                unless.append(string)
                if string.pattern.flags <= regexp.pattern.flags:
                    embedded.add(string.name)
        if unless:
            callbacks[regexp.name] = UnlessCallback(TerminalScanner(unless, flags))  # type: ignore[arg-type]
    return [terminal for terminal in terminals if terminal.name not in embedded], callbacks
