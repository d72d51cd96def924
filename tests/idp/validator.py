import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsFromFile(OAuth2Validator):
    """Each user's claims come from claims.json (username → claims), which the test
    rewrites between sign-ins to show that Lectio follows changes. The organisation's own
    claims come with the "profile" scope."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "department": "profile",
        "job_title": "profile",
        "employee_id": "profile",
    }

    def get_additional_claims(self, request):
        claims = json.loads((settings.IDP_DIR / "claims.json").read_text())
        return claims.get(request.user.username, {})

    def get_id_token_dictionary(self, token, token_handler, request):
        """A test may make ID tokens name another audience (aud-override.txt)."""
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        override = settings.IDP_DIR / "aud-override.txt"
        if override.exists():
            claims["aud"] = override.read_text()
        return claims, expiration_time
