"""The sweep file's validation errors as one line each, naming the file and the key."""

from __future__ import annotations

import re


def format_error(err: dict, source: str) -> str:
    """One line for a pydantic error ``err`` of the sweep file ``source``: the key (factors
    quoted), the allowed keys of an unknown one, the message and the value given."""
    from .cluster_section import ClusterSection
    from .spec import FactorRange, SweepSection

    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    # pydantic names union members in the location (e.g. factors.x.FactorRange.min); drop them
    loc = [p for p in loc if not (p[:1].isupper() or p.startswith(("tuple[", "function-")))]
    if loc and loc[0] == "factors" and len(loc) > 1:
        key = f'factors."{loc[1]}"' + "".join(f".{p}" for p in loc[2:])
    else:
        key = ".".join(loc)
    if err["type"] == "extra_forbidden":
        section = {
            "sweep": SweepSection,
            "cluster": ClusterSection,
            "factors.": FactorRange,
        }
        model = next((m for k, m in section.items() if key.startswith(k)), None)
        allowed = ", ".join(model.model_fields) if model else "sweep, factors, cluster"
        return f"{source}: unknown key '{key}'; allowed keys: {allowed}"
    msg = err["msg"].removeprefix("Value error, ")
    m = re.match(r'factor "([^"]+)"(?: (\S+))?: (.*)', msg) if key == "factors" else None
    if m:
        key = f'factors."{m.group(1)}"' + (f".{m.group(2)}" if m.group(2) else "")
        msg = m.group(3)
    text = f"{source}: key '{key}': {msg}" if key else f"{source}: {msg}"
    if "input" in err and not isinstance(err["input"], dict | list | tuple) and "(got" not in msg:
        text += f" (got {err['input']!r})"
    return text
