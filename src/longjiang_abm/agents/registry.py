"""Agent registration with strong references: ``model.agents`` and ``model.agents_by_type`` at
the cost of a dict entry per agent, or none for agents kept in a table's ``agent`` column.

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

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping

import mesa
import numpy as np
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

    def __copy__(self) -> AgentSet:
        """A copy (``select()`` without filters, ``copy.copy``) is an ordinary AgentSet."""
        return AgentSet(list(self._agents), self.random)

    def _plain(self) -> AgentSet:
        """An ordinary AgentSet reading this set's agents, nothing copied: Mesa 3.5 builds a
        selection as ``type(self)(agents, random)``, which this class's subclasses (built
        from a table or from the per-type sets) cannot be; through this view a selection is
        an ordinary (weak) AgentSet on every Mesa."""
        view = AgentSet.__new__(AgentSet)
        view._agents, view.random = _KeysOnce(self._agents), self.random
        return view

    def select(self, *args, inplace: bool = False, **kwargs) -> AgentSet:
        if inplace:
            return super().select(*args, inplace=True, **kwargs)
        return self._plain().select(*args, **kwargs)

    def groupby(self, *args, **kwargs):
        return self._plain().groupby(*args, **kwargs)


class _KeysOnce(Mapping):
    """A mapping of agents whose ``keys()`` is an iterator, as Mesa's ``AgentSet.__iter__``
    expects of its weak dictionary (a dict's or a Mapping's ``keys()`` is a view)."""

    def __init__(self, agents: Mapping):
        self._m = agents

    def __getitem__(self, agent):
        return self._m[agent]

    def __contains__(self, agent) -> bool:
        return agent in self._m

    def __iter__(self):
        return iter(self._m)

    def __len__(self) -> int:
        return len(self._m)

    def keys(self):
        return iter(self._m)


def _call(agent, method, args, kwargs):
    if isinstance(method, str):
        return getattr(agent, method)(*args, **kwargs)
    return method(agent, *args, **kwargs)


class _TypeUnion(Mapping):
    """All agents as a read-only mapping over the per-type dicts (an agent has one type), so
    each agent costs one dict entry, not two."""

    def __init__(self, by_type: dict):
        self._by_type = by_type

    def __getitem__(self, agent):
        return self._by_type[type(agent)]._agents[agent]

    def __contains__(self, agent) -> bool:
        group = self._by_type.get(type(agent))
        return group is not None and agent in group._agents

    def __iter__(self):
        for group in list(self._by_type.values()):
            yield from list(group._agents)

    def __len__(self) -> int:
        return sum(len(group._agents) for group in self._by_type.values())


class AllAgents(StrongAgentSet):
    """``model.agents``: every agent of every type, a view of ``model.agents_by_type``."""

    def __init__(self, by_type: dict, random):
        super().__init__([], random=random)
        self._agents = _TypeUnion(by_type)

    def _update(self, agents):
        raise TypeError(
            "this agent set is the model's registry: it cannot be reordered or filtered in "
            "place; select, shuffle or sort without inplace=True to get a copy"
        )

    def __getstate__(self) -> dict:
        """For a copy of the model (``copy.deepcopy``, pickle): the per-type sets it unites."""
        return {"by_type": self._agents._by_type, "random": self.random}

    def __setstate__(self, state: dict) -> None:
        self.random = state["random"]
        self._agents = _TypeUnion(state["by_type"])

    def add(self, agent):
        raise TypeError("agents join model.agents by being created with the model")

    def discard(self, agent):
        raise TypeError("agents leave model.agents by agent.remove()")

    remove = discard


class _RowAgents(Mapping):
    """The agents of a table's ``agent`` column, as a mapping: the table itself is the
    registry, at no cost per agent beyond the column.

    Agents are made when first asked for: iterating makes one (``make(row)``) for each living
    row it reaches that has none yet, so entry and the quarterly step never create Python
    objects, and a script or the UI pays for an agent only when it looks at the firms (once
    per firm: a firm keeps its agent until it exits)."""

    def __init__(self, table, make: Callable[[int], mesa.Agent]):
        self._table, self._make = table, make

    def __contains__(self, agent) -> bool:
        t, row = self._table, getattr(agent, "row", -1)
        return 0 <= row < t.n and t.agent[row] is agent

    def __getitem__(self, agent):
        if agent not in self:
            raise KeyError(agent)
        return None

    def __iter__(self):
        """The living rows' agents in row order, each made as the iteration reaches it (so
        ``next(iter(...))`` or ``select(at_most=5)`` makes only the agents it needs)."""
        t = self._table
        col = t.agent
        for row in np.flatnonzero(t.alive[: t.n]).tolist():
            agent = col[row]
            if agent is None:
                t.agents_made = True  # the year end's compaction moves the column from now on
                agent = col[row] = self._make(row)
            yield agent

    def __len__(self) -> int:
        return self._table.n_alive


class RowAgentSet(StrongAgentSet):
    """``model.agents_by_type[Firm]``: the Firm agents of the firm table, in row order,
    made when first asked for (``_RowAgents``). Firms join by entry and leave by exit."""

    def __init__(self, table, make: Callable[[int], mesa.Agent], random):
        super().__init__([], random=random)
        self._agents = _RowAgents(table, make)

    _update = AllAgents._update
    add = AllAgents.add
    discard = remove = AllAgents.discard

    def __getstate__(self) -> dict:
        """For a copy of the model: the table and the maker (copied with it), not the agents
        (they live in the table's ``agent`` column)."""
        rows = self._agents
        return {"table": rows._table, "make": rows._make, "random": self.random}

    def __setstate__(self, state: dict) -> None:
        self.random = state["random"]
        self._agents = _RowAgents(state["table"], state["make"])


class StrongRegistry:
    """Mixin for a ``mesa.Model``: each agent lives in ``model.agents_by_type[type(agent)]``,
    a ``StrongAgentSet``; ``model.agents`` (and Mesa's dict of hard references,
    ``model._agents``) is a view of their union."""

    @property
    def _agents(self):
        return self._all_agents._agents

    @_agents.setter
    def _agents(self, value) -> None:  # Mesa's __init__ assigns an empty dict: nothing to keep
        pass

    def __getstate__(self) -> dict:
        """For a copy of the model (``copy.deepcopy``, pickle): on Mesa 3.3 the model's next
        agent id lives outside it (``Agent._ids``, by model), and goes with the copy so that
        the copy's new agents do not repeat ids (Mesa 3.5 keeps it in the model)."""
        state = self.__dict__.copy()
        ids = mesa.Agent.__dict__.get("_ids")
        if ids is not None:
            state["_next_agent_id"] = n = next(ids[self])
            ids[self] = itertools.count(n)
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        n = state.pop("_next_agent_id", None)
        self.__dict__.update(state)
        if n is not None:
            mesa.Agent._ids[self] = itertools.count(n)

    def _strong_registry(self) -> None:
        """Replace the weak sets Mesa's ``__init__`` made (call right after it)."""
        self._agents_by_type = {}
        self._all_agents = AllAgents(self._agents_by_type, random=self.random)

    def register_agent(self, agent: mesa.Agent) -> None:
        if hasattr(self, "agent_id_counter"):  # Mesa 3.5 numbers agents here (3.3: Agent._ids)
            agent.unique_id = self.agent_id_counter
            self.agent_id_counter += 1
        by_type = self._agents_by_type.get(type(agent))
        if isinstance(by_type, RowAgentSet):
            return  # the table's agent column holds it
        if by_type is None:
            by_type = self._agents_by_type[type(agent)] = StrongAgentSet([], random=self.random)
        by_type._agents[agent] = None

    def deregister_agent(self, agent: mesa.Agent) -> None:
        by_type = self._agents_by_type[type(agent)]
        if isinstance(by_type, RowAgentSet):
            if agent not in by_type._agents:
                raise KeyError(agent)
            by_type._agents._table.agent[agent.row] = None
        else:
            del by_type._agents[agent]

    def _agents_in_table(self, agent_type: type, table) -> None:
        """Agents of ``agent_type`` are kept in ``table.agent`` (by row), not in a dict, and
        made when first asked for: ``agent_type(model, row)``."""
        self._agents_by_type[agent_type] = RowAgentSet(
            table, functools.partial(agent_type, self), random=self.random
        )
