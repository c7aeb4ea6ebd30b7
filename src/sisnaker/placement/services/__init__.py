"""Placement's writes, by sub-domain: ``ak1`` (the job-seeker card), ``employers`` (company registration,
vetting, staff), ``vacancies`` (drafts, publishing, closing, filled reports), ``applications`` (applying,
stages, hiring → placement records), ``outcomes`` (the regional office's reports), ``reports`` (placements reported
by employers and by alumni themselves, and ending them). Every service is keyword-only, takes the actor, checks the permission,
runs in one durable transaction and writes its audit row in it."""

from .ak1 import (
    UPDATABLE,
    Ak1Application,
    Ak1Report,
    ak1_apply,
    ak1_card_open,
    ak1_issue,
    ak1_photo_read,
    ak1_photo_request,
    ak1_photo_set,
    ak1_photos_delete_expired,
    ak1_refuse,
    ak1_reminders_send,
    ak1_report,
    ak1_update,
    office_regency_code,
    verification_url,
)
from .applications import application_move, application_submit, applications_close_for_filled_due
from .employers import (
    CompanyData,
    company_add_staff,
    company_hand_over,
    company_leave,
    company_register,
    company_remove_staff,
    company_resubmit,
    company_review,
    company_update,
)
from .outcomes import OutcomeData, completeness_remind, outcomes_import, outcomes_report
from .reports import (
    AlumnusReport,
    EmployerReport,
    open_own_placement,
    outcome_report_own,
    placement_end,
    placement_report,
)
from .vacancies import (
    VacancyData,
    vacancy_close,
    vacancy_create,
    vacancy_fill,
    vacancy_publish,
    vacancy_units_recount,
    vacancy_update,
)

__all__ = [
    "UPDATABLE", "Ak1Application", "Ak1Report", "CompanyData", "VacancyData", "ak1_apply", "ak1_card_open", "ak1_issue", "ak1_refuse",
    "ak1_reminders_send", "ak1_report", "ak1_update", "verification_url", "company_leave", "application_move",
    "OutcomeData", "ak1_photo_read", "ak1_photo_request", "ak1_photo_set", "ak1_photos_delete_expired",
    "completeness_remind", "outcomes_import", "outcomes_report",
    "application_submit", "applications_close_for_filled_due", "company_add_staff", "company_hand_over", "company_register", "company_remove_staff",
    "company_resubmit", "company_review", "company_update",
    "office_regency_code", "AlumnusReport", "EmployerReport", "open_own_placement", "outcome_report_own", "placement_end",
    "placement_report", "vacancy_close", "vacancy_create", "vacancy_fill", "vacancy_publish", "vacancy_units_recount", "vacancy_update",
]
