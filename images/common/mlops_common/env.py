"""Reading the container environment contract: one error type, helpers that name the variable at fault."""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

CLOUDS = ("aws", "azure", "gcp")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable, what was expected and what was found."""


def required(env: Mapping[str, str], name: str) -> str:
    """The non-empty value of `name`, or a ConfigError naming it."""
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required (expected a non-empty value, found {'nothing' if name not in env else 'an empty string'})")
    return value


def optional(env: Mapping[str, str], name: str, default: Optional[str] = None) -> Optional[str]:
    """The value of `name` when set and non-empty, else `default`."""
    value = env.get(name, "").strip()
    return value if value else default


def integer(env: Mapping[str, str], name: str, default: Optional[int] = None, minimum: int = 0) -> int:
    """An integer setting of at least `minimum`."""
    raw = optional(env, name)
    if raw is None:
        if default is None:
            raise ConfigError(f"environment variable {name} is required (expected an integer >= {minimum}, found nothing)")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name}: expected an integer >= {minimum}, found {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"environment variable {name}: expected an integer >= {minimum}, found {value}")
    return value


def one_of(env: Mapping[str, str], name: str, allowed: Sequence[str], default: Optional[str] = None) -> str:
    """A setting restricted to `allowed` values."""
    value = optional(env, name, default)
    if value is None:
        raise ConfigError(f"environment variable {name} is required (expected one of {', '.join(allowed)}, found nothing)")
    if value not in allowed:
        raise ConfigError(f"environment variable {name}: expected one of {', '.join(allowed)}, found {value!r}")
    return value


def comma_list(env: Mapping[str, str], name: str, default: Sequence[str] = ()) -> tuple:
    """A comma-separated list, items stripped, empty items dropped."""
    raw = optional(env, name)
    if raw is None:
        return tuple(default)
    return tuple(item.strip() for item in raw.split(",") if item.strip())
