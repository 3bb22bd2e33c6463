"""The memory models, by the name `--model` takes, and the test formats each can judge."""

from __future__ import annotations

from ringlitmus import ir
from ringlitmus.errors import UsageError
from ringlitmus.models.armv8 import ARMV8
from ringlitmus.models.relations import Model
from ringlitmus.models.sc import SC
from ringlitmus.models.tso import TSO

MODELS: dict[str, Model] = {"armv8": ARMV8, "tso": TSO, "sc": SC}

# A model gives meaning to the barriers and annotations of the architectures it describes;
# under another, a test's barriers would silently order nothing. SC ignores them all by
# definition; TSO reads an AArch64 or ring test as its x86 compilation would behave (see
# tso.py); ARMv8 knows nothing of MFENCE or x86's locked instructions.
FORMATS: dict[str, frozenset[ir.Format]] = {
    "armv8": frozenset({ir.Format.RING, ir.Format.AARCH64}),
    "tso": frozenset({ir.Format.RING, ir.Format.AARCH64, ir.Format.X86}),
    "sc": frozenset(ir.Format),
}


def require_model(model: str, test: ir.Test) -> None:
    """A UsageError unless `model` can judge tests of `test`'s format."""
    if test.format in FORMATS[model]:
        return
    fitting = [name for name, formats in FORMATS.items() if test.format in formats]
    raise UsageError(
        f"the {model} model cannot judge {test.format.value} tests; "
        f"models that can: {', '.join(fitting)}"
    )
