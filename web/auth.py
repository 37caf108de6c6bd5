"""Dashboard access: scrypt password hashes, the users file, CSRF tokens and a login rate limiter.

Users live in config/usuarios.yaml (not shipped; create it by hand), a mapping of user name to hash and role:

    usuarios:
      auditora:
        hash: "scrypt$16384$8$1$<sal_hex>$<hash_hex>"
        rol: auditor        # may record reviews (every write route)
      consulta:
        hash: "scrypt$16384$8$1$<sal_hex>$<hash_hex>"
        rol: lectura        # may only read
      revisor: "scrypt$16384$8$1$<sal_hex>$<hash_hex>"   # the old format: role lectura

The old format (name: hash) keeps working and gets the role «lectura»: a file written before roles existed never
grants writing by accident; an operator makes a user an auditor explicitly.

Produce each hash with ``python -c "from web.auth import hash_password; print(hash_password('...'))"``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from starlette.requests import Request

from config import paths

SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 8, 1
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
CSRF_KEY = "csrf"
USER_KEY = "usuario"
AUDITOR, READER = "auditor", "lectura"
ROLES = (AUDITOR, READER)
# A fixed hash checked for unknown users, so that response time does not reveal which names exist.
_DUMMY = "scrypt$16384$8$1$00$00"


class UsersFileError(ValueError):
    """The users file is missing or malformed (message in Spanish)."""


def hash_password(password: str) -> str:
    """Hash a password with scrypt and a fresh random salt: "scrypt$n$r$p$salt_hex$hash_hex"."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether password matches a stored scrypt hash (False for malformed hashes)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), maxmem=256 * 1024 * 1024
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def check_user(users: dict[str, str], username: str, password: str) -> bool:
    """Whether the user exists and the password matches, spending the same work for unknown users."""
    stored = users.get(username)
    ok = verify_password(password, stored or _DUMMY)
    return stored is not None and ok


@dataclass(frozen=True)
class Account:
    """A dashboard user: the scrypt hash of the password and the role (auditor or lectura)."""

    password_hash: str
    role: str


def load_accounts(path: Path | None = None) -> dict[str, Account]:
    """Read the users file (see the module docstring); raise UsersFileError in Spanish when it is unusable."""
    where = path or paths.USERS
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsersFileError(f"No se pudo leer el archivo de usuarios «{where}»: {exc}") from exc
    users = data.get("usuarios") if isinstance(data, dict) else None
    if not isinstance(users, dict) or not users:
        raise UsersFileError(f"«{where}» debe tener una clave «usuarios» con al menos un usuario: hash.")
    accounts = {str(name): _account(value) for name, value in users.items()}
    bad = [name for name, account in accounts.items() if not account.password_hash.startswith("scrypt$")]
    if bad:
        names = ", ".join(bad)
        raise UsersFileError(f"En «{where}» estos usuarios no tienen un hash scrypt válido: {names}.")
    wrong = [name for name, account in accounts.items() if account.role not in ROLES]
    if wrong:
        raise UsersFileError(
            f"En «{where}» estos usuarios tienen un rol desconocido (use auditor o lectura): {', '.join(wrong)}."
        )
    return accounts


def _account(value: Any) -> Account:
    """One user's entry: a bare hash (old format, role lectura) or a mapping with «hash» and «rol»."""
    if isinstance(value, dict):
        return Account(str(value.get("hash", "")), str(value.get("rol", READER)))
    return Account(str(value), READER)


def load_users(path: Path | None = None) -> dict[str, str]:
    """The password hash of every user of the users file (see load_accounts)."""
    return {name: account.password_hash for name, account in load_accounts(path).items()}


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_valid(request: Request, submitted: str | None) -> bool:
    """Whether a submitted form token equals the session's token."""
    expected = request.session.get(CSRF_KEY)
    return isinstance(expected, str) and bool(submitted) and hmac.compare_digest(expected, submitted or "")


class LoginLimiter:
    """Counts failed logins per user name and client; blocks after MAX_FAILURES within WINDOW_SECONDS."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] < time.monotonic() - self.window:
            stamps.popleft()
        return stamps

    def blocked(self, username: str, client: str) -> bool:
        """Whether this user name from this client has used up its attempts."""
        return len(self._recent((username.casefold(), client))) >= self.limit

    def fail(self, username: str, client: str) -> None:
        """Record one failed attempt."""
        self._recent((username.casefold(), client)).append(time.monotonic())

    def reset(self, username: str, client: str) -> None:
        """Forget the failures after a successful login."""
        self._failures.pop((username.casefold(), client), None)
