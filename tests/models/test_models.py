"""The model registry (models/__init__.py): names, and which test formats each model judges."""

from __future__ import annotations

import pytest

from ringlitmus import ir
from ringlitmus.errors import UsageError
from ringlitmus.models import FORMATS, MODELS, require_model


def test_each_model_is_registered_under_its_name() -> None:
    assert list(MODELS) == ["armv8", "tso", "sc", "lkmm"]
    assert all(model.name == name for name, model in MODELS.items())
    assert set(FORMATS) == set(MODELS)


def test_sc_judges_every_format() -> None:
    assert FORMATS["sc"] == frozenset(ir.Format)


@pytest.mark.parametrize("test_format", list(ir.Format))
@pytest.mark.parametrize("model", list(MODELS))
def test_require_model_follows_the_table(model: str, test_format: ir.Format) -> None:
    test = ir.Test("t.litmus", "T", test_format, (), ())
    if test_format in FORMATS[model]:
        require_model(model, test)
    else:
        with pytest.raises(UsageError, match=f"the {model} model cannot judge"):
            require_model(model, test)


def test_armv8_knows_no_x86_barrier() -> None:
    assert ir.Format.X86 not in FORMATS["armv8"]
