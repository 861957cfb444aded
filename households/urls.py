from __future__ import annotations

from django.urls import path

from households.views import detail, files, lists, registry, review, survey

app_name = "households"

urlpatterns = [
    path("", lists.household_list, name="list"),
    path("new/", registry.household_create, name="create"),
    path("new/code/", registry.household_code_proposal, name="code_proposal"),
    path("<int:pk>/", detail.household_detail, name="detail"),
    path("<int:pk>/history/", detail.household_history_page, name="history"),
    path("<int:pk>/edit/", registry.household_edit, name="edit"),
    path("<int:pk>/archive/", registry.household_archive_view, name="archive"),
    path("<int:pk>/survey/", survey.assessment_create, name="assessment_create"),
    path("<int:pk>/survey/preview/", survey.assessment_preview, name="assessment_preview"),
    path("<int:pk>/adhoc/", survey.adhoc_review_open, name="adhoc_open"),
    path("assessments/<int:pk>/edit/", survey.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/submit/", review.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/withdraw/", review.assessment_withdraw, name="assessment_withdraw"),
    path("assessments/<int:pk>/meeting/", review.assessment_meeting, name="assessment_meeting"),
    path("assessments/<int:pk>/posting/", review.assessment_posting, name="assessment_posting"),
    path(
        "assessments/<int:pk>/recognise/", review.assessment_recognise, name="assessment_recognise"
    ),
    path("assessments/<int:pk>/return/", review.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/minutes/", files.assessment_minutes, name="assessment_minutes"),
    path(
        "assessments/<int:pk>/review-steps/",
        detail.assessment_review_steps,
        name="assessment_review_steps",
    ),
    path("review/", review.review_progress, name="review_progress"),
]
