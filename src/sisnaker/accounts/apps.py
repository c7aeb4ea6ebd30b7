from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sisnaker.accounts"
    label = "accounts"
    verbose_name = "Akun dan orang"
