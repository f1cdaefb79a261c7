"""REST API under /api/v1/, described at /api/openapi.json."""
