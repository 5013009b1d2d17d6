"""The error a user's scenario input raises (imported by params and table_checks alike)."""


class ScenarioError(ValueError):
    """A user error in a scenario: bad file, unknown key, wrong type or value out of range."""


__all__ = ["ScenarioError"]
