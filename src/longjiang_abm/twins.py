"""Plain-Python twins of jitted functions: the same source run by the interpreter.

Every kernel is written once, as an ``@njit(cache=True)`` function. Its twin is rebuilt from
the function's code object with globals in which every jitted callee is replaced by its own
twin, so the twin runs the same arithmetic with the same random numbers. The one function
whose numba semantics Python cannot run as written (``rng.hash4``: 64-bit wrap-around on
uint64) registers a hand-written reference with ``python_reference``; every other twin, the
random-number functions built on it included, is derived.
"""

from __future__ import annotations

import contextlib
import types

from numba.core.registry import CPUDispatcher

_REFERENCES: dict[int, types.FunctionType] = {}  # id(dispatcher) -> hand-written reference
_TWINS: dict[int, types.FunctionType] = {}


def python_reference(reference: types.FunctionType):
    """Decorator for a jitted function: ``reference`` is its Python twin."""

    def register(dispatcher: CPUDispatcher) -> CPUDispatcher:
        _REFERENCES[id(dispatcher)] = reference
        return dispatcher

    return register


def python_twin(dispatcher: CPUDispatcher) -> types.FunctionType:
    """The plain-Python twin of a jitted function (cached per function)."""
    key = id(dispatcher)
    if key in _REFERENCES:
        return _REFERENCES[key]
    if key in _TWINS:
        return _TWINS[key]
    f = dispatcher.py_func
    g = dict(f.__globals__)
    twin = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    twin.__doc__ = f.__doc__
    _TWINS[key] = twin
    for name, obj in list(g.items()):
        if isinstance(obj, CPUDispatcher):
            g[name] = python_twin(obj)
    return twin


@contextlib.contextmanager
def substituted(references: dict):
    """Inside, the twins derived call ``references`` (jitted function -> plain-Python stand-in,
    e.g. one that counts its calls) in place of the registered twins of those functions; on
    leaving, even by an error, the registered references and every twin derived before are
    back, and none derived inside is kept."""
    swapped = {id(f): ref for f, ref in references.items()}
    old = {k: _REFERENCES.get(k) for k in swapped}
    saved = dict(_TWINS)
    _REFERENCES.update(swapped)
    _TWINS.clear()
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                _REFERENCES.pop(k, None)
            else:
                _REFERENCES[k] = v
        _TWINS.clear()
        _TWINS.update(saved)
