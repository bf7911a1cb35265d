from __future__ import annotations

from django.urls import path

from sinergi.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.index, name="index"),
    path("map/", views.integration_map, name="map"),
    path("readiness/", views.readiness_page, name="readiness"),
    path("readiness/<int:assessment_id>/", views.readiness_result, name="readiness_result"),
    path("bodies/<slug:code>/", views.body_page, name="body"),
    path("bodies/<slug:code>/proposals/", views.open_proposal, name="open_proposal"),
    path("bodies/<slug:code>/action-items/", views.assign_action, name="assign_action"),
    path("programmes/<slug:code>/", views.programme_page, name="programme"),
    path(
        "programmes/<slug:code>/indicators/<int:indicator_id>/reports/",
        views.report,
        name="report",
    ),
    path("proposals/<int:proposal_id>/", views.proposal_page, name="proposal"),
    path("proposals/<int:proposal_id>/votes/", views.cast_vote, name="vote"),
    path("proposals/<int:proposal_id>/close/", views.close_proposal, name="close"),
    path("action-items/<int:item_id>/", views.action_page, name="action_item"),
    path("action-items/<int:item_id>/updates/", views.update_action, name="update_action"),
]
