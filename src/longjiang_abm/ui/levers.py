"""The policy levers as UI controls, read from the scenario schema.

Every field of ``params.PolicyLevers`` becomes a slider with the field's bounds and
description; the levers not in ``params.ACTIVE_LEVERS`` (no mechanism yet, so the schema
rejects non-zero values) are shown disabled. Both are read when called, so a lever lights up
in the UI as soon as the model activates it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from .. import params


@dataclass(frozen=True)
class LeverSpec:
    name: str
    label: str  # short English label
    zh: str  # the strategy's own term (before the colon of the description)
    description: str
    lo: float
    hi: float
    step: float
    active: bool


def _bounds(field) -> tuple[float, float]:
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    return float(lo if lo is not None else 0.0), float(hi if hi is not None else 1.0)


def lever_specs() -> list[LeverSpec]:
    """One spec per lever, in the schema's order."""
    out = []
    active = set(params.ACTIVE_LEVERS)
    for name, field in params.PolicyLevers.model_fields.items():
        lo, hi = _bounds(field)
        desc = field.description or ""
        zh, _, rest = desc.partition(":")
        if not rest:
            zh, rest = "", desc
        span = hi - lo
        step = 1.0 if span > 10 else (span / 100 if span > 0 else 0.01)
        out.append(
            LeverSpec(
                name=name,
                label=name.replace("_", " "),
                zh=zh.strip(),
                description=rest.strip(),
                lo=lo,
                hi=hi,
                step=step,
                active=name in active,
            )
        )
    return out


def lever_values(policy: params.PolicyLevers) -> dict[str, float]:
    """The lever values of a policy (without its schedule)."""
    return {name: float(getattr(policy, name)) for name in params.PolicyLevers.model_fields}


def with_levers(policy: params.PolicyParams, **values: float) -> params.PolicyParams:
    """``policy`` with some levers changed, validated by the schema (raises ScenarioError)."""
    data = policy.model_dump()
    data.update({k: float(v) for k, v in values.items()})
    try:
        return params.PolicyParams.model_validate(data)
    except ValidationError as exc:
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise params.ScenarioError(f"levers: {msg}") from None
