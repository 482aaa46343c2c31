"""FastAPI dependencies: `signed_in` for any verified caller, `admin_only` for the admin claim.

A path listed in AUTH_ADMIN_PATHS (or below one) needs an admin even when its route only asks for `signed_in`,
so the edge's admin routes and the service agree; routes that are admin by nature also depend on `admin_only`,
so an empty AUTH_ADMIN_PATHS never opens them.
"""
from __future__ import annotations

from typing import Callable, Tuple

from fastapi import Depends, HTTPException, Request

from .token_verifier import Principal, TokenRejected, TokenVerifier


def _is_admin_path(path: str, admin_paths: Tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in admin_paths)


def auth_dependencies(verifier: TokenVerifier, admin_paths: Tuple[str, ...]) -> Tuple[Callable[..., Principal], Callable[..., Principal]]:
    """(signed_in, admin_only) dependencies bound to one verifier."""

    def signed_in(request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(status_code=401, detail="a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        try:
            principal = verifier.verify(token.strip())
        except TokenRejected as e:
            raise HTTPException(status_code=401, detail=str(e), headers={"WWW-Authenticate": "Bearer"}) from None
        if _is_admin_path(request.url.path, admin_paths) and not principal.is_admin:
            raise HTTPException(status_code=403, detail="admins only")
        return principal

    def admin_only(principal: Principal = Depends(signed_in)) -> Principal:
        if not principal.is_admin:
            raise HTTPException(status_code=403, detail="admins only")
        return principal

    return signed_in, admin_only
