"""The diagnostics of a calibration: posterior predictive runs, tables, figures, and the section
of docs/calibration.md between ``BEGIN`` and ``END`` that ``longjiang calibrate`` rewrites."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..ensemble import markdown_table
from .observed import STATISTICS, USED
from .posterior import STAT_PREFIX, summary
from .priors import BY_KEY, Prior, baseline_value
from .statistics import N_FIRMS, run_statistics

BEGIN = "<!-- calibrate:begin (written by `longjiang calibrate`; do not edit by hand) -->"
END = "<!-- calibrate:end -->"
PREDICTIVE_SEED = 50_000  # run seeds of the posterior predictive runs: 50000, 50001, ...


def _predictive_job(job) -> dict:
    values, seed, n_firms = job
    return run_statistics(values, seed, n_firms)


def predictive(frame: pd.DataFrame, keys: list[str], n: int, n_firms=N_FIRMS, workers=1):
    """Statistics of ``n`` new runs, each at a parameter set drawn from the posterior (by
    weight, generator seeded 2018) with a fresh model seed: the posterior predictive sample."""
    w = frame["weight"].to_numpy(dtype=float)
    idx = np.random.default_rng(2018).choice(len(frame), size=n, p=w / w.sum())
    jobs = [
        ({k: float(frame[k].iloc[i]) for k in keys}, PREDICTIVE_SEED + j, n_firms)
        for j, i in enumerate(idx)
    ]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            rows = list(pool.map(_predictive_job, jobs))
    else:
        rows = [_predictive_job(j) for j in jobs]
    return pd.DataFrame(rows)


def prior_sd(p: Prior) -> float:
    if p.mean is None:
        return (p.upper - p.lower) / np.sqrt(12)
    from scipy import stats as st  # here: the CLI's parser imports this module (0.35 s)

    a, b = (p.lower - p.mean) / p.sd, (p.upper - p.mean) / p.sd
    return float(st.truncnorm(a, b, loc=p.mean, scale=p.sd).std())


def reading(ratio: float) -> str:
    """Identification from posterior sd / prior sd."""
    if ratio < 0.5:
        return "pinned down"
    if ratio < 0.8:
        return "partly"
    return "not identified"


def parameter_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    s = summary(frame, keys)
    rows = []
    for k in keys:
        p = BY_KEY[k]
        ratio = s.loc[k, "sd"] / prior_sd(p)
        rows.append(
            {
                "parameter": f"`{k}`",
                "prior": p.describe(),
                "packaged": baseline_value(k),
                "posterior mean": s.loc[k, "mean"],
                "sd": s.loc[k, "sd"],
                "5%": s.loc[k, "q05"],
                "95%": s.loc[k, "q95"],
                "sd / prior sd": ratio,
                "reading": reading(ratio),
            }
        )
    out = pd.DataFrame(rows).set_index("parameter")
    out.attrs["ess"] = s.attrs["ess"]
    return out


def predictive_table(pred: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for s in STATISTICS:
        x = pred[s.name].to_numpy(dtype=float)
        acc = frame.get(STAT_PREFIX + s.name)
        lo, hi = np.nanquantile(x, [0.05, 0.95])
        rows.append(
            {
                "statistic": s.name,
                "used": "yes" if s.used else "no (check)",
                "data": s.value,
                "data se": s.se,
                "accepted runs (mean)": float(np.average(acc, weights=frame["weight"]))
                if acc is not None
                else np.nan,
                "predictive mean": float(np.nanmean(x)),
                "predictive 5%": lo,
                "predictive 95%": hi,
                "z": (np.nanmean(x) - s.value) / np.sqrt(s.se**2 + np.nanvar(x)),
            }
        )
    return pd.DataFrame(rows).set_index("statistic")


def marginals_figure(frame: pd.DataFrame, keys: list[str], path: Path) -> Path:
    """Prior density (line) and posterior histogram (weighted) of every estimated parameter."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(keys)
    cols = min(4, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    w = frame["weight"].to_numpy(dtype=float)
    for ax, k in zip(axes.flat, keys, strict=False):
        p = BY_KEY[k]
        grid = np.linspace(p.lower, p.upper, 200)
        rv = p.rv()
        ax.plot(grid, [rv.pdf(g) for g in grid], color="0.4", lw=1, label="prior")
        ax.hist(frame[k], bins=20, range=(p.lower, p.upper), weights=w, density=True,
                color="tab:red", alpha=0.6, label="posterior")  # fmt: skip
        ax.axvline(baseline_value(k), color="k", ls=":", lw=1, label="packaged")
        ax.set_title(k.split(".")[1], fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pairs_figure(frame: pd.DataFrame, keys: list[str], path: Path) -> Path:
    """Weighted pair scatter of the parameters the data pin down best (at most six)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(keys)
    fig, axes = plt.subplots(n, n, figsize=(1.9 * n + 1, 1.9 * n + 1), squeeze=False)
    w = frame["weight"].to_numpy(dtype=float)
    size = 40 * w / w.max()
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            ax = axes[i, j]
            if i == j:
                ax.hist(frame[a], bins=15, weights=w, color="tab:red", alpha=0.6)
            elif i > j:
                ax.scatter(frame[b], frame[a], s=size, alpha=0.5, color="tab:red", lw=0)
            else:
                ax.axis("off")
            ax.tick_params(labelsize=6)
            if i == n - 1:
                ax.set_xlabel(b.split(".")[1], fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(a.split(".")[1], fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def observed_table() -> pd.DataFrame:
    rows = [
        {"statistic": s.name, "what": s.label, "data": s.value, "se": s.se,
         "used": "yes" if s.used else "no", "source": s.source}
        for s in STATISTICS
    ]  # fmt: skip
    return pd.DataFrame(rows).set_index("statistic")


def prior_table(keys: list[str]) -> pd.DataFrame:
    rows = [
        {"parameter": f"`{k}`", "prior": BY_KEY[k].describe(), "source": BY_KEY[k].source}
        for k in keys
    ]
    return pd.DataFrame(rows).set_index("parameter")


def section(
    meta: dict,
    screening: pd.DataFrame,
    params: pd.DataFrame,
    pred: pd.DataFrame,
    figures,
    recovered: pd.DataFrame,
) -> str:
    """The markdown of the docs section (between BEGIN and END)."""
    gens = pd.DataFrame(meta["generations"]).set_index("generation")
    final = meta["final_epsilon"]
    target = meta["epsilon_target"]
    exact = (
        f"the tolerance reached its target, {target:.2f} (the distance the data's measurement "
        "error alone would give)"
        if final <= target + 1e-9
        else f"the budget ran out at tolerance {final:.2f}, above its target {target:.2f} (the "
        "distance the data's measurement error alone would give): the accepted runs lie "
        f"within {final:.2f} data standard errors of the record (Euclidean over the "
        f"{len(USED)} used statistics), so the posterior is wider than the data "
        "alone would make it"
    )
    screen = screening[["max", "influential"]].rename(
        columns={"max": "largest scaled mu*", "influential": "estimated"}
    )
    lines = [
        BEGIN,
        "",
        f"Command: `{meta['command']}` (commit {meta['commit']}, {meta['created']}). "
        f"{meta['n_firms']:,} firms"
        + (" (the whole population)" if meta["n_firms"] == 35_000 else "")
        + f", {meta['years']} years per run; "
        f"{meta['simulations']:,} runs in {meta['runtime_s'] / 60:.1f} minutes on "
        f"{meta['sampler']}, plus {meta['screening_runs']} screening and "
        f"{meta['predictive_runs']} posterior predictive runs; {exact}. Effective sample size "
        f"of the final population: {params.attrs['ess']:.0f} of {meta['population']}.",
        "",
        "**Screening** (Morris, SALib; scaled mu*: how many units of the statistic's data "
        "standard error and one run's noise, combined, a move across the prior's whole range "
        "shifts the most sensitive statistic, at the local slopes of the Morris grid; "
        f"estimated when >= {meta['threshold']:g}; "
        "the others stay at their packaged values):",
        "",
        markdown_table(screen, "{:.2f}"),
        "",
        "**Statistics** (the record; `se`: its standard error, the unit of the distance "
        "between a run and the record):",
        "",
        markdown_table(observed_table(), "{:.4g}"),
        "",
        "**Priors** of the estimated parameters:",
        "",
        markdown_table(prior_table(meta["estimated"]), "{}"),
        "",
        "**Generations** (tolerance epsilon, particles accepted, runs):",
        "",
        markdown_table(gens, "{:.3g}"),
        "",
        "**Posterior** (weighted; `sd / prior sd` below 0.5: the data pin the parameter down, "
        "0.5-0.8: partly, above 0.8: the data do not identify it and the prior carries it):",
        "",
        markdown_table(params, "{:.4g}"),
        "",
        "**Posterior predictive checks** (new runs at parameter sets drawn from the posterior, "
        "fresh seeds: their spread holds parameter and seed uncertainty; `accepted runs`: the "
        "statistics of the accepted particles, which are pulled towards the data by the "
        "acceptance; z: predictive mean minus data over the combined sd; statistics marked "
        "'no' were not used and check the model out of sample):",
        "",
        markdown_table(pred, "{:.4g}"),
        "",
        *[f"![{name}]({rel})" for name, rel in figures],
        "",
        "**Recovery on synthetic data** (`calibrate/recovery.py`, also "
        "`tests/test_calibrate.py::test_recovery_on_synthetic_data`): one run at known values "
        f"of two parameters ({meta['recovery']['n_firms']:,} firms) is the record, the others "
        "at their packaged values; the same estimation with a small budget (final tolerance "
        f"{recovered.attrs['final_epsilon']:.2f}) must cover the truth with its 90% "
        "interval and narrow the prior at least by half. It checks the machinery on parameters "
        "the statistics identify, not the identification of all estimated parameters at once:",
        "",
        markdown_table(recovered, "{:.4g}"),
        "",
        END,
    ]
    return "\n".join(lines)


def replace_section(
    doc: Path,
    text: str,
    begin: str = BEGIN,
    end: str = END,
    heading: str = "# Calibration\n\n## 4 Bayesian calibration (ABC-SMC)",
) -> None:
    """Replace the text between ``begin`` and ``end`` in ``doc`` (``text`` holds both markers);
    a new ``doc`` gets ``heading`` and the section."""
    old = doc.read_text() if doc.exists() else ""
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        tail = rest.split(end, 1)[1]
        new = head + text + tail
    else:
        new = (old.rstrip("\n") + "\n\n" if old else "") + heading + "\n\n" + text + "\n"
    tmp = doc.with_name(doc.name + ".tmp")
    tmp.write_text(new)
    tmp.replace(doc)
