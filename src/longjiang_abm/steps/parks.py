"""Parks: co-builders' funds and the infrastructure they build (省市县共建).

No kernel (20 parks). ``fund`` writes the parks' ``funds`` and ``funds_province``
and returns the quarter's total park funding; ``build_infrastructure`` writes the parks'
``infra`` and ``capacity``.
"""

from __future__ import annotations

import numpy as np


def fund(p, coconstruction: float, fiscal, scale: float) -> float:
    """Co-builders' funds for park infrastructure this quarter (10k yuan); returns their sum.

    Cities and counties fund every park in proportion to its land capacity:
        F_local_k = park_funds_local / 4 * capacity0_k / sum(capacity0)
    The province adds, by the co-construction lever c, a fund shared by output
    (growth poles attract it):  F_prov_k = c * park_funds_province_max / 4 * w_k,
        w_k = (output_k + mean output) / sum(output + mean output).
    ``p``: the ParkTable; ``fiscal``: the scenario's fiscal section; ``scale``: population
    scale (1 = the whole province).
    """
    unit = 1e4 * scale / 4.0
    if len(p) == 0:  # a scenario without parks: nothing to fund
        p.funds = p.funds_province = np.zeros(0)
        return 0.0
    local = fiscal.park_funds_local * unit * p.capacity0 / p.capacity0.sum()
    w = p.output + p.output.mean()
    w = w / w.sum() if w.sum() > 0 else np.full(len(p), 1.0 / len(p))
    prov = coconstruction * fiscal.park_funds_province_max * unit * w
    p.funds = local + prov
    p.funds_province = prov
    return float(p.funds.sum())


def build_infrastructure(p, fiscal, scale: float) -> None:
    """All parks build infrastructure from this quarter's co-builders' funds.

        I_k <- (1 - delta_I) I_k + F_k / c_I,      capacity_k = capacity0_k max(1, I_k / I0_k)
    where F_k (10k yuan) comes from ``fund`` and c_I is the cost of one unit of the
    infrastructure index.
    """
    cost = fiscal.infrastructure_cost * 1e4 * scale
    p.infra = (1.0 - fiscal.infrastructure_depreciation_q) * p.infra + p.funds / cost
    p.capacity = p.capacity0 * np.maximum(1.0, p.infra / p.infra0)
