"""Errors raised when a registry cannot be read at all."""

from __future__ import annotations


class RegistryError(ValueError):
    """A registry file that cannot be used at all (unreadable, wrong columns, no pseudonym key).

    The message names the file and what is wrong, and never holds personal data (NIK or names).
    Rows that cannot be used do not raise: they go to the rejects.
    """
