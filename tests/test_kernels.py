"""Every kernel equals its plain-Python twin on real model inputs."""

import copy
from pathlib import Path

import numpy as np
import pytest

from longjiang_abm import LongjiangModel, kernels, load_scenario
from longjiang_abm.kernels.backend import python_twin


class TwinChecker:
    """Stands in for the kernel namespace: runs each kernel with numba on the model's arrays
    and its Python twin on copies, then compares results and every array argument."""

    def __init__(self):
        self.calls: dict[str, int] = {}

    def __getattr__(self, name):
        jitted = kernels.KERNELS[name]
        twin = python_twin(jitted)

        def call(*args):
            twin_args = copy.deepcopy(args)
            out = jitted(*args)
            twin_out = twin(*twin_args)
            _assert_same(out, twin_out, name)
            for k, (a, b) in enumerate(zip(args, twin_args, strict=True)):
                if isinstance(a, np.ndarray):
                    _assert_same(a, b, f"{name} argument {k}")
            self.calls[name] = self.calls.get(name, 0) + 1
            return out

        return call


def _assert_same(a, b, what):
    if isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y, what)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, what
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


@pytest.mark.parametrize("scenario", ["baseline", "full_strategy"])
def test_every_kernel_matches_its_twin(scenario):
    """With the baseline and with every lever on (all kernel branches)."""
    path = Path(__file__).resolve().parents[1] / "params" / f"{scenario}.toml"
    model = LongjiangModel(load_scenario(path), seed=11, n_firms=400)
    checker = TwinChecker()
    model.k = checker
    for _ in range(6):
        model.step()
    assert set(checker.calls) == set(kernels.KERNELS)


def test_python_backend_reproduces_numba_run():
    a = LongjiangModel(seed=5, n_firms=300, backend="numba")
    b = LongjiangModel(seed=5, n_firms=300, backend="python")
    for _ in range(4):
        a.step()
        b.step()
    ka, kb = a.kpis(), b.kpis()
    num = ka.select_dtypes("number").columns
    np.testing.assert_allclose(ka[num].to_numpy(float), kb[num].to_numpy(float), rtol=1e-9)
    assert a.firms.n == b.firms.n
    np.testing.assert_allclose(a.firms.col("K"), b.firms.col("K"), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(kernels.KERNELS))
def test_each_kernel_documents_its_equation(name):
    doc = kernels.KERNELS[name].py_func.__doc__ or ""
    assert len(doc.strip()) > 40, f"{name} needs a docstring with its equation and units"
