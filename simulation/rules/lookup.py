"""Finding a rule by name in its registry, with an error that names what is allowed."""

from __future__ import annotations


class UnknownRuleError(ValueError):
    """A rule name that is not in its registry; the message names the rule and the allowed ones."""


def lookup(registry: dict, kind: str, name: str):
    """``registry[name]``, or :class:`UnknownRuleError` naming ``kind``, ``name`` and the allowed names.

    Parameters
    ----------
    registry : dict of str to rule
    kind : str
        What the registry holds, for the message (``graduation``, ``priority``).
    name : str
        The rule asked for.
    """
    try:
        return registry[name]
    except (KeyError, TypeError):
        allowed = ", ".join(registry)
        raise UnknownRuleError(f"unknown {kind} rule {name!r}; allowed: {allowed}") from None
