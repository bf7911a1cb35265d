from __future__ import annotations

from django.urls import path

from sinergi.portal import views

app_name = "portal"

urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/<slug:code>/", views.service_detail, name="service"),
    path("services/<slug:code>/<slug:variant>/apply/", views.apply, name="apply"),
    path("services/<slug:code>/<slug:variant>/check/", views.check, name="check"),
    path("applications/", views.my_cases, name="my_cases"),
    path("applications/<str:receipt>/", views.case_detail, name="case"),
    path("applications/<str:receipt>/submitted/", views.submitted, name="submitted"),
    path("applications/<str:receipt>/revise/", views.revise, name="revise"),
    path("applications/<str:receipt>/upload/", views.upload, name="upload"),
    path("applications/<str:receipt>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<str:receipt>/objection/", views.objection, name="objection"),
    path(
        "applications/<str:receipt>/documents/<int:document_id>/",
        views.document,
        name="document",
    ),
    path("applications/<str:receipt>/decision/", views.decision, name="decision"),
    path("track/", views.track, name="track"),
    path("track/<str:receipt>/decision/", views.tracked_decision, name="tracked_decision"),
    path("track/<str:receipt>/", views.tracked, name="tracked"),
]
