"""Plans: opening balances, expected demand, capacity, labour and investment plans.

Kernel: ``kernels/plans.py: plan_firms``. Reads the firms' capital, cash, debt, demand and
productivity; writes their expectations (``exp_dem``), capacity (``cap``), labour wanted
(``L_req``), investment plans (``inv_plan``), loan demand (``loan_dem``) and opening balances
(``cash0``, ``debt0``, ``K0``).
"""

from __future__ import annotations


def plan(k, f, sectors, cal, inst, fp, fin, seed: int, t: int) -> None:
    """Opening balances, expectations, capacity, labour needs and investment plans of every
    firm (``f``: FirmTable; ``inst``: the instruments in force, for the utilisation each owner
    type plans for; ``fp``, ``fin``: the scenario's firms and finance sections)."""
    k.plan_firms(
        n=f.n,
        alive=f.alive,
        ids=f.id,
        sector=f.sector,
        owner=f.owner,
        A=f.A,
        K=f.K,
        cash=f.cash,
        debt=f.debt,
        D=f.D,
        rev_year=f.rev_year,
        exp_dem=f.exp_dem,
        cap=f.cap,
        L_req=f.L_req,
        inv_plan=f.inv_plan,
        loan_dem=f.loan_dem,
        raw=sectors.raw,
        kappa=cal.kappa,
        pi=cal.pi,
        buffer_out=fp.planning_buffer,
        lam=fp.expectation_weight,
        u_owner=inst.utilization_o,
        theta=fp.investment_threshold,
        p_rep=fp.replacement_probability_q,
        delta=fp.depreciation_q,
        cash_target=fp.cash_target,
        amort=fin.amortization_q,
        lev=fin.target_leverage,
        seed=seed,
        t=t,
        cash0=f.cash0,
        debt0=f.debt0,
        K0=f.K0,
    )
