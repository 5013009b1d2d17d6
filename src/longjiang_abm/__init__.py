"""longjiang_abm: an agent-based model of Heilongjiang's strategy to become a strong
industrial province (2019)."""

__version__ = "0.1.0"

from .model import LongjiangModel  # noqa: E402
from .params import Scenario, ScenarioError, load_scenario  # noqa: E402
from .runner import Result, run  # noqa: E402

__all__ = ["LongjiangModel", "Result", "Scenario", "ScenarioError", "load_scenario", "run"]
