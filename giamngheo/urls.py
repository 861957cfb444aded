from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from giamngheo import views
from programs import urls as programs_urls
from reports.views import targets

admin.site.site_header = _("Poverty reduction – Phan Thiết city")
admin.site.site_title = _("Poverty reduction")
admin.site.index_title = _("Household registry administration")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=views.LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=views.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("households/", include("households.urls")),
    path(
        "programs/",
        include(
            (
                # The targets page reads the report engine's figures: reports' code, under the
                # programmes' address and menu (`giamngheo.layers`).
                [*programs_urls.urlpatterns, path("targets/", targets.target_list, name="targets")],
                programs_urls.app_name,
            )
        ),
    ),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]


# The project's Vietnamese error pages (templates/400.html, 403.html, 404.html, 500.html).
handler400 = "giamngheo.views.bad_request"
handler403 = "giamngheo.views.permission_denied"
handler404 = "giamngheo.views.page_not_found"
handler500 = "giamngheo.views.server_error"
