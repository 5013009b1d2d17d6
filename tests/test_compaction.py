"""Compaction of the firm table at the year end (``FirmTable.compact``, ``steps/annual.py:
compact``): living rows move to the front in their order, every column with them, ids and Firm
agents keep referring to the same firms, the accounts still close."""

import numpy as np
import pytest
from model_invariants import check_quarter

from longjiang_abm import LongjiangModel
from longjiang_abm.agents import Firm
from longjiang_abm.kernels import Kernels
from longjiang_abm.state import FIRM_COLUMNS, FirmTable
from longjiang_abm.steps.annual import COMPACT_DEAD_SHARE


def _table(n=40, seed=0):
    """A table of n firms with distinct values in every column, a third of them exited and
    released (their rows free)."""
    rng = np.random.default_rng(seed)
    t = FirmTable(capacity=64)
    values = {
        name: (rng.integers(1, 100, n) if np.dtype(d).kind in "iu" else rng.random(n) + 1).astype(d)
        for name, (d, _) in FIRM_COLUMNS.items()
        if name not in ("id", "alive")
    }
    t.append(n, **values)
    dead = np.flatnonzero(rng.random(n) < 1 / 3)
    t.kill(dead)
    t.release()
    return t, dead


def test_compact_moves_every_column_stably_and_zeroes_the_rows_given_up():
    t, dead = _table()
    n = t.n
    rows = t.alive_rows()
    want = {name: getattr(t, name)[rows].copy() for name in FIRM_COLUMNS}
    arrays = {name: getattr(t, name) for name in FIRM_COLUMNS}
    assert t.free.size == dead.size > 0
    moved = t.compact(Kernels.move_rows)
    np.testing.assert_array_equal(moved, rows)
    m = rows.size
    assert t.n == t.n_alive == m and t.free.size == 0
    for name in FIRM_COLUMNS:
        col = getattr(t, name)
        assert col is arrays[name], name  # in place: no array reallocated
        np.testing.assert_array_equal(col[:m], want[name], err_msg=name)
        assert not col[m:n].any(), name  # the rows given up read as fresh rows
    assert np.all(np.diff(t.id[:m]) > 0)  # ids unchanged, order kept
    # entrants after a compaction take fresh rows at the end, with fresh ids
    new = t.append(3, K=np.ones(3))
    np.testing.assert_array_equal(new, [m, m + 1, m + 2])
    assert t.id[m] == n and t.died[m] == 0 and t.n == m + 3
    assert t.compact(Kernels.move_rows).size == m + 3  # nothing dead: nothing moves
    t.kill(np.array([0]))
    with pytest.raises(RuntimeError):  # this quarter's exits not yet released
        t.compact(Kernels.move_rows)


def test_compact_matches_its_python_twin():
    from longjiang_abm.twins import python_twin

    a, _ = _table(seed=4)
    b, _ = _table(seed=4)
    a.compact(Kernels.move_rows)
    b.compact(python_twin(Kernels.move_rows))
    for name in FIRM_COLUMNS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("threads", [1, 2, 5])
def test_compact_gives_the_same_table_whatever_the_columns_grouping(threads):
    """``move_rows`` moves every column in one call, the columns shared among the threads in
    groups (``RowBlock.groups``): any grouping gives the table the per-column gather gives."""
    t, _ = _table(seed=7)
    rows = t.alive_rows()
    want = {
        name: np.concatenate((getattr(t, name)[rows], np.zeros(t.n - rows.size, d)))
        for name, (d, _) in FIRM_COLUMNS.items()
    }
    order, group_start = t.block.groups(threads)
    assert group_start.size == threads + 1 and sorted(order.tolist()) == list(
        range(len(FIRM_COLUMNS))
    )
    n = t.n
    Kernels.move_rows(m=rows.size, rows=rows, n=n, **t.block.kernel_args(threads))
    for name in FIRM_COLUMNS:
        np.testing.assert_array_equal(getattr(t, name)[:n], want[name], err_msg=name)


@pytest.mark.parametrize("backend", ["numba", "python"])
def test_entrants_in_reused_rows_read_as_fresh_rows_with_their_values(backend):
    """``append`` into rows freed by exits (kernel ``scatter_rows``): the given columns take
    the entrants' values, every other column reads 0, other rows are untouched; a mix of
    reused and new rows; the same with the kernel's Python twin."""
    from longjiang_abm.twins import python_twin

    scatter = Kernels.scatter_rows if backend == "numba" else python_twin(Kernels.scatter_rows)
    t, dead = _table(seed=5)
    before = {name: getattr(t, name)[: t.n].copy() for name in FIRM_COLUMNS}
    n_old, count = t.n, dead.size + 2  # every free row, then two new ones
    K = np.arange(1.0, count + 1.0)
    rows = t.append(count, scatter=scatter, K=K, sector=np.int16(3), cash=2.5 * K)
    np.testing.assert_array_equal(rows, np.concatenate((np.sort(dead), [n_old, n_old + 1])))
    assert t.n == n_old + 2 and t.free.size == 0
    given = {"K": K, "sector": 3, "cash": 2.5 * K, "alive": True}
    for name in FIRM_COLUMNS:
        col = getattr(t, name)
        if name in given:
            np.testing.assert_array_equal(col[rows], np.broadcast_to(given[name], count))
        elif name == "id":
            np.testing.assert_array_equal(col[rows], np.arange(n_old, n_old + count))
        else:
            assert not col[rows].any(), name  # an exited firm's values are gone
        others = np.setdiff1d(np.arange(n_old), rows)
        np.testing.assert_array_equal(col[others], before[name][others], err_msg=name)


def test_a_copied_table_keeps_its_columns_in_its_own_block():
    """The row kernels reach the columns through the table's block: a deep copy rebuilds one
    for its own columns, so entrants and a compaction in the copy change the copy alone, as
    they change the original."""
    import copy

    a, _ = _table(seed=9)
    b = copy.deepcopy(a)
    assert b.block.block is not a.block.block
    for t in (a, b):
        t.append(4, K=np.arange(1.0, 5.0), sector=np.int16(2))  # into rows freed by exits
        t.kill(np.array([1, 5]))
        t.release()
        t.compact(Kernels.move_rows)
    for name in FIRM_COLUMNS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        assert getattr(b, name).base is not None  # a view of b's block


def test_firm_agents_made_before_a_compaction_still_read_their_firm():
    """An agent obtained before a compaction keeps reading and writing its own firm (same id)
    after it; an agent of a firm that exited keeps refusing to."""
    model = LongjiangModel(seed=2, n_firms=1500)
    for _ in range(3):
        model.step()
    f = model.firms
    agents = list(model.agents_by_type[Firm])
    ids = {a: a.firm_id for a in agents}
    n_before = f.n
    model.step()  # the year end: compacted
    assert f.n == f.n_alive < n_before
    living = set(f.id[f.alive_rows()].tolist())
    survivors = [a for a in agents if ids[a] in living]
    gone = [a for a in agents if ids[a] not in living]
    assert survivors and gone
    for a in survivors:
        assert a.firm_id == ids[a] and f.agent[a.row] is a
        assert a.capital == f.K[a.row] and a.cash == f.cash[a.row]
    for a in gone:
        with pytest.raises(RuntimeError):
            _ = a.capital
    kept = set(survivors)  # iterating again gives the same objects, in the same order
    assert [a for a in model.agents_by_type[Firm] if a in kept] == survivors
    survivors[0].capital = 4321.0  # writes reach the firm's new row
    assert f.K[np.flatnonzero(f.id[: f.n] == ids[survivors[0]])[0]] == 4321.0


def test_accounts_close_through_several_compactions():
    """Six years with the accounting identities checked every quarter (the model raises if
    one fails) and the invariants of every quarter; the table compacts several times and
    then walks only the living firms and the quarter's entrants."""
    model = LongjiangModel(seed=1, n_firms=3000, check_accounts=True)
    compactions = 0
    for _ in range(24):
        n_before = model.firms.n
        model.step()
        check_quarter(model)
        f = model.firms
        if model.quarter % 4 == 0 and f.n < n_before:
            compactions += 1
            assert f.n == f.n_alive and f.free.size == 0 and f.alive[: f.n].all()
        if model.quarter % 4 == 0:  # compacted, or few dead rows
            assert f.n - f.n_alive <= COMPACT_DEAD_SHARE * f.n
        errors = model.book.accounting_errors
        assert errors and max(errors.values()) < 1e-9
    assert compactions >= 3
    k = model.kpis()
    assert len(k) == 6 and np.isfinite(k["gdp"]).all()
