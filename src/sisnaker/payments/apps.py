from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class PaymentsConfig(AppConfig):
    name = "sisnaker.payments"
    label = "payments"
    verbose_name = "Pembayaran"

    def ready(self):
        from sisnaker.core import extensions

        from . import selectors
        extensions.provide("accounts.payout_account", selectors.payout_account_masked)
        # The person's own data export (accounts) includes what is owed to them and what was paid.
        extensions.provide("accounts.person_data", selectors.person_data)
        # Account numbers are sealed: `sisnaker rekey` re-seals them (core/sealed.py).
        from sisnaker.core import sealed

        sealed.register("payments.PayoutAccount", "number_encrypted")
        sealed.register("payments.BatchLine", "account_number_encrypted")
