"""Certification's writes, by sub-domain: ``assessment`` (competency per unit), ``reviews``,
``certificates`` (issue, issue all eligible, revoke), ``reminders`` (from the readiness board, with personal
links), ``links`` (personal links: issue, print, open, revoke, the capability they give),
``verification`` (public look-ups, which count). Views, the API, tasks and the demo call these; each
top-level one opens its own durable transaction."""

from .assessment import (
    AssessmentImport,
    SaveResult,
    assessment_record,
    assessments_fill_competent,
    assessments_import,
    assessments_record_many,
)
from .certificates import (
    IssueAllStarted,
    build_fields,
    certificate_issue,
    certificate_replace,
    certificate_revoke,
    certificates_issue_all_start,
    certificates_issue_eligible,
    new_verification_id,
    register_nik_search_record,
    replacement_changes,
)
from .employment import EmploymentReport, employment_reminders_send
from .links import (
    IssuedLink,
    LinkRefused,
    holder_enrollment,
    link_days,
    link_holder,
    link_url,
    personal_link_certificate,
    personal_link_open,
    personal_link_print_one,
    personal_link_revoke,
    personal_links_print,
)
from .reminders import (
    ReminderReport,
    link_message,
    ready_topic,
    reminder_topic,
    result_topic,
    send_certificate_ready,
    send_reminders,
    send_reminders_start,
)
from .reviews import review_submit
from .verification import (
    INVALID,
    REVOKED,
    UNAPPROVED,
    UNKNOWN,
    VALID,
    LookupLimited,
    VerifyResult,
    certificate_lookup,
    certificate_status,
    certificate_verify,
)

__all__ = [
    "EmploymentReport", "employment_reminders_send",
    "INVALID", "REVOKED", "UNAPPROVED", "UNKNOWN", "VALID", "AssessmentImport", "IssueAllStarted", "IssuedLink", "LinkRefused", "LookupLimited", "ReminderReport", "SaveResult",
    "VerifyResult", "assessment_record", "assessments_fill_competent", "assessments_import",
    "assessments_record_many", "build_fields", "certificate_issue", "certificate_lookup",
    "certificate_replace", "certificate_revoke", "certificate_status", "certificate_verify", "certificates_issue_all_start",
    "certificates_issue_eligible", "holder_enrollment", "link_days", "link_holder", "link_message", "link_url", "new_verification_id",
    "personal_link_certificate", "personal_link_open", "personal_link_print_one", "personal_link_revoke", "personal_links_print", "ready_topic",
    "register_nik_search_record", "reminder_topic", "replacement_changes", "result_topic", "review_submit", "send_certificate_ready", "send_reminders", "send_reminders_start",
]
