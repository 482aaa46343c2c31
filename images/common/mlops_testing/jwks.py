"""A test issuer: RSA keys, a JWKS served on loopback, and tokens minted with real RS256 signatures."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, Optional

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .http_standin import Request, Response, StandIn, serve

KID = "test-key-1"


class TestIssuer:
    """Serves `/jwks.json` with one public key; `mint` signs with it, `mint_forged` with a key the JWKS does not hold."""

    def __init__(self, issuer: str = "https://issuer.test", audience: str = "test-client") -> None:
        self.issuer = issuer
        self.audience = audience
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})
        self._jwks = json.dumps({"keys": [jwk]}).encode()
        self.server: StandIn = serve(self._handle)
        self.jwks_uri = f"{self.server.url}/jwks.json"

    def _handle(self, req: Request) -> Response:
        if req.path == "/jwks.json":
            return 200, {"Content-Type": "application/json"}, self._jwks
        return 404, {}, b""

    def claims(self, **extra: Any) -> Dict[str, Any]:
        now = int(time.time())
        claims: Dict[str, Any] = {"iss": self.issuer, "aud": self.audience, "sub": "user-1", "iat": now, "exp": now + 600}
        claims.update(extra)
        return {k: v for k, v in claims.items() if v is not None}

    def mint(self, claims: Optional[Dict[str, Any]] = None, **extra: Any) -> str:
        return jwt.encode(claims or self.claims(**extra), self._key, algorithm="RS256", headers={"kid": KID})

    def mint_forged(self, **extra: Any) -> str:
        return jwt.encode(self.claims(**extra), self._forger, algorithm="RS256", headers={"kid": KID})

    def stop(self) -> None:
        self.server.stop()
