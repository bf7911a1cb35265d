from __future__ import annotations

from django.urls import path

from sinergi.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("work/", views.inbox, name="inbox"),
    path("work/load/", views.load, name="load"),
    path("work/coordinator/", views.coordinator, name="coordinator"),
    path("work/<str:receipt>/objection/", views.objection, name="objection"),
    path("work/<str:receipt>/<slug:step_id>/", views.step_page, name="step"),
    path("work/<str:receipt>/<slug:step_id>/claim/", views.claim, name="claim"),
    path("work/<str:receipt>/<slug:step_id>/message/", views.message, name="message"),
    path("desk/", views.desk, name="desk"),
]
