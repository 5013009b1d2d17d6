"""The scenario files the UI offers: the ``*.toml`` files of the repository's ``params/``."""

from __future__ import annotations

import os
from pathlib import Path

from ..params import ScenarioError, load_scenario

ENV_DIR = "LONGJIANG_PARAMS_DIR"
PACKAGED = "(packaged baseline)"  # the schema's defaults, always offered


def params_dir() -> Path | None:
    """``$LONGJIANG_PARAMS_DIR``, else ``./params``, else the ``params/`` of the source tree."""
    candidates = []
    if os.environ.get(ENV_DIR):
        candidates.append(Path(os.environ[ENV_DIR]))
    candidates.append(Path.cwd() / "params")
    candidates.append(Path(__file__).resolve().parents[3] / "params")
    for c in candidates:
        if c.is_dir() and any(c.glob("*.toml")):
            return c
    return None


def scenario_files() -> dict[str, Path | None]:
    """File name -> path, ``baseline.toml`` first, then the packaged baseline (the schema's
    defaults, path None) last."""
    d = params_dir()
    files = sorted(d.glob("*.toml")) if d is not None else []
    out: dict[str, Path | None] = {}
    for p in sorted(files, key=lambda p: (p.name != "baseline.toml", p.name)):
        out[p.name] = p
    out[PACKAGED] = None
    return out


def check_scenario_files() -> int:
    """Load every scenario file the UI offers (raises ScenarioError naming the file and key of
    the first bad one; a ``$LONGJIANG_PARAMS_DIR`` that is not a folder is an error too).
    Returns how many files were checked."""
    env = os.environ.get(ENV_DIR)
    if env and not Path(env).is_dir():
        raise ScenarioError(f"${ENV_DIR}={env}: not a folder of scenario files")
    files = [p for p in scenario_files().values() if p is not None]
    for p in files:
        load_scenario(p)
    return len(files)
