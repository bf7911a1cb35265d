from __future__ import annotations

from django.urls import path

from sinergi.voice import views

app_name = "voice"

urlpatterns = [
    path("pengaduan/", views.ComplaintListView.as_view(), name="complaints"),
    path("pengaduan/baru/", views.FileComplaintView.as_view(), name="file"),
    path("statistik/pengaduan/", views.StatisticsView.as_view(), name="statistics"),
    path("pengaduan/<str:number>/", views.ComplaintView.as_view(), name="complaint"),
    path("ikm/", views.SurveyListView.as_view(), name="surveys"),
    path("ikm/<int:survey_id>/", views.SurveyView.as_view(), name="survey"),
    path("ikm/jawab/<str:receipt>/", views.SurveyAnswerView.as_view(), name="answer"),
    path("ikm/<int:survey_id>/ikm.csv", views.SurveyCsvView.as_view(), name="survey_csv"),
]
