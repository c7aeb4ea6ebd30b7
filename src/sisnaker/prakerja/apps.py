from django.apps import AppConfig

from . import codes  # noqa: F401 - the app's audit actions and error codes, for the listings and labels


class PrakerjaConfig(AppConfig):
    name = "sisnaker.prakerja"
    label = "prakerja"
    verbose_name = "Kartu Prakerja"

    def ready(self) -> None:
        # NIK and KK are sealed, with their blind indexes: `sisnaker rekey` re-seals and re-indexes them.
        from sisnaker.core import sealed

        sealed.register("prakerja.Application", "nik_encrypted", indexes={"nik_index": "nik"})
        sealed.register("prakerja.Application", "kk_encrypted", indexes={"kk_index": "kk"})
        # The signed partner endpoints describe themselves in the OpenAPI document when imported.
        from sisnaker.core import extensions

        from . import api_integration  # noqa: F401
        from .selectors import person_data

        # The person's own data export (accounts) includes their Prakerja applications and cards.
        extensions.provide("accounts.person_data", person_data)
        # Who may fill the follow-up surveys 2 and 3, and when (the surveys app asks; the 1st is certification's).
        from .selectors import survey_fill_refusal

        extensions.provide("surveys.fill_refusal", survey_fill_refusal)
        # The 1st survey (certification's employment survey) counts from the reported completion of a Kartu Prakerja
        # purchase, as Prakerja's survey incentive does: its window and reminder agree with the incentive's.
        from .selectors import completed_purchases

        extensions.provide("certification.employment_completed_at", completed_purchases)
