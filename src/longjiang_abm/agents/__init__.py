"""Mesa agents: the model's vocabulary. Firms and parks are views onto table rows."""

from .bank import Bank
from .firm import Firm
from .government import Government
from .park import Park

__all__ = ["Bank", "Firm", "Government", "Park"]
