"""The core's structure: state in named bundles, only the model assigns the model's attributes,
every kernel documents its equation and non-obvious arguments."""

import ast
import inspect
from pathlib import Path

import pytest

from longjiang_abm import LongjiangModel
from longjiang_abm.kernels import KERNELS
from longjiang_abm.state import FIRM_COLUMNS, FirmTable

SRC = Path(__file__).resolve().parents[1] / "src" / "longjiang_abm"
# the modules allowed to assign attributes of the model: the model itself and the state bundles
OWNERS = {SRC / "model.py", *(SRC / "state").glob("*.py")}
MODEL_NAMES = {"model", "mdl", "m"}


def _model_targets(tree: ast.AST):
    """(line, text) of every assignment to an attribute of something called model (``model.x
    = ...``, ``self.model.x += ...``, ``setattr(model, ...)``)."""
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
        ):
            targets = [ast.Attribute(value=node.args[0], attr="?")] if node.args else []
        while targets:
            t = targets.pop()
            if isinstance(t, ast.Tuple | ast.List):
                targets.extend(t.elts)
            elif isinstance(t, ast.Starred):
                targets.append(t.value)
            elif isinstance(t, ast.Attribute) and _is_model(t.value):
                yield node.lineno, ast.unparse(t)


def _is_model(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id in MODEL_NAMES
    return isinstance(expr, ast.Attribute) and expr.attr == "model"


def test_no_module_outside_the_model_and_state_assigns_model_attributes():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path in OWNERS:
            continue
        for line, text in _model_targets(ast.parse(path.read_text())):
            offenders.append(f"{path.relative_to(SRC)}:{line}: {text}")
    assert not offenders, "\n".join(offenders)


def test_the_check_finds_an_assignment():
    """The structural check above is not vacuous."""
    code = (
        "def f(model):\n    model.demand0 = 1\n    self.model.x += 2\n    setattr(m, 'y', 3)\n"
        "    a, model.k = 1, 2\n    model.firms.K[0] = 1.0\n    model.book.exits = 0\n"
    )
    found = sorted(text for _, text in _model_targets(ast.parse(code)))
    assert found == ["m.?", "model.demand0", "model.k", "self.model.x"]


def test_steps_add_no_attribute_to_the_model():
    """Everything a step needs exists once ``__init__`` returns."""
    model = LongjiangModel(seed=3, n_firms=800)
    before = set(vars(model))
    for _ in range(5):
        model.step()
    assert set(vars(model)) == before
    assert set(vars(model.firms)) == set(vars(LongjiangModel(seed=3, n_firms=50).firms))


def test_firm_columns_are_declared_and_typed():
    hints = inspect.get_annotations(FirmTable)
    for name in ("K", "L", "A", "cash", "debt", "rev_year", "K0"):
        assert name in hints and name in FIRM_COLUMNS
    table = FirmTable(16)
    for name, (dtype, doc) in FIRM_COLUMNS.items():
        assert getattr(table, name).dtype == dtype, name
        assert doc, name


# arguments whose meaning is plain from their name: the firm table's columns (documented on
# FirmTable), the row count and liveness mask, and the counters of the random numbers
PLAIN = set(FIRM_COLUMNS) | {"n", "alive", "ids", "seed", "t", "n_sec", "n_parks", "n_pref"}


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_each_kernel_documents_its_equation_and_arguments(name):
    """A kernel's docstring states its equation (a line with '=' or '<-') and names every
    argument that is not a firm column or a counter."""
    func = KERNELS[name].py_func
    doc = inspect.getdoc(func) or ""
    assert any(("=" in line or "<-" in line) for line in doc.splitlines()), f"{name}: equation"
    words = set(doc.replace("``", " ").replace(",", " ").replace(":", " ").split())
    missing = [p for p in inspect.signature(func).parameters if p not in PLAIN | words]
    assert not missing, f"{name}: document the arguments {missing}"
