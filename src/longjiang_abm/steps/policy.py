"""The policy in force: the levers of this year (scenario schedule or a UI override) and the
instruments they imply (``instruments.py``).

No kernel. ``set_levers`` writes the government's ``policy`` and ``policy_log`` and returns
the ``Instruments`` the other steps read.
"""

from __future__ import annotations

from ..instruments import Instruments, instruments
from ..params import PolicyParams


def set_levers(
    gov, params, year: int, quarter: int, override: PolicyParams | None, sectors, scale: float
) -> Instruments:
    """Put in force the levers of ``year`` (``params.policy``'s schedule, or ``override``
    when the UI holds the levers) and return their instruments."""
    new = params.policy.at_year(year)
    if override is not None:
        new = override
    if new != gov.policy or not gov.policy_log:
        gov.policy_log.append((quarter, new.model_dump(exclude={"schedule"})))
    gov.policy = new
    return instruments(new, params, sectors, scale)
