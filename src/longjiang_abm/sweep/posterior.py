"""A sweep over a posterior (``[sweep] posterior = FILE`` or ``--posterior FILE``): parameter and
seed uncertainty together, as in the ensembles (``ensemble.run_ensemble(..., posterior=)``).

- Each run's seed draws one particle of the posterior file of ``longjiang calibrate``, by the
  rule of ``longjiang run --posterior`` (``calibrate.posterior.pick``: particle i with
  probability weight_i, from a generator seeded by (seed, 2018)). With common seeds (the
  default) replicate r runs the same parameter set at every design point, so the differences
  between points stay paired.
- A factor of the sweep takes the design's values: the drawn value of a swept key is dropped
  (listed as ``overridden`` in the manifest), as ``--set`` wins over the draw in ``longjiang run``.
- The draws are made once, when the sweep is planned, and written into the manifest (each
  planned run's ``particle`` and ``drawn`` values; the file's name, SHA-256 and size of the
  posterior under ``posterior``): workers, job-array tasks and resumed sessions never draw again
  and never read the file.
- The file's SHA-256 is part of the sweep's identity: resuming with another posterior (or with
  the file changed since) is refused, so the runs of one sweep never mix draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..checksums import sha256_file
from ..errors import UserError
from .spec import SweepError


@dataclass(frozen=True)
class Posterior:
    """A posterior file read and checked: its particles, metadata and SHA-256."""

    path: Path
    frame: pd.DataFrame
    meta: dict
    sha256: str

    @property
    def keys(self) -> list[str]:
        return list(self.meta["estimated"])

    def draw(self, seed: int) -> tuple[int, dict]:
        """(particle, {key: value}) drawn by run seed ``seed`` (as ``posterior.draw``)."""
        from ..calibrate.posterior import pick

        i = pick(self.frame, seed)
        row = self.frame.iloc[i]
        particle = int(row["particle"]) if "particle" in self.frame else i
        return particle, {k: float(row[k]) for k in self.keys}


def attach(sweep, posterior: str | Path | None = None):
    """``sweep`` with its posterior: ``posterior`` (``--posterior``), else the sweep file's
    ``[sweep] posterior`` (a relative path from the current folder, else from the sweep file's
    folder), read and checked here, before any run."""
    from .spec import _resolve_scenario_path

    if posterior:
        sweep.posterior_path = Path(posterior)
    elif sweep.sweep.posterior:
        sweep.posterior_path = _resolve_scenario_path(sweep.sweep.posterior, sweep.path)
        sweep.posterior_from_file = True
    load_posterior(sweep)
    return sweep


def load_posterior(sweep) -> Posterior | None:
    """The posterior of ``sweep`` (None without one), read once; a file that is missing, not a
    posterior, or estimates a key that is no numeric scenario parameter raises a SweepError
    naming it (and the sweep file's key when it comes from there)."""
    if sweep.posterior_path is None:
        return None
    cached = getattr(sweep, "_posterior", None)
    if cached is not None:
        return cached
    from ..calibrate.posterior import read
    from .spec import _scenario_field

    path = sweep.posterior_path
    where = f"{sweep.path}: key 'sweep.posterior': " if sweep.posterior_from_file else ""
    if path.is_dir():
        raise SweepError(f"{where}{path}: is a folder, not a posterior file")
    try:
        frame, meta = read(path)
    except UserError as exc:
        raise SweepError(f"{where}{exc}") from None
    for key in meta["estimated"]:
        try:
            _scenario_field(key)
        except KeyError as exc:
            raise SweepError(f"{where}{path}: estimated key '{key}': {exc.args[0]}") from None
    post = Posterior(path, frame, meta, sha256_file(path))
    sweep._posterior = post
    return post


def draws(sweep, seeds) -> dict[int, tuple[int, dict]]:
    """{seed: (particle, drawn values of the keys that are not swept)} for every seed in
    ``seeds`` ({} without a posterior)."""
    post = load_posterior(sweep)
    if post is None:
        return {}
    out = {}
    for seed in sorted({int(s) for s in np.asarray(seeds).ravel()}):
        particle, values = post.draw(seed)
        out[seed] = (particle, {k: v for k, v in values.items() if k not in sweep.factors})
    return out


def manifest_record(sweep) -> dict | None:
    """The manifest's ``posterior`` block: the file, its SHA-256 and size, the estimated keys,
    the swept ones among them (``overridden``: they take the design's values), the number of
    particles, their effective sample size, and the calibration's version and commit."""
    post = load_posterior(sweep)
    if post is None:
        return None
    w = post.frame["weight"].to_numpy(dtype=float)
    w = w / w.sum()
    return {
        "file": str(post.path),
        "sha256": post.sha256,
        "bytes": post.path.stat().st_size,
        "estimated": post.keys,
        "overridden": [k for k in post.keys if k in sweep.factors],
        "particles": len(post.frame),
        "ess": float(1.0 / np.sum(w**2)),
        "calibration": {k: post.meta.get(k) for k in ("version", "commit") if k in post.meta},
    }


def check_same_posterior(manifest: dict, sweep, out: Path) -> None:
    """Refuse to resume the sweep in ``out`` with another posterior than the one it was planned
    with (or with one when it had none, or none when it had one): its runs would mix draws."""
    old = manifest.get("posterior") or None
    post = load_posterior(sweep)
    new_sha = post.sha256 if post is not None else None
    old_sha = old.get("sha256") if isinstance(old, dict) else None
    if old_sha == new_sha:
        return
    if old is None:
        raise SweepError(
            f"{out}: planned without a posterior; resuming with {post.path} would mix fixed and "
            "drawn parameters: resume without it, or choose another --out"
        )
    planned = f"{old.get('file')} (sha256 {str(old_sha)[:12]})"
    if post is None:
        raise SweepError(
            f"{out}: planned with the posterior {planned}; resume with the same "
            "posterior (--posterior or [sweep] posterior), or choose another --out"
        )
    raise SweepError(
        f"{post.path}: sha256 {new_sha[:12]} is not the posterior {planned} that the sweep in "
        f"{out} was planned with; its runs must not mix draws: resume with that file, or "
        "choose another --out"
    )


def uncertainty(manifest: dict) -> str:
    """What the spread across a sweep's replications holds, for its tables and figures."""
    post = manifest.get("posterior")
    if not post:
        return "seed uncertainty only (parameters not swept at the base scenario's values)"
    from ..ensemble import uncertainty as ensemble_uncertainty

    text = ensemble_uncertainty(post["file"])
    if post.get("overridden"):
        text += f"; swept keys at the design's values ({', '.join(post['overridden'])})"
    return text


__all__ = [
    "Posterior",
    "attach",
    "check_same_posterior",
    "draws",
    "load_posterior",
    "manifest_record",
    "uncertainty",
]
