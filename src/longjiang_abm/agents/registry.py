"""Agent registration with strong references: ``model.agents`` and ``model.agents_by_type`` at
the cost of a dict entry per agent.

Mesa 3.3 keeps each agent in a dict of hard references plus two ``AgentSet``s (all agents, and
agents by type) backed by ``weakref.WeakKeyDictionary``: two weak references with callbacks per
agent, about 250 bytes and 3 microseconds each time a firm enters or exits (measured:
docs/performance.md). The model removes agents explicitly when firms exit, so the weak
references guard against nothing here. ``StrongAgentSet`` is Mesa's ``AgentSet`` over a plain
dict, the fix Mesa itself adopted for ``model.agents`` (``_StrongAgentSet``, mesa PR #3160,
Mesa >= 3.4, which needs Python >= 3.12). Selections (``select``, ``shuffle``, ``sort`` without
``inplace``) still return ordinary weak ``AgentSet``s, so user code cannot leak agents through
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import mesa
from mesa.agent import AgentSet


class StrongAgentSet(AgentSet):
    """An ``AgentSet`` holding its agents by strong reference (insertion-ordered dict)."""

    def __init__(self, agents: Iterable[mesa.Agent], random):
        super().__init__([], random=random)
        self._agents = dict.fromkeys(agents)

    def __iter__(self):
        return iter(self._agents)

    def _update(self, agents: Iterable[mesa.Agent]) -> StrongAgentSet:
        self._agents = dict.fromkeys(agents)
        return self

    def shuffle(self, inplace: bool = False) -> AgentSet:
        agents = list(self._agents)
        self.random.shuffle(agents)
        return self._update(agents) if inplace else AgentSet(agents, self.random)

    def do(self, method: str | Callable, *args, **kwargs) -> StrongAgentSet:
        for agent in list(self._agents):
            _call(agent, method, args, kwargs)
        return self

    def shuffle_do(self, method: str | Callable, *args, **kwargs) -> StrongAgentSet:
        agents = list(self._agents)
        self.random.shuffle(agents)
        for agent in agents:
            _call(agent, method, args, kwargs)
        return self

    def map(self, method: str | Callable, *args, **kwargs) -> list:
        return [_call(agent, method, args, kwargs) for agent in list(self._agents)]


def _call(agent, method, args, kwargs):
    if isinstance(method, str):
        return getattr(agent, method)(*args, **kwargs)
    return method(agent, *args, **kwargs)


class StrongRegistry:
    """Mixin for a ``mesa.Model``: every agent lives in ``model.agents`` and in
    ``model.agents_by_type[type(agent)]``, both ``StrongAgentSet``s; the set of all agents is
    also Mesa's dict of hard references (``model._agents``)."""

    @property
    def _agents(self) -> dict:
        return self._all_agents._agents

    @_agents.setter
    def _agents(self, value) -> None:  # Mesa's __init__ assigns an empty dict: nothing to keep
        pass

    def _strong_registry(self) -> None:
        """Replace the weak sets Mesa's ``__init__`` made (call right after it)."""
        self._all_agents = StrongAgentSet([], random=self.random)
        self._agents_by_type = {}

    def register_agent(self, agent: mesa.Agent) -> None:
        self._all_agents._agents[agent] = None
        by_type = self._agents_by_type.get(type(agent))
        if by_type is None:
            by_type = self._agents_by_type[type(agent)] = StrongAgentSet([], random=self.random)
        by_type._agents[agent] = None

    def deregister_agent(self, agent: mesa.Agent) -> None:
        del self._all_agents._agents[agent]
        del self._agents_by_type[type(agent)]._agents[agent]
