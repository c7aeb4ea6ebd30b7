from django.apps import AppConfig

from sisnaker.core import extensions


class CertificationConfig(AppConfig):
    name = "sisnaker.certification"
    label = "certification"
    verbose_name = "Sertifikasi"

    def ready(self) -> None:
        # Imported here, not at the top: they use the models, which exist once the apps are loaded.
        from . import checks, codes  # noqa: F401 - the deployment check and the codes register themselves
        from .selectors.certificates import certificates_of_enrollments, certified_enrollment_ids
        from .selectors.ratings import ratings_for_programs
        from .survey_rules import survey_fill_refusal

        # The catalogue (training) shows the ratings of a page of programs in one query.
        extensions.provide("training.program_ratings", ratings_for_programs)
        # The person's own data export (accounts) includes their certificates.
        from .selectors.certificates import person_data

        extensions.provide("accounts.person_data", person_data)
        # The survey engine asks who may fill the work-readiness survey (a step to the certificate).
        extensions.provide("surveys.fill_refusal", survey_fill_refusal)
        # The manager's program page (training) shows each participant's certificate in one query.
        extensions.provide("training.enrollment_certificates", certificates_of_enrollments)
        # Training refuses withdrawing (or "not me") from an enrollment whose certificate exists, and its "next step"
        # stops saying "attend the training".
        extensions.provide("training.certified_enrollments", certified_enrollment_ids)

        from . import exports

        # The national certificate register as an export of the exports app (certification/exports.py).
        exports.register_sources()
