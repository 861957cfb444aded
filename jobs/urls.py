from __future__ import annotations

from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/status.json", views.job_status, name="status"),
    path("<uuid:pk>/download/", views.job_download, name="download"),
]
