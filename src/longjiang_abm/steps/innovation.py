"""Innovation and spillovers: R&D, productivity and quality, agglomeration, digital adoption.

Kernels: ``kernels/innovation.py: location_stats`` (reads output, ln A, location and size;
writes nothing: returns output and productivity by location and sector, which the sector
state keeps as ``y_loc`` for entrants' location choice) and ``innovate`` (reads R&D, revenue,
the location statistics, park infrastructure and the instruments, and the change of park
infrastructure passed on to productivity, ``infrastructure_productivity``; writes ``A, lnA,
Ag, q, dig, dig_cost, emis``).
"""

from __future__ import annotations

import numpy as np


def location_statistics(k, f, sectors, n_parks: int, n_pref: int) -> tuple:
    """Output and productivity by location and sector (kernel ``location_stats``):
    (y_loc, lna, lna_l, div, y_big, lna_big)."""
    sec = sectors
    return k.location_stats(
        n=f.n,
        alive=f.alive,
        park=f.park,
        pref=f.pref,
        sector=f.sector,
        size=f.size,
        chain=sec.chain,
        Y=f.Y,
        lnA=f.lnA,
        n_parks=n_parks,
        n_pref=n_pref,
        n_sec=len(sec),
        n_chain=len(sec.chains),
    )


def innovate(k, f, ss, sectors, parks, n_pref, drift, inst, fp, ip, seed: int, t: int) -> None:
    """R&D, productivity shocks, agglomeration spillovers, supplier links, digital adoption
    and emissions intensity (``drift``: exogenous drift of ln A by sector this quarter;
    ``fp``, ``ip``: the scenario's firms and instruments sections). Writes ``ss.y_loc``."""
    sec = sectors
    stats = location_statistics(k, f, sectors, len(parks), n_pref)
    ss.y_loc = stats[0]
    y_loc, lna, lna_l, div, y_big, lna_big = stats
    k.innovate(
        n=f.n,
        alive=f.alive,
        ids=f.id,
        sector=f.sector,
        park=f.park,
        pref=f.pref,
        size=f.size,
        chain=sec.chain,
        A=f.A,
        q=f.q,
        dig=f.dig,
        dig_cost=f.dig_cost,
        emis=f.emis,
        rev=f.rev,
        rev_year=f.rev_year,
        rd=f.rd,
        y_loc=y_loc,
        lna_loc=lna,
        lna_l=lna_l,
        div=div,
        y_big=y_big,
        lna_big=lna_big,
        infra=parks.infra,
        d_park=infrastructure_productivity(parks, fp.park_infrastructure_elasticity),
        drift=drift,
        y_half=ss.y_half,
        emission=sec.emission,
        zeta=fp.rd_success,
        step_a=fp.innovation_step,
        step_q=fp.quality_step,
        sd_a=fp.productivity_shock_sd,
        beta_m=fp.marshall_spillover,
        beta_j=fp.jacobs_spillover,
        park_bonus=fp.park_spillover_bonus,
        p_digital=inst.digital_p,
        digital_gain=fp.digital_productivity,
        digital_cost=ip.digital_cost,
        large_small=inst.large_small,
        green_cut=inst.green_cut,
        n_parks=len(parks),
        seed=seed,
        t=t,
        lnA=f.lnA,
        Ag=f.Ag,
        gamma=fp.materials_efficiency,
    )


def infrastructure_productivity(parks, eps: float) -> np.ndarray:
    """Park infrastructure as public capital in its firms' production: a firm in park k has
    productivity proportional to infra_k^eps (eps = ``firms.park_infrastructure_elasticity``),
    so when the park's infrastructure index moves from its level at the last application
    (``parks.infra_applied``, the 2018 level at the start) every living firm in the park gets
        ln A_i += eps (ln infra_k - ln infra_applied_k) = d_k
    in the kernel ``innovate`` (with ``A``, ``Ag = A^gamma`` and ``emis``, proportional to
    1 / A, computed from the new ln A). Returns d (0 for a park whose index has not moved);
    sets ``parks.infra_applied``."""
    now = np.log(np.maximum(parks.infra, 1e-9))
    d = eps * (now - np.log(np.maximum(parks.infra_applied, 1e-9)))
    parks.infra_applied = parks.infra.copy()
    return d
