from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sisnaker.web"
    label = "web"
    verbose_name = "Web"
