"""Source spans and the user-facing errors every stage may raise."""

from __future__ import annotations

from ringlitmus.frozen import frozen


@frozen
class Span:
    """Where something sits in a source file (1-based line and column)."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class LitmusError(Exception):
    """An error in what the user wrote or asked for: reported, never a traceback."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        expected: tuple[str, ...] = (),
        source_line: str | None = None,
        included_from: tuple[Span, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.expected = expected
        self.source_line = source_line
        # Where the file the span points into was included: the `include` lines, innermost
        # first (empty for the file named on the command line), as a C compiler shows them.
        self.included_from = included_from

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        return f"{where}{self.message}"


class LitmusSyntaxError(LitmusError):
    """The text does not match the grammar."""


class UnknownRegisterError(LitmusError):
    """A register is read or named that the thread never declares or writes."""


class UndeclaredLocationError(LitmusError):
    """A memory location is used that the test never declares."""


class UnknownNameError(LitmusError):
    """A constant, procedure, variant, parameter, thread or outcome name is unknown."""


class DuplicateThreadError(LitmusError):
    """Two threads share a name."""


class DuplicateNameError(LitmusError):
    """Two definitions of the same kind share a name."""


class BadExpectationError(LitmusError):
    """An expectation names an unknown variant or outcome, or an impossible status."""


class TypeMismatchError(LitmusError):
    """A value of the wrong kind is used (an ordering where a number is needed, ...)."""


class UnsupportedInstructionError(LitmusError):
    """An instruction or construct this tool cannot model; never guessed at."""


class UnsupportedFormatError(LitmusError):
    """A file whose format is not one we read."""


class IncludeError(LitmusError):
    """An included file is missing, unreadable, includes itself, or lies outside the
    directories a test may include from."""


class UsageError(LitmusError):
    """A command-line request that cannot be carried out."""
