from __future__ import annotations

from django.urls import path

from sinergi.documents import views

app_name = "documents"

urlpatterns = [
    path("verifikasi/", views.verify, name="verify"),
    path("verifikasi/<str:decision_id>", views.verify_document, name="verify_document"),
]
