from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``sisnaker demo``: the demo data set and the command that serves it. Above every app (it builds its
    data through their services); nothing imports it."""

    name = "sisnaker.demo"
    label = "demo"
    verbose_name = "Demo"
