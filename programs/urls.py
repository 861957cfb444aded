from __future__ import annotations

from django.urls import path

from programs.views import benefits, committee, trainings, worklists

app_name = "programs"

# With the targets page (`reports.views.targets`), added by `giamngheo.urls`.
urlpatterns = [
    path("", benefits.programme_list, name="programmes"),
    path("households/<int:pk>/benefits/new/", benefits.benefit_create, name="benefit_create"),
    path("households/<int:pk>/loans/new/", benefits.loan_create, name="loan_create"),
    path("loans/<int:pk>/", benefits.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/check/", benefits.loan_check_create, name="loan_check_create"),
    path("worklists/", worklists.worklist_index, name="worklists"),
    path("worklists/<slug:key>/", worklists.worklist_detail, name="worklist"),
    path("worklists/<slug:key>/export/", worklists.worklist_export, name="worklist_export"),
    path("committee/", committee.committee_list, name="committee"),
    path("my-households/", committee.my_households, name="my_households"),
    path("households/<int:pk>/assign/", committee.household_assign, name="assign"),
    path("trainings/", trainings.training_list, name="trainings"),
    path("trainings/new/", trainings.training_create, name="training_create"),
    path("trainings/<int:pk>/", trainings.training_detail, name="training_detail"),
]
