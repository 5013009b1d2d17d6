"""The policy in force: the levers of this year (scenario schedule or a UI override) and the
instruments they imply (``instruments.py``).

No kernel. ``set_levers`` writes the government's ``policy`` and ``policy_log`` and returns
the ``Instruments`` the other steps read.
"""

from __future__ import annotations

from functools import lru_cache

from ..instruments import Instruments, instruments
from ..params import PolicyParams


def set_levers(
    gov,
    params,
    year: int,
    quarter: int,
    override: PolicyParams | None,
    sectors,
    scale: float,
    current: Instruments | None = None,
) -> Instruments:
    """Put in force the levers of ``year`` (``params.policy``'s schedule, or ``override``
    when the UI holds the levers) and return their instruments: ``current`` (the instruments
    in force, if given) while the levers stay those in force, since instruments depend only
    on the levers and the scenario (their arrays are read, never written)."""
    new = levers_at(params.policy, year)
    if override is not None:
        new = override
    if new != gov.policy or not gov.policy_log:
        gov.policy_log.append((quarter, new.model_dump(exclude={"schedule"})))
    elif current is not None:
        gov.policy = new
        return current
    gov.policy = new
    return instruments(new, params, sectors, scale)


@lru_cache(maxsize=64)
def levers_at(policy: PolicyParams, year: int) -> PolicyParams:
    """``policy.at_year(year)``, once per (frozen) policy and year."""
    return policy.at_year(year)
