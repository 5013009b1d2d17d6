"""The documents cite only data the repository holds (src/longjiang_abm/data/)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "longjiang_abm" / "data"
CITING = [
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "README.md",
    *sorted((ROOT / "src" / "longjiang_abm").rglob("*.py")),
    *sorted((ROOT / "src" / "longjiang_abm" / "tables").glob("*.csv")),
]


def test_cited_data_files_are_in_the_repository():
    cited = set()
    for path in CITING:
        text = path.read_text(encoding="utf-8")
        assert "/work/shared" not in text and "shared/data" not in text, path
        cited |= set(re.findall(r"src/longjiang_abm/data/([\w.]+\.csv)", text))
    assert {"province_macro_2015_2019.csv", "stylized_facts.csv", "prefectures.csv"} <= cited
    for name in cited:
        assert (DATA / name).is_file(), name


def test_every_fact_has_a_source():
    for path in sorted(DATA.glob("*.csv")):
        df = pd.read_csv(path)
        assert len(df), path
        if "source" in df.columns:
            assert df["source"].notna().all(), path
