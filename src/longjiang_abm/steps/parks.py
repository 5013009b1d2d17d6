"""Parks: co-builders' funds and the infrastructure they build (省市县共建).

No kernel (20 parks). ``fund`` writes the parks' ``funds`` and ``funds_province``
and returns the quarter's total park funding; ``build_infrastructure`` writes the parks'
``infra`` and ``capacity``; ``promoted_projects`` draws the investment projects that the
co-built parks' joint promotion brings (created with the entrants, steps/demography.py).
"""

from __future__ import annotations

import numpy as np

from ..rng import S_PROMOTION, normal, poisson, uniform


def fund(p, fiscal, scale: float) -> float:
    """Co-builders' funds for park infrastructure this quarter (10k yuan); returns their sum.

    Cities and counties fund every park in proportion to its land capacity:
        F_local_k = park_funds_local / 4 * capacity0_k / sum(capacity0)
    The province adds its co-construction fund to the co-built parks (``p.coco`` = c_k > 0,
    the lever or a targeted treatment, set by the model), shared by output among them
    (growth poles attract it):
        F_prov_k = c_k * park_funds_province_max / 4 * w_k / W,
        w_k = (output_k + mean output) / sum(output + mean output),  W = sum_{j: c_j > 0} w_j.
    With every park at the same c (the province-wide lever) W = 1; a treatment of a few
    parks concentrates the fund on them. ``p``: the ParkTable; ``fiscal``: the scenario's
    fiscal section; ``scale``: population scale (1 = the whole province).
    """
    unit = 1e4 * scale / 4.0
    if len(p) == 0:  # a scenario without parks: nothing to fund
        p.funds = p.funds_province = np.zeros(0)
        return 0.0
    local = fiscal.park_funds_local * unit * p.capacity0 / p.capacity0.sum()
    w = p.output + p.output.mean()
    w = w / w.sum() if w.sum() > 0 else np.full(len(p), 1.0 / len(p))
    on = p.coco > 0
    share = 1.0 if on.all() else w[on].sum()  # exactly 1 under the province-wide lever
    prov = p.coco * fiscal.park_funds_province_max * unit * w / share if share > 0 else 0.0 * w
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


def promoted_projects(
    p,
    suit,
    sectors,
    a_mean,
    owner_p,
    rate: float,
    revenue: float,
    a_rel,
    a_sd: float,
    seed: int,
    t: int,
) -> tuple:
    """Investment projects brought by joint promotion (招商引资) of the co-built parks.

    Joint promotion is paid from the provincial co-construction fund, so the projects follow the
    money: park k draws n_k ~ Poisson(rate F_prov_k / 1e5) projects a quarter, i.e. ``rate``
    (``fiscal.promotion_projects``) projects a year per billion yuan a year of the fund it
    receives (F_prov_k = ``p.funds_province``, 10k yuan a quarter, already scaled with the
    population; uniform stream S_PROMOTION, counter k). Project j
    of park k (counter idx = 1000 k + j) is in a sector of the park's chain that the park's
    prefecture hosts (suit > 0), drawn uniformly (S_PROMOTION + 1); if none, in any sector the
    prefecture hosts. Ownership ~ ``owner_p`` (S_PROMOTION + 2); annual revenue
    ``revenue exp(0.5 e1)``, productivity ``a_rel a_mean_s exp(a_sd e2)`` (normals of
    S_PROMOTION + 3 and + 4). A project goes only where the park has room (``p.room``, the
    free slots left after this quarter's entrants). Returns (sector, owner, pref, park, rev, A).
    """
    out: list[tuple] = []
    room = p.room.copy()
    for k in np.flatnonzero(p.funds_province > 0):
        lam = rate * p.funds_province[k] / 1e5
        n = poisson(lam, seed, t, k, S_PROMOTION) if lam > 0 else 0
        pref = int(p.pref[k])
        hosted = np.flatnonzero(suit[:, pref] > 0)
        chain = hosted[sectors.chain[hosted] == p.chain[k]]
        options = chain if chain.size else hosted
        for j in range(n):
            if room[k] < 1 or options.size == 0:
                break
            idx = 1000 * k + j
            s = options[int(uniform(seed, t, idx, S_PROMOTION + 1) * options.size)]
            o = int(np.searchsorted(np.cumsum(owner_p), uniform(seed, t, idx, S_PROMOTION + 2)))
            rev = revenue * np.exp(0.5 * normal(seed, t, idx, S_PROMOTION + 3))
            A = a_rel * a_mean[s] * np.exp(a_sd * normal(seed, t, idx, S_PROMOTION + 4))
            out.append((s, min(o, len(owner_p) - 1), pref, k, rev, A))
            room[k] -= 1
    if not out:
        z = np.zeros(0, dtype=np.int64)
        return z, z.copy(), z.copy(), z.copy(), np.zeros(0), np.zeros(0)
    cols = list(zip(*out, strict=True))
    ints = [np.array(c, dtype=np.int64) for c in cols[:4]]
    return (*ints, np.array(cols[4], dtype=np.float64), np.array(cols[5], dtype=np.float64))
