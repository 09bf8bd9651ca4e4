"""Web accounts: who may sign in, with which role, for which schools.

Accounts live in one YAML file (``users.yaml`` beside the schools folder by
default), written atomically. Passwords are stored only as argon2 hashes.
An adviser sees every school; a clerk (or governor) only the schools listed
against their name.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from ruamel.yaml import YAML

from generator.errors import InputError, PolicygenError, Problem
from generator.output import write_atomic

ROLES = ("adviser", "clerk")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()
# verified against when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _HASHER.hash("not a password anyone has")


class AccountError(PolicygenError):
    """An account cannot be added or removed as asked."""


@dataclass(frozen=True)
class User:
    """A person who may sign in."""

    name: str
    role: str
    schools: tuple[str, ...] = field(default=())
    password_hash: str = field(default="", repr=False)

    @property
    def is_adviser(self) -> bool:
        return self.role == "adviser"

    def may_see(self, school_id: str) -> bool:
        """Return whether this user may see ``school_id``'s pages and files."""
        return self.is_adviser or school_id in self.schools


def load_users(path: Path) -> dict[str, User]:
    """Return the accounts in ``path`` by name; none when the file does not exist.

    Raises:
        InputError: the file is not an accounts file policygen wrote.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        users = {}
        for name, entry in (data.get("users") or {}).items():
            if entry["role"] not in ROLES:
                raise ValueError(f"unknown role {entry['role']!r}")
            users[str(name)] = User(str(name), entry["role"], tuple(str(s) for s in entry.get("schools") or ()),
                                    str(entry["password"]))
        return users
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(Problem(path, 1, 1, f"not a readable accounts file ({exc})")) from None


def save_users(path: Path, users: dict[str, User]) -> None:
    """Write ``users`` to ``path`` atomically, readable by its owner only."""
    data = {"users": {u.name: {"role": u.role, "schools": list(u.schools), "password": u.password_hash}
                      for u in sorted(users.values(), key=lambda u: u.name)}}
    out = io.StringIO()
    out.write("# policygen web accounts: manage with `policygen users`. Passwords are argon2 hashes.\n")
    YAML().dump(data, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, out.getvalue().encode("utf-8"))
    path.chmod(0o600)


def add_user(path: Path, name: str, role: str, schools: tuple[str, ...], password: str) -> User:
    """Add (or replace) an account and return it.

    Raises:
        AccountError: a bad name, role, password or school list.
    """
    if not USERNAME.match(name):
        raise AccountError(f"user name {name!r}: use letters, digits, '.', '_', '@' or '-' (at most 64)")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: choose adviser or clerk")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")
    if role == "clerk" and not schools:
        raise AccountError("a clerk needs at least one --school")
    users = load_users(path)
    user = User(name, role, tuple(schools), _HASHER.hash(password))
    users[name] = user
    save_users(path, users)
    return user


def remove_user(path: Path, name: str) -> None:
    """Remove an account.

    Raises:
        AccountError: there is no such account.
    """
    users = load_users(path)
    if name not in users:
        raise AccountError(f"no account named {name!r}")
    del users[name]
    save_users(path, users)


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """Return the user when ``password`` is theirs, else None (in about the same time either way)."""
    user = users.get(name)
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user
