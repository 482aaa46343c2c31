"""Verifying the caller's JWT against the cloud's issuer (defense in depth behind the edge), and who is an admin."""
from .settings import AUTH_ENV_NAMES, AuthSettings, read_auth
from .token_verifier import Principal, TokenRejected, TokenVerifier

__all__ = ["AUTH_ENV_NAMES", "AuthSettings", "Principal", "TokenRejected", "TokenVerifier", "read_auth"]
