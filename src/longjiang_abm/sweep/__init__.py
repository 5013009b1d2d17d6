"""Parameter sweeps: sweep files, SALib designs, Dask executors, resumable Parquet results.

    from longjiang_abm.sweep import load_sweep, run_sweep, analyze_sweep
    summary = run_sweep("experiments/sweeps/neutrality_x_coconstruction.toml", "results/grid")
    analyze_sweep("results/grid")          # tables and figures in results/grid/analysis/

Modules: ``spec`` (the sweep file schema), ``design`` (design points, seeds, run ids),
``execute`` (Dask executors and the sweep loop), ``task`` (the single-run function),
``store`` (the sweep folder: manifest, run files), ``analyze`` (SALib indices, heatmaps),
``array`` (a SLURM / PBS job-array worker calling the same single-run function),
``posterior`` (a sweep over the calibration's posterior: one parameter draw per seed).
"""

from __future__ import annotations

from typing import Any

from .spec import Sweep, SweepError, load_sweep

__all__ = ["Sweep", "SweepError", "analyze_sweep", "load_sweep", "read_runs", "run_sweep"]


def __getattr__(name: str) -> Any:
    # Dask, SALib and matplotlib are imported only when a sweep is run or analysed
    if name == "run_sweep":
        from .execute import run_sweep

        return run_sweep
    if name == "analyze_sweep":
        from .analyze import analyze_sweep

        return analyze_sweep
    if name == "read_runs":
        from .store import read_runs

        return read_runs
    raise AttributeError(name)
