"""Errors the services raise, independent of how the caller reports them."""

from __future__ import annotations

from collections.abc import Iterable

from agreements.validation import Problem


class RegistryError(Exception):
    """Something a service refused to do."""


class RegistryValidationError(RegistryError):
    """A record cannot be stored; ``problems`` says where and why."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        listed = "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s): {listed}")


class RegistryNotFoundError(RegistryError, LookupError):
    """The record asked for is not in the registry."""
