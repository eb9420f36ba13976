"""Errors the services raise, independent of how the caller reports them.

Each carries the HTTP status it means and its problems as ``path → message``, so one handler
(``registry/errors.py``) turns any of them into the API's JSON or the error page, and the CLI
prints the same problems.
"""

from __future__ import annotations

from collections.abc import Iterable

from agreements.validation import Problem


class RegistryError(Exception):
    """Something a service refused to do."""

    status = 400
    title = "The request cannot be carried out"

    def __init__(self, message: str | None = None, problems: Iterable[Problem] = ()) -> None:
        self.problems = list(problems)
        self.message = message or self.title
        super().__init__(self.message)

    def problem_map(self) -> dict[str, list[str]]:
        """The problems grouped by path (``""`` for the request as a whole)."""
        grouped: dict[str, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.path, []).append(problem.message)
        return grouped

    def lines(self) -> list[str]:
        """One line per problem, for the CLI and logs."""
        if not self.problems:
            return [self.message]
        return [f"{p.path}: {p.message}" if p.path else p.message for p in self.problems]


class RegistryValidationError(RegistryError):
    """A record cannot be stored; ``problems`` says where and why."""

    status = 422
    title = "The record is not valid"

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        problems = list(problems)
        listed = "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in problems)
        super().__init__(message or f"{len(problems)} problem(s): {listed}", problems)


# What the database drivers say when a write lost a race for a lock (SQLite's busy timeout ran out, PostgreSQL
# chose this transaction as a deadlock's victim or could not serialise it).
LOST_RACE_WORDS = ("database is locked", "deadlock", "could not serialize", "lock timeout", "lock not available")


def is_lost_race(error: BaseException) -> bool:
    """True when a database error means another writer held what this one needed: try again, nothing was saved."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(words in text for words in LOST_RACE_WORDS)


class RegistryNotFoundError(RegistryError, LookupError):
    """The record asked for is not in the registry."""

    status = 404
    title = "Not found"


class RegistryConflictError(RegistryError):
    """The request clashes with the record's current state (a lifecycle rule, a duplicate, a lost race)."""

    status = 409
    title = "Conflict with the current state"


class StaleRevisionError(RegistryError):
    """The client's copy (``If-Match``) is not the current revision: nothing was changed."""

    status = 412
    title = "The record has changed since you read it"


class PreconditionRequiredError(RegistryError):
    """A change to a versioned record needs ``If-Match`` naming the revision it was made from."""

    status = 428
    title = "If-Match is required"


class PermissionDeniedError(RegistryError):
    """The user's role or organisation does not allow this."""

    status = 403
    title = "You do not have permission to do this"


class DatabaseUnavailableError(RegistryError):
    """The database cannot be reached or has not been set up; the message says what to run."""

    status = 503
    title = "The registry database is unavailable"
