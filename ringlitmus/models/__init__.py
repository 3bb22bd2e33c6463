"""The memory models, by the name `--model` takes, and the test formats each can judge."""

from __future__ import annotations

from ringlitmus import ir
from ringlitmus.errors import BadExpectationError, UsageError
from ringlitmus.models.armv8 import ARMV8
from ringlitmus.models.lkmm import LKMM
from ringlitmus.models.relations import Model
from ringlitmus.models.sc import SC
from ringlitmus.models.tso import TSO

MODELS: dict[str, Model] = {"armv8": ARMV8, "tso": TSO, "sc": SC, "lkmm": LKMM}

# A model gives meaning to the barriers and annotations of the architectures it describes;
# under another, a test's barriers would silently order nothing. SC ignores them all by
# definition; TSO reads an AArch64 or ring test as its x86 compilation would behave (see
# tso.py); ARMv8 knows nothing of MFENCE or x86's locked instructions, nor of Linux's C
# primitives; LKMM is the kernel's contract over C code (and the ring DSL's Linux spellings),
# not over one architecture's instructions.
FORMATS: dict[str, frozenset[ir.Format]] = {
    "armv8": frozenset({ir.Format.RING, ir.Format.AARCH64}),
    "tso": frozenset({ir.Format.RING, ir.Format.AARCH64, ir.Format.X86}),
    "sc": frozenset(ir.Format),
    "lkmm": frozenset({ir.Format.RING, ir.Format.C}),
}


# `--model all`: every model that can judge the test, side by side.
ALL_MODELS = "all"

# No `--model`: each file under the model herd7 uses for its architecture (aarch64.cat,
# x86tso.cat, linux-kernel.cat), so that a herd test checks as herd7 would check it; the ring
# DSL's mission is ARMv8. A directory of mixed files gets each file its own.
FILE_MODEL = "file"
ARCHITECTURE_MODELS: dict[ir.Format, str] = {
    ir.Format.RING: "armv8",
    ir.Format.AARCH64: "armv8",
    ir.Format.X86: "tso",
    ir.Format.C: "lkmm",
}


def model_for(model: str, test: ir.Test) -> str:
    """The model `--model` names, or for FILE_MODEL the one of `test`'s architecture."""
    return ARCHITECTURE_MODELS[test.format] if model == FILE_MODEL else model


def models_for(test_format: ir.Format) -> list[str]:
    """The models that can judge tests of this format, in registry order."""
    return [name for name, formats in FORMATS.items() if test_format in formats]


def require_model(model: str, test: ir.Test) -> None:
    """A UsageError unless `model` can judge tests of `test`'s format (`all`: some model can),
    and an error at the expectation that names a model we do not have."""
    for expectation in test.expectations:
        if expectation.model is not None and expectation.model not in MODELS:
            raise BadExpectationError(
                f"unknown model '{expectation.model}' (models: {', '.join(MODELS)})",
                expectation.span,
            )
    if model in (ALL_MODELS, FILE_MODEL) or test.format in FORMATS[model]:
        return
    fitting = models_for(test.format)
    raise UsageError(
        f"the {model} model cannot judge {test.format.value} tests; "
        f"models that can: {', '.join(fitting)}"
    )
