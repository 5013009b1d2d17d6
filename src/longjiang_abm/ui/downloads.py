"""CSV downloads of the page's tables (Solara's ``FileDownload``), and the tables themselves.

Each download is built when its button is pressed, from the run as it is then:

- ``kpis-<scenario>-<seed>-<quarter>.csv``: the run's KPI table by year (the columns of
  ``longjiang run``'s ``kpis.csv``) or, before a year is complete, by quarter;
- ``quarterly-...csv``: the page's quarterly measures of the run (the lines it draws);
- ``comparison-...csv``: the Compare tab's table (this run, the reference, the difference);
- ``levers-...csv``: the History tab's lever changes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pandas as pd
import solara

from .snapshot import Snapshot


def history_table(snap: Snapshot) -> pd.DataFrame:
    """Lever changes of the run: from which quarter, lever, old and new value."""
    rows = []
    for label, changes in snap.history:
        if not changes:
            rows.append(
                {"from quarter": label, "lever": "(start: all levers at 0)", "old": "", "new": ""}
            )
        for lever, (old, new) in changes.items():
            rows.append(
                {
                    "from quarter": label,
                    "lever": lever,
                    "old": "" if old is None else f"{old:g}",
                    "new": f"{new:g}",
                }
            )
    return pd.DataFrame(rows, columns=["from quarter", "lever", "old", "new"])


def kpi_table(session) -> pd.DataFrame:
    """The run's KPIs by year (as ``kpis.csv``), or by quarter before a year is complete."""
    with session.lock:
        m = session.model
        if m.quarter >= 4:
            return m.kpis()
        return m.quarterly_frame()


def csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False)


def _name(kind: str, snap: Snapshot) -> str:
    scenario = re.sub(r"[^\w.-]+", "_", snap.scenario.removesuffix(".toml"))
    return f"{kind}-{scenario}-{snap.seed}-{snap.label}.csv"


@solara.component
def CsvButton(kind: str, snap: Snapshot, table: Callable[[], pd.DataFrame], label: str):
    """A download button for the table ``table()`` (built when pressed)."""
    solara.FileDownload(
        lambda: csv_text(table()),
        filename=_name(kind, snap),
        label=label,
        mime_type="text/csv",
        children=[
            solara.Button(
                label,
                icon_name="mdi-download",
                text=True,
                small=True,
                classes=[f"lj-download-{kind}"],
            )
        ],
    )


def _inline(text: str) -> str:
    """HTML of a line with **bold** marks (the page's only markup; escaped otherwise)."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


@solara.component
def Prose(text: str, style: str = "font-size: 14px; margin: 6px 0"):
    """A paragraph with **bold** marks, drawn as plain HTML: Solara's Markdown would load
    KaTeX and mermaid into the page, which the page does not need."""
    solara.HTML(tag="div", unsafe_innerHTML=_inline(text), style=style)
