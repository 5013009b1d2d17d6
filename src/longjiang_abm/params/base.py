"""The base of every scenario section and the field helpers (strict types, bounds).

Numbers are strict: an int field takes only an integer (not ``true``, not ``"1"``, not
``2.0``), a float field an integer or a float (not ``"0.5"``), a bool field only ``true`` or
``false``; every number has a lower and an upper bound.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# seeds reach numba kernels as signed 64-bit integers
SEED_MAX = 2**63 - 1


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _f(default: float, ge: float, le: float, description: str) -> Any:
    return Field(default, ge=ge, le=le, strict=True, description=description)
