"""The API root ``/api/v1``: mounts each app's router; OpenAPI 3.1 at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from sinergi.api import errors
from sinergi.api.auth import Anonymous
from sinergi.audit.api import router as audit_router
from sinergi.cases.api import router as cases_router
from sinergi.catalog.api import router as catalog_router
from sinergi.citizens.api import router as citizens_router
from sinergi.coordination.api import router as coordination_router
from sinergi.core import idempotency
from sinergi.documents.api import router as documents_router
from sinergi.registry.api import router as registry_router
from sinergi.voice.api import ikm_router as voice_ikm_router
from sinergi.voice.api import router as voice_router

PROBLEM = {"$ref": "#/components/schemas/ProblemDetails"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "ProblemDetails",
    "description": "RFC 9457 problem details; ``errors`` lists each broken rule.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance", "request_id"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "rule", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "rule": {"type": "string"},
                    "message": {"type": "string"},
                    "article": {"type": "string"},
                },
            },
        },
    },
}
#: The problem answers an operation may give: 400 only where it takes a body, 401 only where
#: a signed-in caller is needed.
PROBLEMS = {
    400: "The body cannot be parsed (not JSON, or not the form the operation takes).",
    401: "Not signed in, or the bearer token is not valid.",
    403: "The caller may not do this.",
    404: "Not found, or not visible to the caller.",
    409: "Someone else changed this first, or it is in a state that does not allow it.",
    422: "The request breaks a rule; ``errors`` says which field and which rule.",
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": idempotency.HEADER,
    "required": False,
    "description": idempotency.DESCRIPTION,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class SinergiAPI(NinjaAPI):
    """Documents what the views do beyond their signatures: the problem answers, and the
    ``Idempotency-Key`` header on every operation wrapped by ``idempotent``."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        keyed, public = set(), set()
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    op_id = operation.operation_id or self.get_openapi_operation_id(operation)
                    if idempotency.is_idempotent(operation.view_func):
                        keyed.add(op_id)
                    if not operation.auth_callbacks or any(
                        isinstance(a, Anonymous) for a in operation.auth_callbacks
                    ):
                        public.add(op_id)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
        components["responses"] = {
            f"Problem{status}": {
                "description": description,
                "content": {errors.PROBLEM_JSON: {"schema": PROBLEM}},
            }
            for status, description in PROBLEMS.items()
        }
        for methods in schema["paths"].values():
            for details in methods.values():
                op_id = details.get("operationId")
                if op_id in keyed:
                    details.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
                for status in PROBLEMS:
                    if status == 401 and op_id in public:
                        continue
                    if status == 400 and "requestBody" not in details:
                        continue
                    details["responses"].setdefault(
                        status, {"$ref": f"#/components/responses/Problem{status}"}
                    )
        return schema


api = SinergiAPI(
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
