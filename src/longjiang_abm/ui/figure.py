"""``Vega``: a Solara component that shows a Vega-Lite spec (a dict) or an Altair chart.

Unlike ``solara.FigureAltair`` it does not validate the whole spec against the Vega-Lite schema
on every frame (the charts are validated once, in the tests), which keeps a redraw cheap. The
browser draws the chart with Vega-Lite's JavaScript, which the Solara server fetches once from
cdn.jsdelivr.net and caches (see docs/ui.md for machines without access).
"""

from __future__ import annotations

import solara
import solara.widgets


@solara.component
def Vega(spec, classes: list[str] | None = None):
    if hasattr(spec, "to_dict"):
        spec = spec.to_dict(validate=False)
    with solara.Div(classes=["lj-chart", *(classes or [])]) as main:
        solara.widgets.VegaLite.element(spec=spec, listen_to_click=False, listen_to_hover=False)
    return main
