"""LongjiangModel: the province's industrial economy, one quarter per ``step``.

``step`` is the schedule of one quarter, one line per action; each line names the state
bundles it reads and, after the arrow in its comment, what it writes. The mechanisms live in
``steps/`` (one module per line, named like its kernel module in ``kernels/``); the state in
``state/`` (firm table, places, sector state, the quarter's book, the run's ledger); the
agents' own small state in ``agents/``. Only this module assigns attributes of the model,
and every attribute exists once ``__init__`` returns (docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from . import accounts, mesa_api, metrics, sfc
from .agents import Bank, Firm, Government, Park
from .agents.households import Households
from .agents.producers import LocalProducers
from .agents.registry import StrongRegistry
from .environment import Environment
from .init.circuit import circuit_2018
from .init.geography import load_parks, load_prefectures, load_sector_prefecture
from .init.population import build_population
from .instruments import instruments
from .kernels import Kernels
from .kernels import load as load_kernels
from .memory import (
    heap_for_build,
    pace_full_collections,
    release_free_heap,
    small_pages,
)
from .params import PolicyParams, Scenario
from .rng import normal
from .sectors import load_sectors
from .state import QuarterBook, RunLedger
from .steps import (
    annual,
    circuit,
    credit,
    demography,
    finance,
    goods,
    innovation,
    labour,
    parks,
    plans,
    policy,
    totals,
)
from .strategy import ABOVE_SCALE_REVENUE
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

    ``scenario`` is a ``Scenario`` (None = the packaged baseline) and is kept as
    ``model.params``; ``n_firms`` and ``backend`` override ``scenario.run``.
    ``check_accounts`` verifies the accounting identities every quarter (``accounts.py``)
    and raises ``AccountingError`` if one fails. ``threads``: threads of the numba kernels
    (None: one below 200k firms, all cores above; ``threads.py``); results do not depend
    on it. ``kernels``: the kernel registry the steps call (None: ``run.backend``'s; the
    benchmark and the twin test pass instrumented ones). ``seed`` (or Mesa's ``rng``): None
    draws a fresh seed, kept in ``self.seed``; scenario keys as ``section_key=value``
    arguments (``mesa_api.py``).
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
        kernels: Kernels | None = None,
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
        p = self.params = scenario  # the scenario's parameters (Mesa 3.5 has its own .scenario)
        self.seed = int(seed)
        self.check_accounts = check_accounts
        self.start_year = START_YEAR
        self.quarter = 0
        self.policy_override: PolicyParams | None = None  # levers held by the UI
        self.k = kernels if kernels is not None else load_kernels(run.backend)
        self.threads = resolve_threads(threads, run.n_firms)  # results do not depend on it
        use_threads(self.threads)  # the build's kernels too

        large = run.n_firms >= 100_000  # memory.py
        if large:
            pace_full_collections()  # fewer scans of a million agents by the GC
        tables = p.tables.dir or None  # None: the packaged tables
        if tables is not None:
            check_tables(tables)
        # the places and the 2018 population
        self.sectors = load_sectors(tables)
        self.prefectures = load_prefectures(p.calibration.average_wage_2018, tables)
        self.suit = load_sector_prefecture(self.sectors, self.prefectures, tables)
        self.parks = load_parks(self.sectors, self.prefectures, run.n_firms / 35_000, tables)
        # unknown prefectures in [park_treatment] are an error now, not at the first step
        p.park_treatment.intensity(self.parks.pref, self.prefectures.keys, START_YEAR, 0.0)
        # the 2018 population and its markets: no stalls on huge-page compaction, and the
        # build's temporaries reuse the heap (the quarters' are mapped; memory.py)
        with small_pages(), heap_for_build(large):
            self.firms, self.cal, self.scale = build_population(
                p, self.sectors, self.prefectures, self.suit, self.parks, self.seed, self.k
            )
            f = self.firms
            above = f.col("rev_year") >= ABOVE_SCALE_REVENUE
            self.above_scale_2018 = int(np.count_nonzero(above))
            # the environment, the levers of 2019 and the markets of 2018
            self.env = Environment(p, self.sectors, START_YEAR)
            levers = p.policy.at_year(START_YEAR)
            self.inst = instruments(levers, p, self.sectors, self.scale)
            # the markets of 2018 under 2018 practice: every lever at its neutral value, so that
            # the 2018 references (competitiveness, prices) do not already contain the 2019
            # levers
            practice_2018 = instruments(PolicyParams(), p, self.sectors, self.scale)
            self.sector_state = goods.open_markets(
                self.k, f, self.sectors, self.cal, self.env, practice_2018, self.prefectures,
                len(self.parks), p,
            )  # fmt: skip
            labour.open_markets(f, self.prefectures, p.calibration)
        # the agents
        self._agents_in_table(Firm, f)  # model.agents_by_type[Firm]: made when asked
        self.park_agents = [Park(self, k) for k in range(len(self.parks))]
        cal = p.calibration
        self.base_gdp = (
            self.scale
            * 1e4
            * (
                cal.industrial_va_2018
                + cal.construction_va_2018
                + cal.primary_va_2018
                + cal.tertiary_va_2018
            )
        )
        self.base_industry = self.scale * 1e4 * cal.industrial_va_2018
        # the rest of the economy at its 2018 levels (init/circuit.py)
        c18 = self.circuit_2018 = circuit_2018(
            p, f, self.sectors, self.prefectures, self.scale, self.base_gdp
        )
        self.households = Households(
            self, income_2018=c18.disposable_income, consumption_2018=c18.consumption,
            deposits=c18.deposits, mpc=p.households.mpc_income,
            services_share=p.households.services_share,
        )  # fmt: skip
        self.producers = LocalProducers(
            self, scenario=p, scale=self.scale, investment_2018=c18.investment,
            services_2018=c18.services_demand,
        )  # fmt: skip
        self.government = Government(
            self, levers, consumption_2018=c18.gov_consumption, transfers_2018=c18.transfers,
            central_transfers_2018=c18.central_transfers, debt=c18.debt,
        )  # fmt: skip
        self.bank = Bank(
            self, loans=c18.firm_debt, household_deposits=c18.deposits,
            firm_deposits=c18.firm_deposits, bonds=c18.debt,
            capital_ratio=p.finance.bank_capital_ratio, risk_weight=p.finance.bond_risk_weight,
        )  # fmt: skip
        # the books: this quarter's, the run's, the KPI records
        self.book = QuarterBook()
        self.ledger = RunLedger()
        circuit.carry_stocks(
            self.ledger, self.households, self.government, self.bank, c18.firm_deposits,
            c18.firm_debt,
        )  # fmt: skip
        self.records: list[dict] = []
        self.matrices: list[tuple] = []  # the flow and balance-sheet matrices (sectors.parquet)
        self.datacollector = mesa_api.datacollector()  # the KPIs, from self.records
        self.running = True  # until the scenario's horizon (mesa_api.running)
        release_free_heap()  # the build's temporaries: give their pages back to the OS

    def hold_levers(self, levers: PolicyParams | None) -> None:
        """Hold these levers from the next quarter on, whatever the scenario's schedule says
        (the UI's sliders; None: back to the schedule)."""
        self.policy_override = levers

    @property
    def year(self) -> int:
        """Calendar year of the current (last simulated) quarter."""
        return START_YEAR + max(self.quarter - 1, 0) // 4

    def rev_year_price_level(self) -> float:
        """China's price level (GDP deflator, 2018 = 1) of the year the firms' ``rev_year``
        describes, the last closed calendar year: ``rev_year * rev_year_price_level()`` is
        that year's revenue in current yuan (``strategy.above_scale``)."""
        return self.env.price_levels[self.start_year - 1 + self.quarter // 4]

    def step(self) -> None:
        """One quarter of the province's economy. Each line is one step (``steps/``); its
        comment says what it writes (docs/architecture.md has what each one reads)."""
        self.quarter += 1
        use_threads(self.threads)
        t, year, seed, p, k = self.quarter, self.year, self.seed, self.params, self.k
        f, ss, sec, cal, env = self.firms, self.sector_state, self.sectors, self.cal, self.env
        pref, pk, gov, bank = self.prefectures, self.parks, self.government, self.bank
        ledger = self.ledger
        if self.book.totals is not None:  # last quarter's closing stocks open this one
            st = self.book.totals.stock
            circuit.carry_stocks(ledger, self.households, gov, bank, st["cash"], st["debt"])
        book = self.book = QuarterBook(quarter=t)  # -> a new book of the quarter's flows
        if (t - 1) % 4 == 0:
            annual.open_year(f, ledger)  # -> f year-to-date columns; ledger
        env.update(t, year, seed, normal)  # -> env: national demand, prices, frontier, wage
        inst = self.inst = policy.set_levers(
            gov, p, year, t, self.policy_override, sec, self.scale, self.inst
        )  # -> gov.policy, gov.policy_log; the instruments (self.inst while levers hold)
        levers = gov.policy
        pk.coco = p.park_treatment.intensity(pk.pref, pref.keys, year, levers.park_coconstruction)
        gov.park_funds = parks.fund(pk, p.fiscal, self.scale)  # -> pk.funds, funds_province
        parks.build_infrastructure(pk, p.fiscal, self.scale)  # -> pk.infra, pk.capacity
        plans.plan(k, f, sec, cal, inst, p.firms, p.finance, seed, t)  # -> f plans, balances
        nu = levers.ownership_neutrality
        circuit.plan(self.households, gov, t, p.fiscal)  # -> households, gov: spending plans
        capital = bank.loan_capital()  # equity left for loans under the capital rule
        credit.clear(k, f, inst, nu, capital, p.finance, p.firms.cash_target)  # -> f loans
        labour.hire(k, f, pref, p.calibration)  # -> f.L; pref labour supply, demand, employment
        budget = self.households.goods_index()  # the households' goods budget, 2018 = 1
        goods.clear(k, f, ss, sec, cal, env, inst, pref.wage, p.firms, seed, t, budget)  # -> f; ss
        finance.book_income(k, f, ss, sec, cal, env, inst, pref.wage, p.firms, p.fiscal)  # -> f P&L
        finance.invest(k, f, p.firms)  # -> f.K, f.invest, cash, debt
        drift, n_pref = env.drift(year), len(pref)  # innovate -> f A, q, dig, emis; ss.y_loc
        innovation.innovate(k, f, ss, sec, pk, n_pref, drift, inst, p.firms, p.instruments, seed, t)
        demography.exit_firms(k, f, book, sec, nu, inst, p.firms, p.finance, t, seed)  # -> f; book
        entry = demography.Entry(
            k, f, ss, book, ledger, sec, cal, pk, pref, self.suit, env, inst, levers, p, seed, t
        )
        demography.enter_firms(entry)  # -> f entrants; book; ledger; ss.demand0 (contracted)
        labour.adjust_wages_and_supply(pref, env.national_wage, p)  # -> pref wage, labour pool
        self.close_quarter(book)  # -> book totals; the circuit; records, matrices, accounts
        if t % 4 == 0:  # year end: rows of exited firms given back (reads f.alive)
            annual.compact(k, f)  # -> f: living rows to the front, n, free; Firm agents' row

    def close_quarter(self, book: QuarterBook) -> None:
        """The quarter's totals, the rest of the economy (other producers, bank, households,
        government: ``steps/circuit.py``), the KPI record, the year's close and the
        accounting checks (``accounts.py``, ``sfc.py``)."""
        f, t = self.firms, self.quarter
        tot = book.totals = totals.totals(
            self.k, f, t, self.sectors, self.sector_state.defence_sector,
            len(self.prefectures), len(self.parks),
        )  # fmt: skip
        book.wages = tot.flow["wages"]
        # investment: incumbents' capital spending plus the capital entrants bring
        book.investment = tot.flow["invest"] + book.entry_capital
        self.ledger.year_profits += tot.flow["profit"]
        circuit.close(self, book)  # -> producers, bank, households, government; book flows
        goods.update_price_index(self.sector_state, tot)  # -> ss.ppi: next quarter's prices
        self.parks.output = tot.rev_park
        self.parks.rev_ytd += tot.rev_park
        rec = metrics.quarter_record(self)
        if t % 4 == 0:
            rec.update(metrics.year_end_record(self))
            annual.close_year(self.k, f, self.parks, self.env.price_level)
            annual.sector_sizes(self.k, f, self.sector_state)  # -> ss typical firm size
        if self.check_accounts:
            book.accounting_errors = accounts.check(self, rec)
        self.records.append(rec)
        self.matrices.extend(sfc.records(self))
        self.datacollector.collect(self)  # Mesa's DataCollector reads the record
        self.running = mesa_api.running(self)
        f.release()  # rows of this quarter's exits are free for next quarter's entrants

    def discard_firms(self) -> None:
        """Drop the firm table and the Firm agents of a finished run (its results taken), so
        their memory is freed at once rather than at the next garbage collection."""
        self._agents_by_type.pop(Firm, None)
        self.firms = None

    # --- results ----------------------------------------------------------------------------
    def quarterly_frame(self):
        import pandas as pd

        return pd.DataFrame.from_records(self.records)

    def sectors_frame(self):
        """The flow and balance-sheet matrices of every quarter, long (``sfc.records``)."""
        import pandas as pd

        if not self.matrices:
            return pd.DataFrame.from_records(self.matrices)
        return pd.DataFrame.from_records(self.matrices, columns=sfc.RECORD_COLUMNS)

    def kpis(self):
        return metrics.annual_kpis(self.quarterly_frame(), self.base_gdp, self.base_industry)
