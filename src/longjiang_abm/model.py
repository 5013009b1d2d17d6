"""LongjiangModel: the province's industrial economy, one quarter per ``step``."""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from . import accounts, kernels, mesa_api, metrics
from .agents import Bank, Firm, Government, Park
from .agents import firm_actions as firms
from .agents.park import build_infrastructure
from .agents.registry import StrongRegistry
from .demography import enter_firms, exit_firms
from .environment import Environment
from .init.geography import load_parks, load_prefectures, load_sector_prefecture
from .init.population import build_population
from .instruments import DEEP_PROCESSING, DEFENCE_SECTORS, NEW_PILLARS, instruments
from .macro import Macro
from .markets.credit import clear_credit
from .markets.goods import clear_goods, set_prices
from .markets.labour import adjust_wages_and_supply, clear_labour
from .memory import map_large_arrays, pace_full_collections, release_free_heap
from .params import PolicyParams, Scenario
from .rng import normal_py
from .sectors import load_sectors
from .state import LOCAL_SOE
from .table_checks import check_tables
from .threads import resolve as resolve_threads
from .threads import use as use_threads

START_YEAR = 2019  # the initial state is the end of 2018; quarter 1 is 2019Q1


class LongjiangModel(StrongRegistry, mesa.Model):
    """Heilongjiang's industrial economy under the 2019 strategy's policy levers.

    Build with keyword parameters (all optional) so that scripts, the UI and batch runners
    can construct it alike::

        model = LongjiangModel(scenario, seed=7, n_firms=20_000)
        for _ in range(20):
            model.step()          # one quarter

    ``scenario`` is a ``Scenario`` (None = the packaged baseline); ``n_firms`` and ``backend``
    override ``scenario.run``. ``check_accounts`` verifies the accounting identities every
    quarter (``accounts.py``) and raises ``AccountingError`` if one fails. ``threads``: threads
    of the numba kernels (None: one below 200k firms, all cores above; ``threads.py``);
    results do not depend on it. ``seed`` (or Mesa's ``rng``): None draws a fresh seed, kept
    in ``self.seed``; scenario keys as ``section_key=value`` arguments (``mesa_api.py``).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        seed: int | None = None,
        rng: int | None = None,
        n_firms: int | None = None,
        backend: str | None = None,
        check_accounts: bool = True,
        threads: int | None = None,
        **kwargs,  # scenario keys, section_key=value (Mesa tools need this name)
    ):
        seed = mesa_api.resolve_seed(seed, rng)  # None: a fresh seed, kept in self.seed
        super().__init__(rng=seed)
        self._strong_registry()  # model.agents without weak references (agents/registry.py)
        scenario = mesa_api.resolve_scenario(scenario, kwargs)
        run = scenario.run
        if n_firms is not None or backend is not None:
            run = run.model_validate(
                run.model_dump()
                | ({"n_firms": n_firms} if n_firms is not None else {})
                | ({"backend": backend} if backend is not None else {})
            )
            scenario = scenario.model_copy(update={"run": run})
        self.params = scenario
        self.seed = int(seed)
        self.check_accounts = check_accounts
        self.start_year = START_YEAR
        self.quarter = 0
        self.policy_override: PolicyParams | None = None
        self.k = kernels.load(run.backend)
        self.threads = resolve_threads(threads, run.n_firms)  # results do not depend on it

        if run.n_firms >= 100_000:  # memory.py
            map_large_arrays()  # population-sized temporaries go back to the OS
            pace_full_collections()  # fewer scans of a million agents by the GC
        tables = scenario.tables.dir or None  # None: the packaged tables
        if tables is not None:
            check_tables(tables)
        self.sectors = load_sectors(tables)
        self.prefectures = load_prefectures(scenario.calibration.average_wage_2018, tables)
        self.suit = load_sector_prefecture(self.sectors, self.prefectures, tables)
        self.parks = load_parks(self.sectors, self.prefectures, run.n_firms / 35_000, tables)
        self.firms, self.cal, self.scale = build_population(
            scenario, self.sectors, self.prefectures, self.suit, self.parks, self.seed
        )
        self.above_scale_2018 = int(np.count_nonzero(self.firms.col("rev_year") >= 2000.0))
        self.env = Environment(scenario, self.sectors, START_YEAR)
        self.inst = instruments(
            scenario.policy.at_year(START_YEAR), scenario, self.sectors, self.scale
        )
        f = self.firms
        wages = self.prefectures.wage[f.col("pref")] * f.col("L") / 4.0
        replacement = scenario.firms.depreciation_q * float(f.col("K").sum())
        replacement += scenario.fiscal.park_funds_local * 1e4 * self.scale / 4.0
        self.macro = Macro(scenario, self.scale, float(wages.sum()), replacement)
        self._init_markets()

        self._agents_in_table(Firm, self.firms)  # model.agents_by_type[Firm]: made when asked
        self.park_agents = [Park(self, k) for k in range(len(self.parks))]
        self.government = Government(self)
        debt = float(self.firms.col("debt").sum())
        self.bank = Bank(self, loans=debt, equity=debt * scenario.finance.bank_capital_ratio * 1.5)
        self.records: list[dict] = []
        self.base_gdp = (
            self.scale
            * 1e4
            * (
                scenario.calibration.industrial_va_2018
                + scenario.calibration.construction_va_2018
                + scenario.calibration.primary_va_2018
                + scenario.calibration.tertiary_va_2018
            )
        )
        self.year_profits = self.year_capital = 0.0
        mesa_api.attach(self)  # model.datacollector, model.running (mesa_api.py)
        release_free_heap()  # the build's temporaries: give their pages back to the OS

    def _init_markets(self) -> None:
        """2018 demand by sector, competitiveness, labour supply and location statistics."""
        f, sec = self.firms, self.sectors
        n = f.n
        y_s = np.bincount(f.sector[:n], weights=f.Y[:n], minlength=len(sec))
        gamma = self.params.firms.materials_efficiency
        y_in = np.bincount(f.sector[:n], weights=f.Y[:n] / f.A[:n] ** gamma, minlength=len(sec))
        local = np.zeros(len(sec))  # 2018 raw material bought in the province, real units
        buys = sec.raw_input >= 0
        np.add.at(local, sec.raw_input[buys], (sec.local_sourcing * sec.input_coef * y_in)[buys])
        self.demand0 = np.where(sec.raw, np.maximum(y_s - local, 0.0), y_s)
        set_prices(self)
        self._calibrate_defence_procurement()
        w = np.bincount(f.sector[:n], weights=f.share[:n] * f.E[:n], minlength=len(sec))
        s_share = np.bincount(f.sector[:n], weights=f.share[:n], minlength=len(sec))
        # a sector without firms (tiny populations) has no 2018 mean: 1 (its demand0 is 0)
        self.e_bar0 = np.divide(w, s_share, out=np.ones(len(sec)), where=s_share > 0)
        labour = np.bincount(f.pref[:n], weights=f.L[:n], minlength=len(self.prefectures))
        self.prefectures.labour_pool = labour * (1.0 + self.params.calibration.labour_slack)
        self.prefectures.labour_supply = self.prefectures.labour_pool.copy()
        firms.location_statistics(self)
        self.y_half = 10.0 * y_s / np.maximum(np.bincount(f.sector[:n], minlength=len(sec)), 1)
        self.sector_output = y_s
        self.local_raw_demand = local
        self.fill = np.ones(len(sec))
        self.entry_counter = 0
        self.big_project_sectors = np.array(
            [
                p in NEW_PILLARS or k in DEEP_PROCESSING
                for k, p in zip(sec.keys, sec.pillar, strict=True)
            ]
        )
        self.defence_sector = np.isin(np.arange(len(sec)), [sec.index(k) for k in DEFENCE_SECTORS])
        self.n_big_projects = 0
        self.n_entries = self.n_exits = self.n_exits_sme = 0
        self.flows: dict[str, float] = {}

    def _calibrate_defence_procurement(self) -> None:
        """Defence procurement (a share delta_s of equipment demand) went to state firms only
        in 2018. Market shares f_i are set so that each firm's 2018 demand equals its output:
            state firms  Y_i / Y_s = f_i ((1 - delta) + delta / S),  S = sum of their f
            others       Y_i / Y_s = f_i (1 - delta),  so  S = (sigma - delta) / (1 - delta)
        with sigma the state firms' output share; delta is capped at 0.9 sigma."""
        f, sec = self.firms, self.sectors
        n = f.n
        delta = self.params.instruments.defence_share
        self.defence_share = np.zeros(len(sec))
        state = f.owner[:n] <= LOCAL_SOE
        for s in (sec.index(k) for k in DEFENCE_SECTORS):
            ix = f.sector[:n] == s
            y_share = f.Y[:n][ix] / f.Y[:n][ix].sum()
            sigma = y_share[state[ix]].sum()
            d = min(delta, 0.9 * sigma)
            self.defence_share[s] = d
            if d <= 0.0:
                continue
            big_s = (sigma - d) / (1.0 - d)
            k = np.where(state[ix], (1.0 - d) + d / big_s, 1.0 - d)
            f.share[:n][ix] = y_share / k

    @property
    def year(self) -> int:
        """Calendar year of the current (last simulated) quarter."""
        return START_YEAR + max(self.quarter - 1, 0) // 4

    def step(self) -> None:
        """One quarter of the province's economy."""
        self.quarter += 1
        use_threads(self.threads)
        self.begin_quarter()
        self.env.update(self.quarter, self.year, self.seed, normal_py)  # national drivers
        self.government.set_policy(self.year)  # levers in force
        self.government.fund_parks()  # co-builders' funds
        build_infrastructure(self)  # parks build infrastructure
        firms.plan(self)  # expectations, capacity, labour and investment plans
        clear_credit(self)  # credit market
        clear_labour(self)  # labour market
        clear_goods(self)  # goods market: shares, demand, production and sales
        firms.book_income(self)  # profits, taxes, subsidies, balance sheets
        firms.invest(self)  # investment
        firms.innovate(self)  # innovation, spillovers, digital adoption
        exit_firms(self)  # exit, bail-outs of state firms
        enter_firms(self)  # entry and location choice
        adjust_wages_and_supply(self)  # wages, demography and migration
        self.close_quarter()  # macro, budget, accounts, KPIs

    # --- bookkeeping around the schedule ----------------------------------------------------
    def begin_quarter(self) -> None:
        f = self.firms
        if (self.quarter - 1) % 4 == 0:  # a new calendar year
            f.rev_ytd[: f.n] = 0.0
            f.inv_ytd[: f.n] = 0.0
            f.K_year[: f.n] = f.K[: f.n]
            self.year_profits = 0.0
            self.year_capital = float(f.K[f.alive_rows()].sum())
        self.bank.begin_quarter()
        self.flows = dict.fromkeys(
            (
                "exit_asset_sales",
                "exit_to_bank",
                "exit_to_owners",
                "guarantee_payouts",
                "entry_equity",
                "entry_incentives",
                "entry_loans",
                "entry_capital",
            ),
            0.0,
        )

    def close_quarter(self) -> None:
        f = self.firms
        t = self.totals = metrics.totals(self)  # one pass over the table
        self.quarter_wages = t.flow["wages"]
        # investment: incumbents' capital spending plus the capital entrants bring
        self.quarter_investment = t.flow["invest"] + self.flows["entry_capital"]
        self.year_profits += t.flow["profit"]
        self.macro.update(
            self.quarter, self.quarter_investment, self.government.park_funds, self.quarter_wages
        )
        self.bank.book_lending(t.flow["new_loan"], t.flow["repay"], t.flow["interest"])
        self.government.close_budget(
            t.flow["tax"],
            t.flow["subsidy"],
            t.flow["bailout"],
            self.flows["entry_incentives"],
            self.flows["guarantee_payouts"],
        )
        self.bank.close_quarter()
        self.parks.output = t.rev_park
        self.parks.rev_ytd += t.rev_park
        rec = metrics.quarter_record(self)
        if self.quarter % 4 == 0:
            rec.update(metrics.year_end_record(self))
            self.end_year()
        if self.check_accounts:
            self.accounting_errors = accounts.check(self, rec)
        self.records.append(rec)
        mesa_api.collect(self)  # DataCollector reads rec; running until the horizon
        f.release()  # rows of this quarter's exits are free for next quarter's entrants

    def end_year(self) -> None:
        """Close the calendar year: annual revenue, size classes, parks' annual output."""
        f = self.firms
        self.k.close_year(f.n, f.alive, f.age, f.rev_ytd, f.rev_year, f.L, f.size)
        self.parks.rev_year = self.parks.rev_ytd.copy()
        self.parks.rev_ytd[:] = 0.0

    def discard_firms(self) -> None:
        """Drop the firm table and the Firm agents of a finished run (its results taken), so
        their memory is freed at once rather than at the next garbage collection."""
        self._agents_by_type.pop(Firm, None)
        self.firms = None

    # --- results ----------------------------------------------------------------------------
    def quarterly_frame(self):
        import pandas as pd

        return pd.DataFrame.from_records(self.records)

    def kpis(self):
        return metrics.annual_kpis(self.quarterly_frame(), self.base_gdp)
