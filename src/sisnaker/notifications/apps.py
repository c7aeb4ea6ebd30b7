from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sisnaker.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"
