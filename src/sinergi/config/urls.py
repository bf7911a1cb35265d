from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults

from sinergi.api.errors import problem
from sinergi.api.root import api
from sinergi.core import health
from sinergi.core.admin_site import site as admin_site

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("coordination/", include("sinergi.coordination.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sinergi.documents.urls")),
    path("", include("sinergi.audit.urls")),
    path("", include("sinergi.voice.urls")),
    path("", include("sinergi.web.urls")),
    path("", include("sinergi.portal.urls")),
    path("", include("sinergi.backoffice.urls")),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API paths answer with problem details, pages with the HTML page."""
    if request.path.startswith("/api/"):
        return problem(request, 404, "Not found.")
    return defaults.page_not_found(request, exception)
