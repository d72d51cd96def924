"""REST API v1 (django-ninja): ``/api/v1/``, described at ``/api/v1/openapi.json``."""
