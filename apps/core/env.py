"""Typed readers for environment variables.

Settings read the environment once, at import, through these helpers; nothing
else in the project reads ``os.environ`` for configuration.
"""

import os
from datetime import timedelta

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """An environment variable holds a value the project cannot use."""


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an unset or empty variable gives ``default``."""
    return os.environ.get(name) or default


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """The variable's value (case-insensitive), which must be one of ``choices``."""
    value = (os.environ.get(name) or default).strip().lower()
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from exc
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigurationError(f"{name} must be between {minimum} and {maximum}, got {raw!r}")
    return value


_PATH_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")


def env_path_prefix(name: str, default: str) -> str:
    """A URL path prefix as Django's ``path()`` wants it (``"a/b/"``: no leading
    slash, one trailing slash). Unset gives ``default``; set but empty gives ``""``
    (the thing it locates is turned off)."""
    raw = os.environ.get(name)
    value = (default if raw is None else raw).strip().strip("/")
    if not value:
        return ""
    if not _PATH_CHARACTERS.issuperset(value) or "//" in value:
        raise ConfigurationError(f"{name} must be a URL path such as 'admin/', got {raw!r}")
    return value + "/"


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_timedelta(name: str, default: timedelta) -> timedelta:
    """Read a duration such as ``30s``, ``15m``, ``10h`` or ``7d`` (bare numbers are seconds)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    unit = value[-1] if value[-1] in _UNITS else "s"
    number = value[:-1] if value[-1] in _UNITS else value
    try:
        return timedelta(seconds=float(number) * _UNITS[unit])
    except ValueError as exc:
        raise ConfigurationError(
            f"{name} must be a duration like 30s, 15m, 10h or 7d, got {raw!r}"
        ) from exc
