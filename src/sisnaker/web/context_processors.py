from django.conf import settings
from django.utils import timezone

from sisnaker.core.permissions import can
from sisnaker.regions.domain import ZONE_LABELS


def sisnaker(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    roles = {g.role for g in user.grants} if authenticated else set()
    return {
        "SISNAKER_ENV": settings.SISNAKER_ENV,
        # "WIB", "WITA" or "WIT": the zone every time on the page is shown in.
        "tz_label": ZONE_LABELS.get(timezone.get_current_timezone_name(), timezone.get_current_timezone_name()),
        "perms_admin": authenticated and can(user, "audit.view"),
        # Which sections the navigation offers (from the grants already loaded for the request).
        "nav": {
            "citizen": "citizen" in roles,
            "institution": bool(roles & {"institution_manager", "instructor", "curator", "admin"}),
            "institution_staff": bool(roles & {"institution_manager", "instructor"}),
            "national": bool(roles & {"curator", "admin"}),
            "people": authenticated and can(user, "person.list"),
            # The national certificate register (certification): ministry curators.
            "certificate_register": authenticated and can(user, "certificate.register"),
            # Approvers of institutions: regional officers, curators, administrators.
            "approvals": bool(roles & {"regional_officer", "curator", "admin"}),
            # The data-protection officer's queue of people's requests (privacy).
            "privacy": bool(roles & {"data_protection_officer", "admin"}),
            # The AK/1 job-seeker card: citizens apply and hold it; regional officers issue it (placement).
            "ak1_own": "citizen" in roles,
            "ak1_queue": bool(roles & {"regional_officer", "admin"}),
            # Jobs (placement): citizens apply ("Lamaran saya"); employers run their companies; regional officers
            # vet companies.
            "employer": "employer" in roles,
            "company_queue": bool(roles & {"regional_officer", "admin"}),
            # Alumni outcomes (placement): regional officers record where alumni work; the completeness of what is
            # known is for them, training centres' managers and the ministry.
            "outcomes": authenticated and can(user, "outcome.worklist"),
            "outcome_completeness": authenticated and can(user, "outcome.completeness"),
            # Kartu Prakerja: citizens apply, regional officers help at a posko, PMO officers run the waves.
            "prakerja": bool(roles & {"citizen", "regional_officer", "pmo_officer", "admin"}),
            # Dashboards (reporting): regional officers for their area, the ministry and the PMO for the nation.
            "dashboard": bool(roles & {"regional_officer", "curator", "pmo_officer", "admin"}),
            # Assistance posts (posko): regional officers, training centres' managers, curators (counts).
            "posko": authenticated and can(user, "posko.list"),
            # Training-needs planning: regional offices propose, the ministry and the PMO read the nation.
            "planning": bool(roles & {"regional_officer", "curator", "pmo_officer", "admin"}),
        },
    }
