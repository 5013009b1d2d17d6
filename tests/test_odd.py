"""docs/ODD.md is checked against the code: every module, function, class, method, kernel,
firm column, instrument and scenario parameter it names in backticks exists."""

import ast
import re
from functools import cache
from pathlib import Path

from longjiang_abm.instruments import Instruments
from longjiang_abm.kernels import KERNELS
from longjiang_abm.params import PolicyParams, Scenario
from longjiang_abm.state import FIRM_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "longjiang_abm"
ODD = (ROOT / "docs" / "ODD.md").read_text()
TICKS = re.findall(r"`([^`\n]+)`", ODD)


@cache
def _definitions(path: Path) -> dict[str, set[str]]:
    """Top-level functions and classes of a module, and the methods of each class."""
    tree = ast.parse(path.read_text())
    out: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            out[node.name] = set()
            if isinstance(node, ast.ClassDef):  # methods, and attributes set on self
                out[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
                out[node.name] |= {  # dataclass fields and class attributes
                    n.target.id
                    for n in node.body
                    if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
                }
                out[node.name] |= {
                    t.attr
                    for n in ast.walk(node)
                    if isinstance(n, ast.Assign | ast.AugAssign | ast.AnnAssign)
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    if isinstance(t, ast.Attribute)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == "self"
                }
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = set()
    return out


def _module(name: str) -> Path | None:
    for base in (SRC, ROOT):
        if (base / name).is_file():
            return base / name
    return None


def _classes() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for name, methods in _definitions(path).items():
            if methods or name[:1].isupper():
                out.setdefault(name, set()).update(methods)
    return out


def test_odd_names_modules_and_functions_that_exist():
    wrong = []
    for tick in TICKS:
        m = re.fullmatch(r"([\w/]+\.py)(?::\s*([\w.]+))?", tick)
        if not m:
            continue
        path = _module(m.group(1))
        if path is None:
            wrong.append(f"no module {m.group(1)}")
            continue
        if m.group(2):
            name, _, method = m.group(2).partition(".")
            defs = _definitions(path)
            if name not in defs or (method and method not in defs[name]):
                wrong.append(f"{m.group(1)} has no {m.group(2)}")
    assert not wrong, wrong


def test_odd_names_methods_that_exist():
    classes = _classes()
    wrong = [
        tick
        for tick in TICKS
        if (m := re.fullmatch(r"([A-Z]\w+)\.(\w+)", tick))
        and m.group(1) in classes
        and m.group(2) not in classes[m.group(1)]
        and not m.group(2).isupper()
    ]
    assert not wrong, wrong


def test_odd_names_kernels_columns_instruments_and_parameters_that_exist():
    sections = {name: type(getattr(Scenario(), name)) for name in Scenario.model_fields}
    wrong = []
    for name in re.findall(r"kernels? `(\w+)`", ODD):
        if name not in KERNELS:
            wrong.append(f"kernel {name}")
    for tick in TICKS:
        m = re.fullmatch(r"(\w+)\.(\w+)", tick)
        if not m or m.group(2) == "py":
            continue
        head, key = m.groups()
        module = _module(f"{head}.py")
        if module is not None and key in _definitions(module):
            continue  # a module's function, class or constant (instruments.NEW_PILLARS)
        if head in sections and hasattr(sections[head], "model_fields"):
            if key not in sections[head].model_fields:
                wrong.append(f"parameter {tick}")
        elif head == "inst" and key not in Instruments.__dataclass_fields__:
            wrong.append(f"instrument {tick}")
        elif head == "policy" and key not in PolicyParams.model_fields:
            wrong.append(f"lever {tick}")
    for name in re.findall(r"firm column `(\w+)`", ODD):
        if name not in FIRM_COLUMNS:
            wrong.append(f"column {name}")
    assert not wrong, wrong


def test_every_kernel_and_step_module_is_described():
    for name in KERNELS:
        assert f"`{name}`" in ODD or f": {name}`" in ODD, f"ODD does not describe kernel {name}"
    for path in sorted((SRC / "steps").glob("*.py")):
        if path.name != "__init__.py":
            assert f"steps/{path.name}" in ODD, f"ODD does not name steps/{path.name}"


def test_model_attributes_named_in_the_docs_exist():
    """Every backticked ``model.<name>`` in docs/ODD.md and docs/architecture.md is an
    attribute of a built model (a stale ``model.flows`` or ``model.scenario`` fails)."""
    from longjiang_abm import LongjiangModel

    model = LongjiangModel(seed=1, n_firms=300)
    text = ODD + (ROOT / "docs" / "architecture.md").read_text()
    names = set(re.findall(r"`model\.(\w+)", text)) - {"py"}  # `model.py` is the module
    assert names, "no model attribute named: the check would be vacuous"
    missing = sorted(n for n in names if not hasattr(model, n))
    assert not missing, missing
