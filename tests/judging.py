"""The one model a test checks a litmus file under when any model that can judge it will do."""

from __future__ import annotations

import functools
from pathlib import Path

from ringlitmus.frontends import parse_file
from ringlitmus.models import models_for


@functools.cache
def judging_model(file: Path) -> str:
    """The first model that can judge the file's format, SC only when no other can: ARMv8
    for ring and AArch64 files, x86-TSO for X86, LKMM for C (the default, ARMv8, refuses
    the last two)."""
    models = models_for(parse_file(str(file)).format)
    return next((model for model in models if model != "sc"), "sc")
