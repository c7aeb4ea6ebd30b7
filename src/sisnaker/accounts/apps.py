from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class AccountsConfig(AppConfig):
    name = "sisnaker.accounts"
    label = "accounts"
    verbose_name = "Akun dan orang"
