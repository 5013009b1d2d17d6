"""Kernel backends: the numba-compiled kernels, or their plain-Python twins (``twins.py``)."""

from __future__ import annotations

from ..twins import python_twin


def load(backend: str, registry: type):
    """An instance of ``registry`` (a class whose attributes are the jitted kernels) for
    ``backend``: 'numba' keeps the kernels, 'python' puts each one's twin in its place."""
    kernels = registry()
    if backend == "numba":
        return kernels
    if backend == "python":
        for name, dispatcher in registry.items():
            setattr(kernels, name, python_twin(dispatcher))
        kernels.backend = backend  # a copy or pickle loads the twins again (``__reduce__``)
        return kernels
    raise ValueError(f"unknown backend {backend!r}: use 'numba' or 'python'")
