import pytest

from longjiang_abm import LongjiangModel


@pytest.fixture
def small_model():
    """A 600-firm miniature of the province (numba backend)."""
    return LongjiangModel(seed=3, n_firms=600)
