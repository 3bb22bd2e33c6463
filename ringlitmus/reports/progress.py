"""Show how far a batch has got: a rich progress bar on a terminal, nothing elsewhere."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


class ProgressBar:
    """A context manager counting finished files; it draws only when `enabled`.

    While the bar is drawn, what other consoles print to standard output appears above it
    (rich redirects it), so results can be printed as they come.
    """

    def __init__(self, console: Console, total: int, enabled: bool) -> None:
        self._progress: Progress | None = None
        self._task = None
        if enabled:
            # rich.progress costs ~10 ms to import: only a run that draws a bar pays it.
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("checking"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=console,
                transient=True,
            )
            self._task = self._progress.add_task("", total=total)

    def __enter__(self) -> ProgressBar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, file: str) -> None:
        """One more file done; `file` is shown beside the bar."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, description=file)
