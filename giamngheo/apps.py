"""The project package as an app, for what must be wired up at start-up."""

from __future__ import annotations

from django.apps import AppConfig


class GiamngheoConfig(AppConfig):
    name = "giamngheo"
    verbose_name = "giamngheo"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from giamngheo.middleware import start_activity_clock

        user_logged_in.connect(start_activity_clock, dispatch_uid="giamngheo.start_activity_clock")
