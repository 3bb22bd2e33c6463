"""The one model a test checks a litmus file under when any model that can judge it will do."""

from __future__ import annotations

import functools
from pathlib import Path

from ringlitmus.frontends import parse_file
from ringlitmus.models import FILE_MODEL, model_for


@functools.cache
def judging_model(file: Path) -> str:
    """The model of the file's architecture, as `check` picks it without --model: ARMv8 for
    ring and AArch64 files, x86-TSO for X86, LKMM for C."""
    return model_for(FILE_MODEL, parse_file(str(file)))
