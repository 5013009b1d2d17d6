"""The errors of a user's input: a bad scenario (imported by params and table_checks alike) or a
bad command-line argument."""


class ScenarioError(ValueError):
    """A user error in a scenario: bad file, unknown key, wrong type or value out of range."""


class UserError(Exception):
    """A mistake in the user's input: reported in one line, exit status 2."""


__all__ = ["ScenarioError", "UserError"]
