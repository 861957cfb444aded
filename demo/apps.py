from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models and nothing in the admin: the app holds the demo generators and their commands.
    name = "demo"
