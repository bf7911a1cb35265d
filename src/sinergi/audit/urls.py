from __future__ import annotations

from django.urls import path

from sinergi.audit import views

app_name = "audit"

urlpatterns = [path("transparansi/", views.transparency, name="transparency")]
