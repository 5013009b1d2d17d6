"""``longjiang analyze DIR``: tables (CSV) and figures (PNG) in ``DIR/analysis/``.

For every design:
- ``point_summary.csv``: mean, sd and count across replications of each output, per point and year;
- ``targets.csv``: per point, the probability across replications of reaching each target of the
  strategy by year 5 and year 10 (or the last simulated year): secondary share >= 35% of GDP and
  5000 above-scale firms. "Reached by year N" means met in at least one year up to the N-th
  simulated year (year 1 = 2019). The above-scale target is a count of single firms, so in a
  reduced population (``firms`` below 35,000) it is scaled by firms / 35,000 (the column
  ``threshold`` records the value used).

By design:
- grid: heatmaps over each pair of factors of the target probabilities (``grid_prob_*.png``,
  averaged over any other factors) and of the mean outputs (``grid_mean_*.png``,
  ``grid_means.csv``);
- sobol: first-order and total Sobol indices with 95% confidence intervals (SALib
  ``sobol.analyze`` on the replication means), per output and year (``sobol_indices.csv``,
  ``sobol_<year>.png``, ``sobol_total_by_year.png``);
- morris: Morris mu, mu*, sigma and mu* confidence interval (``morris_indices.csv``,
  ``morris_<year>.png``);
- lhs: RBD-FAST first-order indices (``rbd_fast_indices.csv``) and scatter plots
  (``lhs_scatter_<year>.png``).

``uncertainty.txt`` (and a footnote on every figure) says what the spread across replications
holds: seed uncertainty only, or, in a sweep over a posterior, parameter and seed uncertainty.
"""

from __future__ import annotations

from pathlib import Path

from . import store
from .analysis import (
    HORIZONS,
    TARGETS,
    _require_complete,
    load,
    morris_table,
    point_summary,
    rbd_fast_table,
    sobol_table,
    target_table,
    thresholds,
)
from .execute import unique_runs
from .plots import grid_outputs, lhs_figure, morris_figure, sobol_figures
from .posterior import uncertainty


def sobol_outputs(manifest, data, factors, outputs, folder: Path, note: str) -> list[Path]:
    table, second = sobol_table(manifest, data, factors, outputs)
    written = [folder / "sobol_indices.csv"]
    table.to_csv(written[0], index=False)
    if len(second):
        second.to_csv(folder / "sobol_second_order.csv", index=False)
        written.append(folder / "sobol_second_order.csv")
    years = sorted(data["year"].unique())
    return written + sobol_figures(table, years, factors, outputs, folder, note)


def morris_outputs(manifest, data, factors, outputs, folder: Path, note: str) -> list[Path]:
    table = morris_table(manifest, data, factors, outputs)
    written = [folder / "morris_indices.csv"]
    table.to_csv(written[0], index=False)
    years = sorted(data["year"].unique())
    return written + morris_figure(table, years, outputs, folder, note)


def lhs_outputs(manifest, data, factors, outputs, folder: Path, note: str) -> list[Path]:
    written = [folder / "rbd_fast_indices.csv"]
    rbd_fast_table(manifest, data, factors, outputs).to_csv(written[0], index=False)
    return written + lhs_figure(manifest, data, factors, outputs, folder, note)


def analyze_sweep(out: str | Path) -> dict:
    """Write the analysis of the sweep in ``out`` to ``out/analysis/``; return what was written."""
    out = Path(out)
    manifest, data = load(out)
    kind = manifest["design"]["kind"]
    factors = manifest["design"]["factors"]
    outputs = manifest["sweep"]["sweep"]["outputs"]
    if kind in ("sobol", "morris"):
        _require_complete(manifest, out)
    folder = out / "analysis"
    folder.mkdir(exist_ok=True)
    note = uncertainty(manifest)
    (folder / "uncertainty.txt").write_text(f"spread across replications: {note}\n")
    written = [folder / "uncertainty.txt"]
    summary = point_summary(data, factors, outputs)
    summary.to_csv(folder / "point_summary.csv", index=False)
    written.append(folder / "point_summary.csv")
    targets = target_table(manifest, data, factors, outputs)
    if not targets.empty:
        targets.to_csv(folder / "targets.csv", index=False)
        written.append(folder / "targets.csv")
    if kind == "grid":
        written += grid_outputs(manifest, data, targets, factors, outputs, folder, note)
    elif kind == "sobol":
        written += sobol_outputs(manifest, data, factors, outputs, folder, note)
    elif kind == "morris":
        written += morris_outputs(manifest, data, factors, outputs, folder, note)
    elif kind == "lhs":
        written += lhs_outputs(manifest, data, factors, outputs, folder, note)
    planned = len(unique_runs(manifest))
    finished = len(store.finished_ids(out) & {r["run_id"] for r in manifest["runs"]})
    return {
        "kind": kind,
        "folder": folder,
        "files": written,
        "planned": planned,
        "finished": finished,
        "targets": targets,
        "uncertainty": note,
    }


__all__ = ["HORIZONS", "TARGETS", "analyze_sweep", "load", "target_table", "thresholds"]
