"""Performance invariants and the benchmark harness (behaviour, never wall-clock thresholds)."""

import copy
import json

import numpy as np
import pytest

from longjiang_abm import LongjiangModel, memory
from longjiang_abm.agents import Firm
from longjiang_abm.bench import plan, run_bench, speedups
from longjiang_abm.cli import main
from longjiang_abm.kernels.chunks import CHUNK
from longjiang_abm.runner import firm_frame
from longjiang_abm.state import FIRM_COLUMNS
from longjiang_abm.threads import AUTO_MIN_FIRMS, available, resolve


def _state(model):
    f = model.firms
    return {name: getattr(f, name)[: f.n].copy() for name in FIRM_COLUMNS}


@pytest.mark.skipif(available() < 2, reason="needs at least two numba threads")
@pytest.mark.parametrize("n_firms, quarters", [(3000, 8), (2 * CHUNK + 5000, 4)])
def test_one_and_two_threads_give_identical_results(n_firms, quarters):
    """Parallel loops write only their own rows; sums run in row order or by fixed blocks
    of rows (the second case has several blocks); both runs compact the table at the year
    end of quarter 4 (living rows move across the blocks' bounds). Entry at its lower bound
    leaves more exits' rows unused, so that more than ``annual.COMPACT_DEAD_SHARE`` of the
    rows are dead at the year end whatever the baseline's exit rate."""
    runs = []
    for threads in (1, 2):
        model = LongjiangModel(seed=5, n_firms=n_firms, threads=threads, entry_entry_rate_q=0.02)
        assert model.threads == threads
        for _ in range(quarters):
            model.step()
            if model.quarter == 4:
                assert model.firms.n == model.firms.n_alive  # compacted
        runs.append((_state(model), model.quarterly_frame()))
    (s1, q1), (s2, q2) = runs
    for name in FIRM_COLUMNS:
        np.testing.assert_array_equal(s1[name], s2[name], err_msg=name)
    assert q1.equals(q2)


def test_thread_count_resolution():
    assert resolve(None, 1000) == 1
    assert resolve(None, AUTO_MIN_FIRMS) == available()
    assert resolve(1, 10**7) == 1
    assert resolve(10**6, 10) == available()
    with pytest.raises(ValueError):
        resolve(0, 1000)


def test_entry_and_exit_touch_only_the_firms_that_enter_or_exit():
    """Survivors keep their agent object and their row (between year ends, where the table
    may be compacted: then their order); no array is reallocated; exits' rows are reused by
    later entrants instead of growing the table."""
    model = LongjiangModel(seed=3, n_firms=4000)
    model.step()
    f = model.firms
    compacted = 0
    for _ in range(6):
        before = {a.firm_id: (a, a.row) for a in model.agents_by_type[Firm]}
        arrays = {name: getattr(f, name) for name in FIRM_COLUMNS}
        n_before, free_before, capacity = f.n, f.free.size, f.capacity
        model.step()
        after = {a.firm_id: a for a in model.agents_by_type[Firm]}
        exited = set(before) - set(after)
        entered = set(after) - set(before)
        assert len(exited) == model.book.exits and len(entered) == model.book.entries
        moved = model.quarter % 4 == 0 and f.n == f.n_alive  # compacted at the year end
        compacted += moved
        for fid, (agent, row) in before.items():
            if fid in after:
                assert after[fid] is agent and f.id[agent.row] == fid
                assert moved or agent.row == row
        kept = sorted((row, fid) for fid, (_, row) in before.items() if fid in after)
        assert [after[fid].row for _, fid in kept] == sorted(after[fid].row for _, fid in kept)
        if f.capacity == capacity:
            for name, arr in arrays.items():
                assert getattr(f, name) is arr, name  # no reallocation, no rebuild
        for fid in entered:  # entrants: their own agent in their row, born this quarter
            agent = after[fid]
            assert f.agent[agent.row] is agent and f.born[agent.row] == model.quarter
            assert f.died[agent.row] == 0 and f.losses[agent.row] == 0  # a reused row is reset
        # entrants first fill the rows freed in earlier quarters
        reused = min(free_before, model.book.entries)
        assert moved or f.n - n_before == model.book.entries - reused
    assert compacted == 1  # the year end of quarter 4
    rows = f.alive_rows()
    assert sorted(a.row for a in model.agents_by_type[Firm]) == rows.tolist()


def test_the_step_creates_no_firm_agents_until_asked():
    """Firm agents are made when a script first iterates the firms (one per living firm, in
    row order), never by the quarterly step: entry and exit stay array work."""
    model = LongjiangModel(seed=4, n_firms=2000)
    f = model.firms
    for _ in range(3):
        model.step()
    assert all(a is None for a in f.agent[: f.n])
    assert not f.agents_made  # the year end's compaction skips the agent column
    agents = list(model.agents_by_type[Firm])
    assert f.agents_made
    assert [a.row for a in agents] == f.alive_rows().tolist()
    assert len(model.agents_by_type[Firm]) == len(agents) == f.n_alive
    model.step()
    made = [a for a in f.agent[: f.n] if a is not None]
    assert {a.row for a in made} <= set(f.alive_rows().tolist())  # exits cleared theirs
    assert model.book.entries > 0 and model.book.exits > 0
    assert len(made) == len(agents) - model.book.exits  # no agent made for entrants
    again = {a.row: a for a in model.agents_by_type[Firm]}
    assert all(again[a.row] is a for a in made)  # survivors keep theirs


def test_model_agents_is_the_union_of_the_agent_types():
    model = LongjiangModel(seed=1, n_firms=300)
    by_type = model.agents_by_type
    assert len(model.agents) == sum(len(s) for s in by_type.values())
    firm = next(iter(by_type[Firm]))
    assert firm in model.agents and model.government in model.agents
    seen = []
    model.agents.shuffle_do(lambda a: seen.append(a))
    assert len(seen) == len(model.agents) and set(seen) == set(model.agents)
    assert len(model.agents.select(lambda a: isinstance(a, Firm))) == len(by_type[Firm])
    with pytest.raises(TypeError):
        model.agents.shuffle(inplace=True)
    assert len(model.agents.select()) == len(model.agents)  # a copy, as in Mesa
    assert len(copy.copy(by_type[Firm])) == len(by_type[Firm])
    with pytest.raises(RuntimeError):  # firms leave by exit only
        firm.remove()
    for _ in range(8):
        model.step()
    exited = [a for a in seen if isinstance(a, Firm) and a not in by_type[Firm]]
    assert exited  # some firms exited; their old agents refuse to read another firm's row
    with pytest.raises(RuntimeError):
        _ = exited[0].capital
    assert len(by_type[Firm]) == sum(1 for _ in by_type[Firm]) == model.firms.n_alive


def test_firm_frame_packed_in_place_equals_the_copy():
    model = LongjiangModel(seed=2, n_firms=600)
    for _ in range(5):
        model.step()
    copy = firm_frame(model)
    assert copy["id"].is_monotonic_increasing
    packed = firm_frame(model, consume=True)
    assert copy.equals(packed)


def test_bench_harness_reports_every_configuration(tmp_path):
    res = run_bench([200], python_max=200, threads=[1], jit=False, default_run=False)
    rows = res["rows"]
    assert [(r["backend"], r["threads"]) for r in rows] == [("numba", 1), ("python", 1)]
    for r in rows:
        assert r["n_firms"] == 200
        assert r["ns_per_firm_quarter"] > 0 and r["peak_rss_bytes_per_firm"] > 0
        assert r["ns_per_firm_quarter"] == np.median(r["ns_per_firm_quarter_samples"])
        # the floor kernel, timed after each block in the same process: a ratio, not seconds
        assert len(r["floor_ns_per_firm_samples"]) == r["repeats"]
        assert r["floor_ns_per_firm"] == np.median(r["floor_ns_per_firm_samples"]) > 0
        assert np.isfinite(r["ratio_to_floor"]) and r["ratio_to_floor"] > 0
        ratio = r["ns_per_firm_quarter"] / r["floor_ns_per_firm"]
        assert r["ratio_to_floor"] == pytest.approx(ratio)
    # the twin's speed-up is reported (a figure, not a timing assertion: the machine may be
    # loaded while the test runs)
    assert set(speedups(res)) == {200}
    assert np.isfinite(speedups(res)[200]) and speedups(res)[200] > 0
    assert {"cpus", "numba_threads"} <= set(res["machine"]) and "commit" in res
    assert res["mesa_action"]["ns_per_firm_action"] > 0
    assert plan(1000) == (40, 5) and plan(1_000_000) == (4, 3)


def test_bench_command_writes_the_json_contract(tmp_path, capsys):
    out = tmp_path / "bench.json"
    args = ["bench", "--sizes", "100", "--python-max", "0", "--threads", "1"]
    fig = tmp_path / "scaling.png"
    assert main([*args, "--no-jit", "--no-run", "--json", str(out), "--figure", str(fig)]) == 0
    assert fig.stat().st_size > 1000
    res = json.loads(out.read_text())
    assert set(res) >= {"rows", "machine", "version", "commit"}
    (row,) = res["rows"]
    assert set(row) >= {
        "n_firms",
        "backend",
        "threads",
        "ns_per_firm_quarter",
        "peak_rss_bytes_per_firm",
    }
    assert row["ratio_to_floor"] > 0 and np.isfinite(row["ratio_to_floor"])
    out = capsys.readouterr().out
    assert "ns / firm-quarter" in out and "x floor" in out
    assert main(["bench", "--sizes", "x"]) == 2


def test_bench_kernels_breaks_the_quarter_down(tmp_path, capsys):
    """``bench --kernels N``: every kernel the quarter calls, and the rest, adding up to the
    whole quarter."""
    out = tmp_path / "kernels.json"
    assert main(["bench", "--kernels", "300", "--json", str(out)]) == 0
    res = json.loads(out.read_text())
    from longjiang_abm.kernels import KERNELS

    called = set(res["kernels"])
    assert {"plan_firms", "update_shares", "innovate", "quarter_totals"} <= called <= set(KERNELS)
    total = res["ns_per_firm_quarter"]
    assert res["outside_kernels"] > 0 and all(0 < v < total for v in res["kernels"].values())
    assert res["quarters"] == 20 and {"close_year", "year_totals"} <= called  # year ends
    assert res["floor_ns_per_firm"] > 0 and np.isfinite(res["ratio_to_floor"])
    assert res["ratio_to_floor"] > 0
    # memory traffic: the firm columns each kernel reads and writes, per firm-quarter
    moved = res["bytes_per_firm_quarter"]
    assert set(moved) <= set(KERNELS) and all(v >= 0 for v in moved.values())
    assert moved["book_income"] > 100 and moved["produce"] > 0  # 2 calls, both counted
    assert moved.get("entry_counts", 0) == 0  # sector-sized arrays only
    out = capsys.readouterr().out
    assert "whole quarter" in out and "x floor" in out and "bytes / firm-quarter" in out
    assert res["commit"] and res["version"] and res["machine"]["cpus"] >= 1  # what it ran on
    # the references: the quarter's draws alone, and its bytes at the read bandwidth
    assert res["draws_ns_per_firm"] > 0
    assert res["draws_ratio_to_floor"] == pytest.approx(
        res["draws_ns_per_firm"] / res["floor_ns_per_firm"]
    )
    assert res["read_gb_per_s"] > 0
    assert res["traffic_ns_per_firm_quarter"] == pytest.approx(
        sum(moved.values()) / res["read_gb_per_s"]
    )
    assert 0 < res["bytes_touched_per_firm_quarter"] < sum(moved.values())  # writes once
    assert res["touched_ns_per_firm_quarter"] == pytest.approx(
        res["bytes_touched_per_firm_quarter"] / res["read_gb_per_s"]
    )
    assert "draws reference" in out and "read bandwidth" in out and "touched once" in out
    # the kernels that walk the table's rows, rerun with their rows in the cache
    cached = res["in_cache_ns_per_firm_quarter"]
    assert {"innovate", "quarter_totals", "year_totals"} <= set(cached) <= called
    assert not {"scatter_rows", "move_rows"} & set(cached)
    assert res["in_cache_total_ns_per_firm_quarter"] == pytest.approx(sum(cached.values()))
    floors = res["in_cache_floors_per_firm_quarter"]
    assert set(floors) == set(cached) and all(np.isfinite(v) for v in floors.values())
    assert res["in_cache_ratio_to_floor"] == pytest.approx(sum(floors.values()))
    assert res["in_cache_ratio_to_floor_pass"] == pytest.approx(
        res["in_cache_total_ns_per_firm_quarter"] / res["threads"] / res["floor_ns_per_firm"]
    )
    assert list(cached.values()) == sorted(cached.values(), reverse=True)
    assert res["in_cache_kernels_in_quarter_ns"] == pytest.approx(
        sum(res["kernels"][k] for k in cached)
    )
    assert np.isfinite(res["floor_in_cache_ns_per_firm"])
    flat = " ".join(out.split())  # the console wraps its lines
    assert "with their rows in the cache" in flat and "timed the same way" in flat
    assert main(["bench", "--kernels", "5"]) == 2  # too few firms: a clear error


def test_draws_reference_is_a_lower_bound_of_the_quarters_draws():
    """Counted on the plain-Python twins: the draws reference makes its stated 6 uniform or
    normal draws (hashes) and 3 exp per firm, and the model's quarter at least as many per
    living firm-quarter (the reference makes no draw or exp the model does not); the counting
    leaves the registered twins as they were."""
    from longjiang_abm import rng, twins
    from longjiang_abm.benchref import count_draws

    before = dict(twins._TWINS)
    hash_twin = twins.python_twin(rng.hash4)
    c = count_draws(n_firms=600, quarters=4)
    assert c["reference"] == {"hashes": 6.0, "exps": 3.0}
    assert c["model"]["hashes"] >= c["reference"]["hashes"]
    assert c["model"]["exps"] >= c["reference"]["exps"]
    assert c["model"]["hashes"] < 20 and c["model"]["exps"] < 20  # per firm, not per call
    assert twins._TWINS == before and twins.python_twin(rng.hash4) is hash_twin


def test_stream_pass_reads_every_eight_byte_column():
    """``stream_pass`` sums the first n rows of every 8-byte column (as uint64, wrapping), the
    columns eight at a time and the rest one at a time: numpy's sum of the same."""
    from longjiang_abm.benchref import Stream, stream_pass
    from longjiang_abm.state import FirmTable

    t = FirmTable(capacity=1000)
    gen = np.random.default_rng(3)
    for name in FIRM_COLUMNS:
        col = getattr(t, name)
        col[:] = gen.integers(0, 100, col.size).astype(col.dtype)
    n = 977
    eight = [getattr(t, k) for k, (d, _) in FIRM_COLUMNS.items() if np.dtype(d).itemsize == 8]
    assert len(eight) % 8 != 0  # both loops run
    expected = sum(int(c[:n].view(np.uint64).sum()) for c in eight) % 2**64
    blk = t.block
    for parts in (1, 2, 3):
        total = stream_pass(n=n, block=blk.block, start=blk.start, size=blk.size, parts=parts)
        assert int(total) == expected
    t.n = n
    assert Stream(t).run(passes=1) > 0


def test_traffic_counts_written_columns_twice():
    """Bytes per call: a firm column read counts its item size once, one written (assigned by
    index in the kernel's source) twice, times the rows walked; other arrays not at all."""
    from longjiang_abm.benchref import call_traffic, written_arguments
    from longjiang_abm.kernels import Kernels

    assert {"L"} <= written_arguments(Kernels.hire) and "L_req" not in written_arguments(
        Kernels.hire
    )
    cap, n = 50, 40
    args = dict(
        n=n,
        alive=np.ones(cap, bool),
        pref=np.zeros(cap, np.int16),
        L_req=np.zeros(cap),
        fill=np.ones(3),
        L=np.zeros(cap),
    )
    assert call_traffic(Kernels.hire, args, cap) == n * (1 + 2 + 8 + 2 * 8)
    assert call_traffic(Kernels.hire, args, cap, written=1) == n * (1 + 2 + 8 + 8)  # touched
    # a row kernel: every column of the rows it moves, read once and written twice
    from longjiang_abm.state import FirmTable

    t = FirmTable(capacity=cap)
    row_args = dict(m=3, rows=np.arange(3), n=n, **t.block.kernel_args())
    row_bytes = sum(np.dtype(d).itemsize for d, _ in FIRM_COLUMNS.values())  # 442
    assert call_traffic(Kernels.move_rows, row_args, cap) == 3 * row_bytes * n
    assert call_traffic(Kernels.move_rows, row_args, cap, written=1) == 2 * row_bytes * n


def test_in_cache_reruns_leave_the_model_as_a_run_without_them():
    """``bench --kernels`` reruns each cacheable kernel call on copies of windows of its rows
    (``bench_incache``): the model only ever sees its own calls, so its firm table and its
    record are those of a run that measured nothing, in the quarters measured and after them;
    the cost of every cacheable kernel of a year end's quarter is measured, the row lists'
    kernels are not. 20,000 firms: the windows spread over the rows in use."""
    from longjiang_abm.bench import _TimedKernels
    from longjiang_abm.bench_incache import CACHEABLE, InCache
    from longjiang_abm.benchref import Floor
    from longjiang_abm.kernels import KERNELS, load

    assert CACHEABLE <= set(KERNELS)
    plain = LongjiangModel(seed=4, n_firms=20000, check_accounts=False)
    timed = _TimedKernels(load("numba"))
    measured = LongjiangModel(seed=4, n_firms=20000, check_accounts=False, kernels=timed)
    for model in (plain, measured):
        for _ in range(3):
            model.step()
    timed.in_cache = InCache(measured.firms.capacity, measured.firms.n, Floor(20000))
    assert timed.in_cache.rows == 4096
    for quarter in (4, 5):  # the year end (every kernel), then a quarter measuring nothing
        if quarter == 5:
            timed.in_cache, in_cache = None, timed.in_cache
        for model in (plain, measured):
            model.step()
        for name in FIRM_COLUMNS:
            np.testing.assert_array_equal(
                getattr(plain.firms, name)[: plain.firms.n],
                getattr(measured.firms, name)[: measured.firms.n],
                err_msg=f"{name}, quarter {quarter}",
            )
        assert plain.quarterly_frame().equals(measured.quarterly_frame())
    costs = in_cache.ns_rows
    assert {"plan_firms", "innovate", "quarter_totals", "close_year", "liquidate"} <= set(costs)
    assert set(costs) <= CACHEABLE and "scatter_rows" not in CACHEABLE
    assert not {"move_rows", "draw_entrants", "unit_cost"} & set(costs)
    assert all(np.isfinite(v) for v in costs.values())
    assert set(in_cache.floor_rows) == set(costs)  # each also in floor kernels
    assert len(in_cache.floor_ns) == sum(in_cache.calls.values()) and in_cache.calls["produce"] == 2
    assert all(f > 0 for f in in_cache.floor_ns)


def test_cacheable_kernels_read_only_the_rows_of_their_window():
    """Every kernel of ``bench_incache.CACHEABLE``, called on windows of a year end's calls
    (the first and the last rows in use), on its plain-Python twin, where an index past the
    window's copies raises instead of reading the heap as a numba kernel would: none does."""
    from longjiang_abm.bench_incache import CACHEABLE, windows
    from longjiang_abm.kernels import load

    calls, capacity = [], []  # capacity: set for the year end's quarter

    class Capture:
        def __init__(self, kernels):
            self._kernels = kernels

        def __getattr__(self, name):
            kernel = getattr(self._kernels, name)

            def call(**kwargs):
                if name in CACHEABLE and capacity:
                    calls.append((name, windows(kwargs, capacity[0], 1024, count=2)))
                return kernel(**kwargs)

            return call

    model = LongjiangModel(seed=6, n_firms=3000, check_accounts=False, kernels=Capture(load()))
    for _ in range(3):
        model.step()
    capacity.append(model.firms.capacity)
    model.step()
    assert {name for name, _ in calls} == CACHEABLE  # a year end calls every one of them
    twins = load("python")
    for name, inputs in calls:
        for w in inputs:
            assert w["n"] == 1024
            getattr(twins, name)(**w)  # an IndexError here: a read past the window
    hire = next(inputs[0] for name, inputs in calls if name == "hire")
    with pytest.raises(IndexError):  # what a read past the window does on the twin
        twins.hire(**{**hire, "n": 1025})


def test_snapshot_copies_a_window_of_rows_and_walks_only_those():
    """A window of a call's inputs: the row arrays' rows ``start`` to ``start + rows`` as new
    arrays (the firm columns and row-sized temporaries), every other array copied whole, and
    ``n`` set to the window's rows, so a rerun never reads past the copies."""
    from longjiang_abm.bench_incache import cacheable, marginal_ns_per_row, snapshot, windows
    from longjiang_abm.kernels import Kernels

    cap, n = 50, 40
    args = dict(
        n=n,
        alive=np.ones(cap, bool),
        pref=np.arange(cap, dtype=np.int16) % 3,
        L_req=np.arange(n, dtype=float),  # a temporary of the rows walked
        fill=np.full(3, 0.5),
        L=np.zeros(cap),
    )
    assert cacheable("hire", args) and not cacheable("scatter_rows", args)
    w = snapshot(args, cap, rows=8, start=20)
    assert w["n"] == 8 and args["n"] == n
    np.testing.assert_array_equal(w["L_req"], np.arange(20, 28.0))
    np.testing.assert_array_equal(w["pref"], args["pref"][20:28])
    assert w["fill"] is not args["fill"] and w["fill"].size == 3
    assert not any(np.shares_memory(w[k], args[k]) for k in ("alive", "pref", "L", "fill"))
    Kernels.hire(**w)
    np.testing.assert_array_equal(w["L"], 0.5 * np.arange(20, 28.0))  # hire: L = fill L_req
    assert np.all(args["L"] == 0.0)  # the call's own arrays untouched
    assert np.isfinite(marginal_ns_per_row(Kernels.hire, w, rows=8, repeats=2))
    starts = [int(x["L_req"][0]) for x in windows(args, cap, rows=8)]  # L_req[i] = i
    assert starts == [0, 4, 9, 13, 18, 22, 27, 32]  # evenly spaced, the last ends at row n
    assert [int(x["L_req"][0]) for x in windows(args, cap, rows=40, count=3)] == [0, 0, 0]


FAULTS = """
import resource, sys
from longjiang_abm import memory
from longjiang_abm.runner import run
if sys.argv[1] == "reuse":
    memory.reuse_heap()
run(None, seed=1, n_firms=20000, years=1, check_accounts=False)
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
run(None, seed=2, n_firms=20000, years=1, check_accounts=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0)
"""


@pytest.mark.skipif(
    getattr(memory._LIBC, "mallopt", None) is None, reason="glibc's mallopt is not available"
)
def test_reuse_heap_undoes_the_malloc_setting_of_dasks_workers():
    """Under Dask's ``MALLOC_TRIM_THRESHOLD_=65536`` (glibc's mmap threshold then stays at
    128 kB) every population-sized temporary of a 20,000-firm run is mapped and faulted in
    afresh; after ``memory.reuse_heap`` (the sweeps' warm-up) the run faults in a third as
    many pages (measured: 10,500 against 3,400; a plain process: 4,000)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    faults = {}
    for mode in ("dask", "reuse"):
        p = subprocess.run(
            [sys.executable, "-c", FAULTS, mode], env=env, capture_output=True, text=True
        )
        assert p.returncode == 0, p.stderr
        faults[mode] = int(p.stdout.split()[-1])
    assert 2 * faults["reuse"] < faults["dask"], faults


def test_the_command_line_parser_imports_no_heavy_library():
    """``longjiang run`` builds the parser of every command: their modules must not import
    scipy.stats, pyabc, matplotlib or statsmodels at the top (0.3-1 s on every command;
    docs/performance.md, "Where the time goes", items 8 and 21)."""
    import subprocess
    import sys

    code = (
        "import sys, longjiang_abm.cli as c; c._parser(); "
        "print(' '.join(m for m in ('scipy.stats', 'pyabc', 'matplotlib', 'statsmodels', "
        "'scoringrules', 'SALib') if m in sys.modules))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "", f"the parser imported {p.stdout.strip()}"
