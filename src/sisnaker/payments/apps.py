from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class PaymentsConfig(AppConfig):
    name = "sisnaker.payments"
    label = "payments"
    verbose_name = "Pembayaran"
