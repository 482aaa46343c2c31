"""RS256 JWT verification against a JWKS: signature, expiry, issuer, audience; then the admin claim.

Issuer and audience are checked here rather than by PyJWT because the clouds differ in ways PyJWT's options
do not cover on every version we run: Cognito access tokens carry the app client id in `client_id` and no
`aud`; Google ID tokens may name the issuer `accounts.google.com` without the scheme.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import jwt

from .settings import AuthSettings

_GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")


class TokenRejected(Exception):
    """The token is missing, malformed, unsigned by the issuer, expired, or meant for someone else."""


@dataclass(frozen=True)
class Principal:
    """A verified caller."""

    subject: str
    is_admin: bool
    claims: Dict[str, Any]


class TokenVerifier:
    """Verifies bearer tokens with keys from AUTH_JWKS_URI (fetched on first use and when a new `kid` shows up)."""

    def __init__(self, settings: AuthSettings, jwks_client: Optional[jwt.PyJWKClient] = None) -> None:
        self._settings = settings
        self._jwks = jwks_client or jwt.PyJWKClient(settings.jwks_uri)
        self._issuers: Tuple[str, ...] = _GOOGLE_ISSUERS if settings.issuer in _GOOGLE_ISSUERS else (settings.issuer,)

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; TokenRejected with the reason otherwise."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                options={"require": ["exp", "iss", "sub"], "verify_aud": False, "verify_iss": False},
                leeway=30,
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("token expired") from None
        except (jwt.PyJWTError, jwt.PyJWKClientError) as e:
            raise TokenRejected(f"token not valid: {e}") from None
        if claims.get("iss") not in self._issuers:
            raise TokenRejected(f"token issuer {claims.get('iss')!r} is not {self._settings.issuer!r}")
        if not self._audience_matches(claims):
            raise TokenRejected(f"token is not meant for {self._settings.audience!r}")
        return Principal(subject=str(claims["sub"]), is_admin=self._is_admin(claims), claims=claims)

    def _audience_matches(self, claims: Dict[str, Any]) -> bool:
        aud = claims.get("aud")
        if aud is None:
            # Cognito access tokens: the app client id is `client_id`.
            return claims.get("client_id") == self._settings.audience
        return self._settings.audience in (aud if isinstance(aud, list) else [aud])

    def _is_admin(self, claims: Dict[str, Any]) -> bool:
        value = claims.get(self._settings.admin_claim)
        if isinstance(value, str):
            held = value.split()  # Cognito `scope` is space-separated; a Google `email` is one item.
        elif isinstance(value, list):
            held = [str(v) for v in value]  # Entra ID `roles`
        else:
            return False
        if self._settings.admin_claim == "email" and claims.get("email_verified") is False:
            return False
        return any(v in self._settings.admin_values for v in held)
