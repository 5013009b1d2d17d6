"""Security: files are read as data, the UI reads only its offered scenarios and binds locally.

(Scenario and sweep files with Python in them: test_bad_input.py; the UI's warning for other
hosts: test_ui.py::test_serve_warns_for_other_hosts_and_refuses_a_busy_port.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from longjiang_abm import cli
from longjiang_abm.params import ScenarioError

SRC = Path(__file__).resolve().parents[1] / "src" / "longjiang_abm"
# what would execute or unpickle data read from a file
FORBIDDEN = re.compile(
    r"\bimport pickle\b|\bpickle\.|\bcloudpickle\b|\bdill\b|(?<![\w.])eval\(|(?<![\w.])exec\(|"
    r"yaml\.load\(|__import__\(|importlib\.import_module\(|read_pickle\(|allow_pickle=True"
)


def test_no_source_file_unpickles_or_evaluates_anything():
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        for i, line in enumerate(path.read_text().splitlines(), start=1):
            if FORBIDDEN.search(line):
                hits.append(f"{path.relative_to(SRC)}:{i}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_pattern_would_catch_them():
    for bad in ("import pickle", "pd.read_pickle(p)", "eval(text)", "exec(code)",
                "np.load(f, allow_pickle=True)", "yaml.load(fh)"):  # fmt: skip
        assert FORBIDDEN.search(bad), bad
    assert not FORBIDDEN.search("model.evaluate(x)")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "baseline.toml/../x"])
def test_the_ui_loads_only_the_scenarios_it_offers(name):
    from longjiang_abm.ui.session import _load

    with pytest.raises(ScenarioError, match="no such scenario file"):
        _load(name)


def test_the_ui_binds_to_localhost_by_default():
    args = cli._parser().parse_args(["ui"])
    assert args.host == "127.0.0.1"
