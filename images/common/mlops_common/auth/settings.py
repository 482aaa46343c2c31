"""The JWT settings of the contract ("JWT-protected services")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Tuple

from ..env import ConfigError, comma_list, required

AUTH_ENV_NAMES = ("AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URI", "AUTH_ADMIN_PATHS", "AUTH_ADMIN_CLAIM", "AUTH_ADMIN_VALUES")


@dataclass(frozen=True)
class AuthSettings:
    issuer: str
    audience: str
    jwks_uri: str
    admin_paths: Tuple[str, ...]
    admin_claim: str
    admin_values: Tuple[str, ...]


def read_auth(env: Mapping[str, str], admins_required: bool = True) -> AuthSettings:
    """All six names; admin paths must start with `/`. A service with admin routes needs AUTH_ADMIN_VALUES
    (`admins_required`); one without may leave it empty (then nobody is an admin)."""
    settings = AuthSettings(
        issuer=required(env, "AUTH_ISSUER"),
        audience=required(env, "AUTH_AUDIENCE"),
        jwks_uri=required(env, "AUTH_JWKS_URI"),
        admin_paths=comma_list(env, "AUTH_ADMIN_PATHS"),
        admin_claim=required(env, "AUTH_ADMIN_CLAIM"),
        admin_values=comma_list(env, "AUTH_ADMIN_VALUES"),
    )
    bad = [p for p in settings.admin_paths if not p.startswith("/")]
    if bad:
        raise ConfigError(f"environment variable AUTH_ADMIN_PATHS: expected paths starting with '/', found {', '.join(bad)}")
    if admins_required and not settings.admin_values:
        raise ConfigError("environment variable AUTH_ADMIN_VALUES is required (expected a comma list of admin scope, role or e-mail values, found nothing)")
    return settings
