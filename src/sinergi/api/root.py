"""The API root ``/api/v1``: mounts each app's router; OpenAPI 3.1 at ``/api/v1/openapi.json``."""

from __future__ import annotations

from ninja import NinjaAPI

from sinergi.api import errors
from sinergi.audit.api import router as audit_router
from sinergi.cases.api import router as cases_router
from sinergi.catalog.api import router as catalog_router
from sinergi.citizens.api import router as citizens_router
from sinergi.coordination.api import router as coordination_router
from sinergi.documents.api import router as documents_router
from sinergi.registry.api import router as registry_router
from sinergi.voice.api import ikm_router as voice_ikm_router
from sinergi.voice.api import router as voice_router

api = NinjaAPI(
    title="Sinergi API",
    version="1",
    description=(
        "Whole-of-Government services for Indonesian public administration. "
        "Errors are RFC 9457 problem details; creating endpoints accept an Idempotency-Key."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", registry_router)
api.add_router("", citizens_router)
api.add_router("", catalog_router)
api.add_router("", cases_router)
api.add_router("", audit_router)
api.add_router("", coordination_router)
api.add_router("", documents_router)
api.add_router("", voice_router)
api.add_router("", voice_ikm_router)
