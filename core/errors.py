"""Named exception hierarchy; every message is Spanish and meant for the user."""

from __future__ import annotations


class VigiaError(Exception):
    """Base of every error Vigía reports to a user (message in Spanish)."""

    exit_code = 1


class ConfigError(VigiaError):
    """A configuration file is invalid; the message names file, line and field."""

    exit_code = 2

    def __init__(self, path: str, line: int | None, field: str | None, problem: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, problem
        where = path if line is None else f"{path}, línea {line}"
        if field:
            where += f", campo «{field}»"
        super().__init__(f"Configuración inválida en {where}: {problem}")


class UnknownMunicipalityError(VigiaError):
    """A municipality given by the user is not in the registry."""

    exit_code = 2


class DatabaseError(VigiaError):
    """The database cannot be opened, migrated or written."""

    exit_code = 3


class CrawlError(VigiaError):
    """The crawl process could not run or died."""

    exit_code = 4


class EmptyDatabaseError(VigiaError):
    """The database holds no runs: there is nothing to report; the message says how to fill it."""

    exit_code = 1


class UsageError(VigiaError):
    """The command line asks for something contradictory (e.g. a date range that ends before it starts)."""

    exit_code = 2
