"""GIVEN real RS256 tokens from a test issuer whose JWKS is served on loopback
THEN valid tokens pass, and expired, forged, foreign-audience or foreign-issuer tokens are refused;
admin rights follow each cloud's claim shape (Cognito scope string, Entra roles list, Google email)."""
from __future__ import annotations

import time

import pytest

from mlops_common.auth import AuthSettings, TokenRejected, TokenVerifier, read_auth
from mlops_common.env import ConfigError


def settings_for(issuer, claim: str = "scope", values=("mlops/admin",)) -> AuthSettings:
    return AuthSettings(issuer=issuer.issuer, audience=issuer.audience, jwks_uri=issuer.jwks_uri, admin_paths=("/model/retrain",), admin_claim=claim, admin_values=tuple(values))


def test_a_valid_token_gives_its_subject(issuer) -> None:
    principal = TokenVerifier(settings_for(issuer)).verify(issuer.mint(sub="alice"))
    assert principal.subject == "alice"
    assert not principal.is_admin


def test_an_expired_token_is_refused(issuer) -> None:
    past = int(time.time()) - 3600
    with pytest.raises(TokenRejected, match="expired"):
        TokenVerifier(settings_for(issuer)).verify(issuer.mint(iat=past - 600, exp=past))


def test_a_token_signed_by_another_key_is_refused(issuer) -> None:
    with pytest.raises(TokenRejected, match="not valid"):
        TokenVerifier(settings_for(issuer)).verify(issuer.mint_forged())


def test_a_token_for_another_audience_is_refused(issuer) -> None:
    with pytest.raises(TokenRejected, match="not meant for"):
        TokenVerifier(settings_for(issuer)).verify(issuer.mint(aud="someone-else"))


def test_a_token_from_another_issuer_is_refused(issuer) -> None:
    with pytest.raises(TokenRejected, match="issuer"):
        TokenVerifier(settings_for(issuer)).verify(issuer.mint(iss="https://evil.test"))


def test_a_token_without_exp_is_refused(issuer) -> None:
    claims = issuer.claims()
    del claims["exp"]
    with pytest.raises(TokenRejected):
        TokenVerifier(settings_for(issuer)).verify(issuer.mint(claims))


def test_an_unsigned_token_is_refused(issuer) -> None:
    import jwt

    token = jwt.encode(issuer.claims(), key=None, algorithm="none", headers={"kid": "test-key-1"})
    with pytest.raises(TokenRejected):
        TokenVerifier(settings_for(issuer)).verify(token)


def test_cognito_access_token_matches_on_client_id_and_space_separated_scope(issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer, "scope", ["mlops/admin"]))
    admin = verifier.verify(issuer.mint(aud=None, client_id=issuer.audience, scope="mlops/user mlops/admin"))
    user = verifier.verify(issuer.mint(aud=None, client_id=issuer.audience, scope="mlops/user"))
    assert admin.is_admin and not user.is_admin
    with pytest.raises(TokenRejected):
        verifier.verify(issuer.mint(aud=None, client_id="other-client", scope="mlops/admin"))


def test_entra_roles_list_makes_an_admin(issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer, "roles", ["admins"]))
    assert verifier.verify(issuer.mint(roles=["readers", "admins"])).is_admin
    assert not verifier.verify(issuer.mint(roles=["readers"])).is_admin
    assert not verifier.verify(issuer.mint(roles="admins-not")).is_admin


def test_google_email_makes_an_admin_unless_unverified(issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer, "email", ["ops@example.com"]))
    assert verifier.verify(issuer.mint(email="ops@example.com", email_verified=True)).is_admin
    assert not verifier.verify(issuer.mint(email="ops@example.com", email_verified=False)).is_admin
    assert not verifier.verify(issuer.mint(email="dev@example.com")).is_admin


def test_read_auth_names_the_variable_at_fault() -> None:
    env = {"AUTH_ISSUER": "i", "AUTH_AUDIENCE": "a", "AUTH_JWKS_URI": "j", "AUTH_ADMIN_CLAIM": "scope", "AUTH_ADMIN_VALUES": "x", "AUTH_ADMIN_PATHS": "model/retrain"}
    with pytest.raises(ConfigError, match="AUTH_ADMIN_PATHS: expected paths starting with '/', found model/retrain"):
        read_auth(env)
    with pytest.raises(ConfigError, match="AUTH_JWKS_URI is required"):
        read_auth({k: v for k, v in env.items() if k != "AUTH_JWKS_URI"})


def test_admin_values_are_required_only_where_admin_routes_exist() -> None:
    env = {"AUTH_ISSUER": "i", "AUTH_AUDIENCE": "a", "AUTH_JWKS_URI": "j", "AUTH_ADMIN_CLAIM": "scope", "AUTH_ADMIN_VALUES": "", "AUTH_ADMIN_PATHS": ""}
    with pytest.raises(ConfigError, match="AUTH_ADMIN_VALUES is required"):
        read_auth(env)
    assert read_auth(env, admins_required=False).admin_values == ()
