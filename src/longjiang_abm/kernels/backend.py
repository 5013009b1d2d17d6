"""Kernel backends: the numba-compiled kernels and their plain-Python twins.

Every kernel is written once, as an ``@njit(cache=True)`` function. Its twin is the same source
run by the Python interpreter: ``python_twin`` rebuilds the function from its code object with
globals in which every jitted callee is replaced by its own twin and the counter-based random
functions by their pure-Python versions (``rng.PY_TWINS``). Same arithmetic, same random numbers.
"""

from __future__ import annotations

import types
from types import SimpleNamespace

from numba.core.registry import CPUDispatcher

from .. import rng

_TWINS: dict[int, types.FunctionType] = {}


def python_twin(dispatcher: CPUDispatcher) -> types.FunctionType:
    """The plain-Python twin of a jitted function (cached per function)."""
    key = id(dispatcher)
    if key in _TWINS:
        return _TWINS[key]
    f = dispatcher.py_func
    g = dict(f.__globals__)
    twin = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    twin.__doc__ = f.__doc__
    _TWINS[key] = twin
    for name, obj in list(g.items()):
        if name in rng.PY_TWINS and isinstance(obj, CPUDispatcher):
            g[name] = rng.PY_TWINS[name]
        elif isinstance(obj, CPUDispatcher):
            g[name] = python_twin(obj)
    return twin


def load(backend: str, kernels: dict[str, CPUDispatcher]) -> SimpleNamespace:
    """A namespace of the kernels for ``backend`` ('numba' or 'python')."""
    if backend == "numba":
        return SimpleNamespace(**kernels)
    if backend == "python":
        return SimpleNamespace(**{k: python_twin(v) for k, v in kernels.items()})
    raise ValueError(f"unknown backend {backend!r}: use 'numba' or 'python'")
