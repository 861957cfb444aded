from __future__ import annotations

from django.urls import path

from reports.views import dashboard, exports, import_jobs, pdf, what_if

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("periodic.pdf", pdf.periodic_pdf, name="periodic_pdf"),
    path("households.pdf", pdf.household_list_pdf, name="household_list_pdf"),
    path("posting.pdf", pdf.posting_pdf, name="posting_pdf"),
    path(
        "households/<int:pk>/profile.pdf", pdf.household_profile_pdf, name="household_profile_pdf"
    ),
    path("households.xlsx", exports.household_list_xlsx, name="household_list_xlsx"),
    path("what-if/", what_if.what_if, name="what_if"),
    path("import/", exports.import_households, name="import"),
    path("import/template.xlsx", exports.import_template, name="import_template"),
    path(
        "import/checked/<uuid:pk>/confirm/",
        import_jobs.confirm_checked_import,
        name="import_check_confirm",
    ),
]
