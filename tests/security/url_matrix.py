"""The expected decision of every URL the project serves, per role (issue 8 §3).

``TABLE`` maps each URL pattern to the cases that exercise it. Keys:

* a page: its URL name (``"training:manage"``; ``"set_language"`` for Django's own view);
* an API operation: ``"<METHOD> /api/v1/<path>"`` with ninja's path parameters in braces
  (``"GET /api/v1/training/programs/{program_id}"``), one entry per method;
* the Django admin: the one prefix rule ``ADMIN_PREFIX`` (every ``/admin/…`` page), exercised on ``ADMIN_URLS``.

``test_url_decisions.py`` walks the URL resolver and fails for a pattern without an entry here (a new page
or endpoint needs its decision) and for an entry that matches no pattern any more (a stale one).

A case is one request per role against one small world (``test_url_decisions.World``): the owning
institution "A" (BLK UPTD in Kota Bandung, 32.73) with a running program (participants, assessments, a
certificate), a published one with open registration and a draft one; another institution "B" in Kota
Surabaya (35.78); a pending registration in Kota Bandung. Path parameters are filled from the world by
parameter name (``DEFAULT_PARAMS``) or by the case's ``params``, both naming ``World`` attributes.

Decisions (``OK``, ``LOGIN``, ``DENY``, ``MSG``, ``HIDDEN``) are what the response must show:

* ``OK``     — allowed: 2xx, or a redirect to a page of the flow (not to the log-in page, no error message);
* ``LOGIN``  — anonymous refused: a redirect to the log-in page (pages) or 401 (API);
* ``DENY``   — refused: 403;
* ``MSG``    — refused by the action's service on a page that answers with a redirect back and an error
               message (e.g. a staff account that tries to register for a training as a citizen);
* ``HIDDEN`` — not found: 404, where the existence of the object must not leak to this role.

For POST, PUT and PATCH cases only the refusals are exercised (roles whose decision is not ``OK``): the
successful writes are the per-app tests' business. Each body is well formed (the form or the schema takes
it, and names objects of the world), so what refuses is the permission, not the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK, LOGIN, DENY, MSG, HIDDEN = "allowed", "login", "refused", "refused (message)", "not found"
DECISIONS = (OK, LOGIN, DENY, MSG, HIDDEN)

# Who asks (the users of test_url_decisions.World):
ROLES = (
    "anonymous",
    "owner",             # the citizen whose enrollment, survey answers and certificate they are
    "citizen",           # another citizen
    "manager",           # manager of the owning institution A
    "manager_other",     # manager of institution B
    "instructor",        # instructor of A (teaches A's programs)
    "instructor_other",  # instructor of B
    "officer",           # regional officer of Kota Bandung (32.73): the objects' area
    "officer_out",       # regional officer of Kota Surabaya (35.78): outside it
    "curator",           # ministry curator
    "finance",           # finance officer (bendahara/PPK), national
    "dpo",               # data-protection officer (Pejabat Pelindungan Data), national
    "employer",          # manager of the approved company A (Kota Bandung): its vacancies, the owner's application
    "employer_other",    # manager of the approved company B (Kota Surabaya): must never see A's applicants
    "employer_pending",  # manager of a pending company (Kota Bandung): drafts only, nothing public, no applicants
    "admin",             # administrator, session verified with TOTP
    "pmo",               # Prakerja PMO officer (national), session verified with TOTP
)
SIGNED_IN = ROLES[1:]


def only(*allowed: str, others: str = DENY, anonymous: str = LOGIN, **special: str) -> dict[str, str]:
    """``allowed`` roles get OK, the other signed-in roles ``others``, anonymous ``anonymous``;
    ``special`` gives single roles another decision."""
    unknown = (set(allowed) | set(special)) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    decisions = {role: others for role in SIGNED_IN} | {"anonymous": anonymous}
    decisions.update(dict.fromkeys(allowed, OK))
    decisions.update(special)
    return decisions


# Role groups, named after the rule (core/permissions.py) or the page's own check that lets them in.
CITIZENS = ("owner", "citizen")
PROGRAM_VIEWERS = ("manager", "instructor", "officer", "curator", "admin")      # enrollment.view on A's program
PROGRAM_MANAGERS = ("manager", "admin")                                          # program.manage
ASSESSORS = ("manager", "instructor", "admin")                                   # program.assess
CERTIFICATE_VIEWERS = ("owner", "manager", "instructor", "curator", "admin")   # certificate.view
CERTIFICATE_REVOKERS = ("manager", "curator", "admin")                         # certificate.revoke
CURATORS = ("curator", "admin")                                                  # reference.edit, institution.accredit
OFFICERS = ("officer", "officer_out", "curator", "admin", "pmo")                # person.list (any area)
IN_AREA = ("officer", "curator", "admin")                                        # person.view of a resident of 32.73
APPROVERS = ("officer", "officer_out", "curator", "admin")                      # someone to vet (review queue)
INSTITUTION_EDITORS = ("manager", "curator", "admin")                          # institution.edit of A
REGISTRANTS = ("owner", "citizen", "manager", "manager_other", "curator", "admin")  # institution.register
FINANCE = ("finance", "admin")
PMO = ("pmo", "admin")                                                           # prakerja.manage, .review, integration.manage
AK1_VIEWERS = ("owner", "officer", "admin")                                       # ak1.view of the owner's card (32.73)
AK1_ISSUERS = ("officer", "admin")                                               # ak1.issue (the regency office of 32.73)
AK1_QUEUE = ("officer", "officer_out", "admin")                                  # ak1.queue (each officer's own area)
COMPANY_QUEUE = ("officer", "officer_out", "admin")                              # company.queue (each officer's own area)
COMPANY_REGISTRANTS = ("owner", "citizen", "employer", "employer_other", "employer_pending", "admin")  # company.register
POSKO = ("officer", "officer_out", "admin")                                      # prakerja.assist                                                   # payment.*, payout_account.review
INSTITUTION_STAFF = ("manager", "manager_other", "instructor", "instructor_other", "curator", "admin")

DASHBOARD = ("officer", "officer_out", "curator", "admin", "pmo")                  # reporting.dashboard (own area)

PUBLIC = only(*SIGNED_IN, anonymous=OK)
SIGNED_IN_ONLY = only(*SIGNED_IN)
# Nobody: a route that only exists to be reversed (ninja's API root answers 404 unless DEBUG).
NOBODY = only(others=HIDDEN, anonymous=HIDDEN)


@dataclass(frozen=True)
class Case:
    expect: dict[str, str]
    method: str = "GET"  # pages only; an API case takes the method of its key
    params: dict[str, str] = field(default_factory=dict)  # path parameter → World attribute
    query: str = ""
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None  # form (pages) or JSON (API); or world → body
    multipart: bool = False
    note: str = ""
    # A list page allowed to several roles must show each only its scope: role → World attributes whose
    # text the answer must (``shown``) or must not (``not_shown``) contain.
    shown: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_shown: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        assert not missing, f"decisions missing for {missing}"
        assert set(self.expect.values()) <= set(DECISIONS), self.expect
        for role in set(self.shown) | set(self.not_shown):
            assert self.expect[role] == OK, f"{role}: contents are checked on allowed answers only"


def scoped(attribute: str, *, to: tuple[str, ...] = (), not_to: tuple[str, ...] = ()) -> dict:
    """``shown``/``not_shown`` for one World attribute (a ``Case(..., **scoped(...))``)."""
    return {"shown": dict.fromkeys(to, (attribute,)), "not_shown": dict.fromkeys(not_to, (attribute,))}


def post(expect: dict[str, str], **kw) -> Case:
    return Case(expect, method="POST", **kw)


# Path parameters by name → World attribute (a case's ``params`` overrides).
DEFAULT_PARAMS = {
    "pk": "program", "program_id": "program", "enrollment_id": "enrollment", "certificate_id": "certificate",
    "institution_id": "inst", "person_id": "person", "dispute_id": "dispute", "verification_id": "verification_id",
    "code": "survey_code", "result_id": "task_result_id", "token": "claim_token",
    "batch_id": "batch", "account_id": "review_account", "request_id": "privacy_request", "payable_id": "payable",
    "wave_id": "wave", "application_id": "prakerja_application", "import_id": "exclusion_import",
    "card_id": "ak1_card", "partner_id": "partner", "company_id": "company", "vacancy_id": "vacancy", "user_id": "company_clerk",
    "posko_id": "posko", "assistance_id": "posko_assistance",
    "placement_id": "company_placement",
}

ADMIN_PREFIX = "admin/"
# The admin pages exercised for the prefix rule (World attributes in braces).
ADMIN_URLS = ("/admin/", "/admin/accounts/person/", "/admin/accounts/person/{person}/change/", "/admin/core/auditevent/")
ADMIN_DECISIONS = only("admin")

# Patterns that are not served by the application's views in production: excluded, with the reason.
# (Prefixes; none of them is mounted while DEBUG is off, so they are not checked for staleness.)
EXCLUDED_PREFIXES = {
    "static/": "static files: served by the web server (whitenoise/nginx), no data",
    "media/": "uploaded media: not served by Django",
    "__debug__/": "debug toolbar: development only",
    "__reload__/": "browser reload: development only",
}


def _photo():
    """A fresh upload of a phone photo for each request (an uploaded file is read once)."""
    from tests.placement.photos import upload

    return upload()


def _draft_program_page() -> dict[str, str]:
    # Staff who may see the program are sent to its manager's page; anyone else gets the same 404 as for a
    # program that does not exist (training.views.program_detail).
    return only(*PROGRAM_VIEWERS, others=HIDDEN, anonymous=HIDDEN)


def _program_create_body(w) -> dict[str, Any]:
    return {"institution_id": w.inst.pk, **w.program_body()}


def _institution_body(w) -> dict[str, Any]:
    return {"registry_number": "LPK/3273/2026/0999", "licence_number": "SK-UJI-999", "name": "LPK Matriks Uji",
            "kind": "lpk", "regency": "32.73"}


TABLE: dict[str, tuple[Case, ...]] = {
    # --- web ----------------------------------------------------------------------------------------
    "web:home": (Case(PUBLIC),),
    "web:healthz": (Case(PUBLIC),),
    "web:favicon": (Case(PUBLIC),),
    "set_language": (Case(PUBLIC, note="Django's set_language"),),
    # --- accounts -----------------------------------------------------------------------------------
    # Signed-in users are sent home from the sign-up pages (a step of the flow, not a refusal).
    "accounts:signup": (Case(PUBLIC),),
    "accounts:signup_verify": (Case(PUBLIC, params={"token": "claim_token"}),),
    "accounts:login": (Case(PUBLIC),),
    # Without a pending log-in, anonymous is sent to the log-in page; a session that needs no code goes on.
    "accounts:otp_verify": (Case(SIGNED_IN_ONLY),),
    "accounts:logout": (post(PUBLIC),),
    "accounts:profile": (Case(SIGNED_IN_ONLY),),
    # For a citizen account without a record (its sign-up's NIK went to a dispute decided "not the owner"): a citizen
    # with a record is sent to their profile; a staff account is refused.
    "accounts:nik_register": (Case(only(*CITIZENS)),),
    # The code step of such an account's claim: only the account that started it; the sign-up's claim (the world's) is
    # not one, so every account answers "not found".
    "accounts:nik_verify": (Case(only(others=HIDDEN), params={"token": "claim_token"}),),
    "accounts:language": (post(PUBLIC, data={"language": "en", "next": "/"}),),
    "accounts:data_download": (Case(SIGNED_IN_ONLY, note="staff accounts have no data of their own: sent to the profile"),),
    "accounts:otp_setup": (Case(SIGNED_IN_ONLY),),
    "accounts:otp_remove": (Case(SIGNED_IN_ONLY),),
    "accounts:audit": (Case(only("admin")),),
    "accounts:people": (Case(only(*OFFICERS), **scoped("owner_name", to=(*IN_AREA, "pmo"), not_to=("officer_out",))),),
    "accounts:person": (Case(only(*IN_AREA, "dpo", "pmo"), note="the owner's full record, for staff (the DPO: to answer a request)"),),
    # A provisional record's identity data: the institution that added it, an officer of the NIK's region.
    "accounts:person_correct": (
        Case(only("manager", "officer", "admin", others=HIDDEN), params={"person_id": "provisional"}),
        post(only("manager", "officer", "admin", others=HIDDEN), params={"person_id": "provisional"},
             data={"full_name": "SITI AMINAH", "birth_date": "1998-03-05", "sex": "F", "reason": "KTP diperiksa"}),
    ),
    # --- privacy (UU PDP): a citizen's own page; the data-protection officer's queue and answers -------
    "privacy:mine": (Case(only(*CITIZENS)),),
    "privacy:queue": (Case(only("dpo", "admin")),),
    "privacy:detail": (Case(only("dpo", "admin")),
                       post(only("dpo", "admin"), data={"outcome": "done", "answer": "Salinan data sudah dikirim ke e-mail Anda."})),
    "accounts:disputes": (Case(only(*OFFICERS), **scoped("dispute_name", to=("officer", "admin"),
                                                          not_to=("officer_out", "curator", "pmo"))),),
    # A dispute lies in its NIK's region: outside it, it does not exist.
    "accounts:dispute": (Case(only("officer", "admin", others=HIDDEN)),),
    # Password reset (anyone may ask; the answers never tell whether an account exists). Signed-in users are
    # sent home (a step of the flow); an unknown code page is a 404 for whoever is not signed in.
    "accounts:password_reset": (Case(PUBLIC),),
    "accounts:password_reset_code": (Case(PUBLIC | {"anonymous": HIDDEN}, params={"token": "unknown_token"}),),
    "accounts:password_reset_email": (Case(PUBLIC),),
    "accounts:password_reset_email_sent": (Case(PUBLIC),),
    "accounts:password_reset_confirm": (Case(PUBLIC, params={"uidb64": "unknown_uid", "token": "unknown_token"},
                                             note="an invalid link answers 200 with 'no longer valid'"),),
    "accounts:password_reset_complete": (Case(PUBLIC),),
    # --- regions ------------------------------------------------------------------------------------
    "regions:regency_options": (Case(PUBLIC, query="province=32"),),
    "regions:district_options": (Case(PUBLIC, query="regency=32.73"),),
    # --- training: the public side and the citizen's ------------------------------------------------
    "training:catalogue": (Case(PUBLIC, **scoped("draft_title", not_to=ROLES)),),
    "training:program": (
        Case(PUBLIC),
        Case(_draft_program_page(), params={"pk": "draft"}, note="a draft program"),
    ),
    "training:unit_options": (Case(PUBLIC, query="vocational_field={field_id}"),),
    "training:import_template": (Case(PUBLIC, note="an empty spreadsheet template"),),
    "my_trainings": (Case(SIGNED_IN_ONLY, **scoped("program_title", to=("owner",), not_to=("citizen",))),),
    # Staff accounts are told to sign up as a citizen.
    "training:register": (post(only(*CITIZENS, others=MSG), params={"pk": "published"}),),
    "training:withdraw": (post(only("owner", others=HIDDEN), params={"enrollment_id": "applicant"},
                               data={"reason": "Berhalangan"}),),
    # --- training: the institution's side -----------------------------------------------------------
    "training:institution_programs": (Case(only(*PROGRAM_VIEWERS)),),
    "training:program_create": (Case(only(*PROGRAM_MANAGERS)),),
    "training:manage": (Case(only(*PROGRAM_VIEWERS)),),
    "training:program_edit": (Case(only(*PROGRAM_MANAGERS), params={"pk": "published"}),),
    "training:program_action": (post(only(*PROGRAM_MANAGERS), params={"pk": "published"},
                                     data={"action": "close_registration"}),),
    "training:program_confirm": (Case(only(*PROGRAM_MANAGERS), params={"action": "close_action"}),),
    # Only whoever asked for the step sees its page; for anyone else it does not exist.
    "training:program_move": (Case(only("manager", others=HIDDEN), params={"token": "move_token"}),),
    "training:program_copy": (Case(only(*PROGRAM_MANAGERS)),),
    "training:program_instructors": (Case(only(*PROGRAM_MANAGERS)),),
    "training:bulk": (post(only(*ASSESSORS), params={"pk": "published"},
                           data=lambda w: {"action": "accept", "ids": [w.applicant.pk]}),),
    "training:record": (post(only(*PROGRAM_MANAGERS), params={"pk": "published"}, data=lambda w: w.record_body()),),
    "training:enrollment": (Case(only(*PROGRAM_VIEWERS), note="a participant's record (logged)"),),
    "training:import": (Case(only(*PROGRAM_MANAGERS)),),
    # The session holds the error file's token for every role (as if each had imported it): the permission decides.
    "training:import_error_file": (Case(only(*PROGRAM_MANAGERS), params={"program_id": "program", "token": "error_token"}),),
    "training:export": (Case(only(*PROGRAM_VIEWERS)),),
    # A large import's or export's page and file: only for whoever started the job (here the manager); the
    # same 404 as an unknown token for anyone else.
    "training:spreadsheet_job": (Case(only("manager", others=HIDDEN), params={"program_id": "program", "token": "export_job_token"}),),
    "training:spreadsheet_job_download": (Case(only("manager", others=HIDDEN),
                                               params={"program_id": "program", "token": "export_job_token"}),),
    "training:reference": (Case(only(*CURATORS)),),
    # --- exports: any table as a background export; the job and its file only for whoever asked ---------
    "exports:mine": (Case(SIGNED_IN_ONLY, **scoped("program_title", to=("manager",), not_to=("manager_other", "instructor", "curator"))),),
    "exports:request": (post(only(*PROGRAM_VIEWERS), data=lambda w: {"source": "training.participants", "p_program": w.program.pk,
                                                                   "format": "xlsx"}),),
    "exports:job": (Case(only("manager", others=HIDDEN), params={"token": "exports_job_token"}),),
    "exports:download": (Case(only("manager", others=HIDDEN), params={"token": "exports_job_token"}),),
    # --- accountability: the LPJ of a program (program.lpj: its managers, curators, finance of its funding source) --
    "accountability:lpj": (Case(only("manager", "curator", "finance", "admin")),),
    "accountability:lpj_pdf": (Case(only("manager", "curator", "finance", "admin")),),
    "accountability:lpj_xlsx": (Case(only("manager", "curator", "finance", "admin")),),
    "accountability:fragment_program_links": (Case(only(*PROGRAM_VIEWERS, "finance"), note="a piece of the manage page"),),
    # --- institutions -------------------------------------------------------------------------------
    "institutions:mine": (Case(SIGNED_IN_ONLY, **scoped("inst_name", to=("manager", "instructor", "curator", "admin"),
                                                        not_to=("manager_other", "instructor_other"))),),
    "institutions:register": (Case(SIGNED_IN_ONLY),),
    # BLK UPTD is vetted by the regional officer of its area: the pending one is in nobody else's queue.
    "institutions:review_queue": (Case(only(*APPROVERS), **scoped("pending_name", to=("officer", "admin"),
                                                                  not_to=("officer_out", "curator"))),),
    "institutions:detail": (
        Case(only(*PROGRAM_VIEWERS), params={"pk": "inst"}),  # not the default pk (a program's): ids differ on PostgreSQL
        # Pending registrations are not public: who may not see one must not learn that it exists.
        Case(only(*IN_AREA, others=HIDDEN), params={"pk": "inst_pending"}, note="a pending registration"),
        # BLK UPTD is vetted by the regional officer of its area, not by a curator.
        post(only("officer", "admin"), params={"pk": "inst"},
             data={"form": "review", "action": "suspend", "reason": "Pemeriksaan lapangan"}, note="the review form"),
    ),
    # --- certification ------------------------------------------------------------------------------
    "certification:assess": (Case(only(*ASSESSORS)),),
    "certification:assess_cell": (post(only(*ASSESSORS), data=lambda w: w.cell_body()),),
    # A citizen's own review page: nobody else learns the enrollment exists.
    "certification:review": (Case(only("owner", others=HIDDEN)),),
    "certification:mine": (Case(SIGNED_IN_ONLY, **scoped("certificate_number", to=("owner",), not_to=("citizen",))),),
    "certification:issue": (post(only(*PROGRAM_MANAGERS, others=MSG), params={"enrollment_id": "enrollment_ready"}),),
    "certification:certificate": (Case(only(*CERTIFICATE_VIEWERS)),),
    # The national certificate register: ministry curators (and administrators) only; it lists the owner's certificate.
    "certification:register": (Case(only("curator", "admin"), **scoped("certificate_number", to=("curator", "admin"))),
                               post(only("curator", "admin", anonymous=LOGIN), data={"q": "Siti"})),
    "certification:pdf": (Case(only(*CERTIFICATE_VIEWERS)),),
    "certification:json": (Case(only(*CERTIFICATE_VIEWERS)),),
    # Who may see the certificate but not revoke it is told so on the certificate's page.
    "certification:revoke": (post(only(*CERTIFICATE_REVOKERS, owner=MSG, instructor=MSG),
                                  data={"reason": "Salah cetak nama"}),),
    # Replacing issues a new certificate: a curator may revoke but issues nothing.
    "certification:replace": (post(only(*PROGRAM_MANAGERS, owner=MSG, instructor=MSG, curator=MSG),
                                   data={"reason": "Nama sudah diperbaiki"}),),
    "certification:overview": (Case(only(*INSTITUTION_STAFF), **scoped(
        "program_title", to=("manager", "instructor", "curator", "admin"), not_to=("manager_other", "instructor_other"))),),
    "certification:board": (Case(only(*PROGRAM_VIEWERS)),),
    "certification:board_remind": (post(only(*PROGRAM_MANAGERS)),),
    "certification:board_issue_all": (post(only(*PROGRAM_MANAGERS)),),
    "certification:board_issue_progress": (Case(only(*PROGRAM_VIEWERS)),),
    "certification:fragment_institution_rating": (Case(PUBLIC, note="a piece of the institution's page"),),
    "certification:fragment_program_rating": (Case(PUBLIC, note="a piece of the program's page"),),
    # Pieces of the manager's program page and the participant's page: for who sees the program's enrollments.
    "certification:fragment_program_links": (Case(only(*PROGRAM_VIEWERS), note="a piece of the manage page"),),
    "certification:fragment_enrollment_certificate": (Case(only(*PROGRAM_VIEWERS), note="a piece of the participant's page"),),
    "certification:assess_fill": (post(only(*ASSESSORS), data={"target": "all"}),),
    "certification:assess_template": (Case(only(*ASSESSORS)),),
    "certification:assess_import": (Case(only(*ASSESSORS)),),
    # As the enrolment import's error file: every role's session holds the token, the permission decides.
    "certification:assess_import_error_file": (Case(only(*ASSESSORS), params={"program_id": "program", "token": "assessment_error_token"}),),
    "certification:board_links_print": (post(only(*PROGRAM_MANAGERS)),),
    "certification:link_revoke": (post(only(*PROGRAM_MANAGERS)),),
    "certification:link_print_one": (post(only(*PROGRAM_MANAGERS)),),
    # --- personal links (/l/): the token decides, never the role ------------------------------------
    # An unknown token is a 404 for everyone; without the capability a link puts in the session, its pages
    # do not exist (the capability itself is tested in tests/certification/test_personal_links.py).
    "links:open": (Case(NOBODY, params={"token": "unknown_token"}),),
    "links:steps": (Case(NOBODY),),
    "links:review": (Case(NOBODY),),
    "links:survey": (Case(NOBODY),),
    "links:certificate": (Case(NOBODY),),
    "links:employment": (Case(NOBODY),),
    "verify:lookup": (Case(PUBLIC),),
    "verify:public_key": (Case(PUBLIC),),
    "verify:by_id": (Case(PUBLIC),),
    # --- placement: the AK/1 job-seeker card (the owner's application waits at Kota Bandung's office) ----------
    "placement:ak1_index": (Case(only(*CITIZENS, *AK1_QUEUE), note="a redirect: citizens to their cards, officers to the queue"),),
    "placement:ak1_mine": (Case(only(*CITIZENS)),),
    "placement:ak1_apply": (Case(only(*CITIZENS)),
                            post(only(*CITIZENS), data=lambda w: {"birth_place": "Bandung", "marital_status": "single",
                                                                  "religion": "islam", "address": "Jl. Uji 1", "education": "smk",
                                                                  "skills": "Las", "photo": _photo()})),
    "placement:ak1_queue": (Case(only(*AK1_QUEUE), **scoped("owner_name", to=("officer", "admin"), not_to=("officer_out",))),),
    "placement:ak1_card": (Case(only(*AK1_VIEWERS), **scoped("certificate_number", to=("owner",))),),
    "placement:ak1_issue": (post(only(*AK1_ISSUERS)),),
    "placement:ak1_refuse": (post(only(*AK1_ISSUERS), data={"reason": "Dokumen tidak lengkap."}),),
    # The world's card waits for the office: there is nothing to print, verify or change yet; the holder and the
    # office may report (the service then says the card is not issued), nobody else may.
    "placement:ak1_report": (post(only(*AK1_VIEWERS), data={"outcome": "looking"}),),
    "placement:ak1_update": (Case(only(), note="only the holder, and only while the card is valid"),),
    "placement:ak1_pdf": (Case(only(others=DENY, owner=HIDDEN, officer=HIDDEN, admin=HIDDEN)),),
    "placement:ak1_verify": (Case(only(others=HIDDEN, anonymous=HIDDEN), note="a certificate's id is no AK/1 card's"),),
    # The card's photo (the world's application has one): the holder and the officers of the card's regency office
    # (ak1.photo), never another citizen or another office; only the holder replaces it; only the office asks anew.
    "placement:ak1_photo": (Case(only("owner", "officer", "admin")),),
    "placement:ak1_photo_change": (Case(only("owner"), note="the holder's own page; an officer or administrator has none"),
                                   post(only("owner"), data=lambda w: {"photo": _photo()})),
    "placement:ak1_photo_request": (post(only(*AK1_ISSUERS), data={"reason": "Foto buram."}),),
    # --- placement: employers, vacancies, applications (World: approved company A of Kota Bandung, its published
    # vacancy the owner applied to, a draft and a clerk; approved company B of Kota Surabaya; a pending company of
    # Kota Bandung with a draft). Each company's manager is a role: A's ("employer") works on A's objects; B's
    # ("employer_other") is refused all of them, above all A's applicants and candidates; the pending company's
    # ("employer_pending") edits its own data and drafts, and is refused anything public or touching people.
    "placement:company_register": (Case(only(*COMPANY_REGISTRANTS)),
                                   post(only(*COMPANY_REGISTRANTS), data={"name": "PT Uji", "nib": "9120000888888"})),
    "placement:company_mine": (Case(SIGNED_IN_ONLY, note="lists only the viewer's own companies",
                                    shown={"employer": ("company_name",), "employer_other": ("company_other_name",)},
                                    not_shown={"employer_other": ("company_name",), "employer_pending": ("company_name",),
                                               "officer": ("company_name",), "admin": ("company_name",)}),),
    "placement:company_queue": (Case(only(*COMPANY_QUEUE)),),
    "placement:company_detail": (Case(only("officer", "employer", "admin")),
                                 Case(only("officer", "employer_pending", "admin"), params={"company_id": "company_pending"},
                                      note="a pending company: its own staff and the officers of its area")),
    "placement:company_edit": (Case(only("employer", "admin"), note="its staff; the officer sees the company but edits nothing"),
                               Case(only("employer_pending", "admin"), params={"company_id": "company_pending"}),
                               post(only("employer", "admin"), data=lambda w: w.company_body())),
    "placement:company_review": (post(only("officer", "admin"), data={"action": "suspend", "reason": "Pemeriksaan"}),),
    # Staff: only the manager of the company (adding: an approved one); never another company's manager.
    "placement:company_add_staff": (post(only("employer", "admin"), data={"identifier": "mtx.hrd"}),
                                    post(only("admin"), params={"company_id": "company_pending"}, data={"identifier": "mtx.hrd"},
                                         note="a pending company adds no staff")),
    "placement:company_remove_staff": (post(only("employer", "admin"), params={"user_id": "company_clerk"}),),
    "placement:company_hand_over": (post(only("employer", "admin"), data=lambda w: {"user": w.company_clerk.pk}),),
    # Leaving: staff of the company only (company.leave); A's manager is told to hand over first, an administrator
    # that they are no staff (a message each); another company's staff are refused.
    "placement:company_leave": (post(only(others=DENY, employer=MSG, admin=MSG)),),
    "placement:vacancy_create": (Case(only("employer", "admin")),
                                 Case(only("employer_pending", "admin"), params={"company_id": "company_pending"},
                                      note="a pending company writes drafts")),
    "placement:vacancy_edit": (Case(only("employer", "admin")),
                               Case(only("employer_pending", "admin"), params={"vacancy_id": "pending_draft_vacancy"})),
    "placement:vacancy_status": (post(only("employer", "admin"), params={"action": "publish_action"}),),
    # The applicants (names, AK/1 numbers): A's approved staff only. Never B's, never the pending company's.
    "placement:vacancy_applicants": (Case(only("employer", "admin"), **scoped("owner_name", to=("employer", "admin"))),),
    "placement:application_move": (post(only("employer", "admin"), params={"application_id": "job_application"},
                                        data={"action": "shortlist"}),),
    "placement:my_applications": (Case(only(*CITIZENS), **scoped("vacancy_title", to=("owner",), not_to=("citizen",))),),
    # Alumni outcomes (the world has no graduate: the worklist is empty, the report refused before reading it).
    "placement:outcome_worklist": (Case(only("officer", "officer_out", "admin")),),
    "placement:outcome_report": (post(only("officer", "officer_out", "admin"), data={"status": "not_working"}),),
    "placement:outcome_import": (Case(only("officer", "officer_out", "admin")),),
    "placement:outcome_completeness": (Case(only("manager", "manager_other", "officer", "officer_out", "curator", "admin")),),
    "placement:outcome_remind": (post(only("curator", "admin")),),
    # Matching: a citizen's own recommendations (match.vacancies_own); a vacancy's candidates for its
    # approved company's staff only (match.candidates): A's employer, never B's nor the pending company's.
    "placement:match_mine": (Case(only(*CITIZENS)),),
    "placement:match_candidates": (Case(only("employer", "admin")),
                                   Case(only("admin"), params={"vacancy_id": "pending_draft_vacancy"},
                                        note="a pending company's staff get no candidates")),
    "jobs:search": (Case(PUBLIC, **scoped("draft_vacancy_title", not_to=ROLES)),),
    "jobs:detail": (Case(PUBLIC), Case(only("employer", "admin", others=HIDDEN, anonymous=HIDDEN), params={"vacancy_id": "draft_vacancy"},
                                       note="a draft is only for its company's staff: the same 404 as a vacancy that does not exist"),
                    Case(only("employer_pending", "admin", others=HIDDEN, anonymous=HIDDEN),
                         params={"vacancy_id": "pending_draft_vacancy"}, note="a pending company's draft")),
    "jobs:apply": (post(only("citizen", owner=MSG), data={"cover_note": ""}, note="the owner has applied already"),),
    # Placements reported outside a hire: company A's workforce (its approved staff only: never B's, nor a pending
    # company's); the alumnus's own work status (a citizen's own; the world's citizens have no graduation: an empty
    # list); the same page from a personal link (none opened: the link's 404 for everyone).
    "placement:company_placements": (Case(only("employer", "admin"), **scoped("company_worker_name", to=("employer", "admin"))),
                                     Case(only("admin"), params={"company_id": "company_pending"},
                                          note="a pending company reports no one"),
                                     post(only("employer", "admin"), data=lambda w: w.placement_report_body())),
    "placement:placement_end": (post(only("employer", "admin"), params={"placement_id": "company_placement"},
                                     data=lambda w: {"end_date": w.today.isoformat()}),),
    "placement:my_work": (Case(only(*CITIZENS)), post(only(*CITIZENS), data={"enrollment": "1", "status": "not_working"})),
    "placement:link_work": (Case(NOBODY),),
    # --- planning: training-needs proposals (World: Kota Bandung's draft plan with one line) ----------------------
    # The office of exactly the plan's area writes; the province office and the ministry read; curators return.
    "planning:index": (Case(only("officer", "officer_out", "curator", "admin", "pmo"),
                            **scoped("plan_region_name", to=("officer",), not_to=("officer_out",))),),
    "planning:create": (post(only("officer", "admin"), data=lambda w: {"region": "32.73", "year": str(w.today.year + 1)}),),
    "planning:plan": (Case(only("officer", "curator", "admin", "pmo"), params={"plan_id": "plan"}),),
    "planning:line_add": (post(only("officer", "admin"), params={"plan_id": "plan"},
                               data=lambda w: {"vocational_field": w.field_id, "people": "3", "reason": "Matriks"}),),
    "planning:line_edit": (post(only("officer", "admin"), params={"line_id": "plan_line"},
                                data=lambda w: {f"l{w.plan_line.pk}-people": "4", f"l{w.plan_line.pk}-reason": "Matriks"}),),
    "planning:submit": (post(only("officer", "admin"), params={"plan_id": "plan"}),),
    "planning:reopen": (post(only("officer", "admin"), params={"plan_id": "plan"}),),
    "planning:return": (post(only("curator", "admin"), params={"plan_id": "plan"}, data={"reason": "Lengkapi alasan"}),),
    "planning:export_xlsx": (Case(only("officer", "curator", "admin", "pmo"), params={"plan_id": "plan"}),),
    "planning:export_csv": (Case(only("officer", "curator", "admin", "pmo"), params={"plan_id": "plan"}),),
    # A province's roll-up (Jawa Barat): its province office (none in the world) and the ministry; not a regency office.
    "planning:rollup": (Case(only("curator", "admin", "pmo"), params={"area": "province_code"}),),
    "planning:rollup_xlsx": (Case(only("curator", "admin", "pmo"), params={"area": "province_code"}),),
    "planning:rollup_csv": (Case(only("curator", "admin", "pmo"), params={"area": "province_code"}),),
    # --- prakerja -----------------------------------------------------------------------------------
    "prakerja:home": (Case(PUBLIC),),
    # Staff (and administrators) have no own NIK to apply with: the posko page is theirs.
    "prakerja:apply": (Case(only(*CITIZENS)),),
    "prakerja:assist": (Case(only(*POSKO)),),
    # The code page of an application is its starter's only; another's token answers like an unknown one.
    "prakerja:confirm": (Case(only("owner", others=HIDDEN), params={"token": "prakerja_token"}),),
    "prakerja:mine": (Case(only(*CITIZENS)),),
    "prakerja:results": (Case(PUBLIC, params={"wave_id": "drawn_wave"}),
                         Case(only(others=HIDDEN, anonymous=HIDDEN), note="an open wave has no results yet")),
    "prakerja:draw_data": (Case(PUBLIC, params={"wave_id": "drawn_wave"}),
                           Case(only(others=HIDDEN, anonymous=HIDDEN), note="an open wave has no list yet")),
    "prakerja:pmo": (Case(only(*PMO)),),
    "prakerja:wave": (Case(only(*PMO)),),
    "prakerja:quotas": (post(only(*PMO), data={"mode": "manual", "p_32": "10"}),),
    "prakerja:wave_open": (post(only(*PMO)),),
    "prakerja:wave_close": (post(only(*PMO)),),
    "prakerja:wave_draw": (post(only(*PMO)),),
    "prakerja:cards_expire": (post(only(*PMO)),),
    "prakerja:reviews": (Case(only(*PMO)),),
    "prakerja:review_decide": (post(only(*PMO), data={"decision": "accept"}),),
    "prakerja:exclusions": (Case(only(*PMO)), post(only(*PMO), data=lambda w: w.exclusion_body(), multipart=True)),
    "prakerja:exclusion_report": (Case(only(*PMO)),),
    # Curation (stage 1: curators; stage 2: PMO officers), buying (the holder's own card: nobody else's is found), the
    # institution's desk (its managers; other institutions' staff do not learn it exists).
    "prakerja:curation": (Case(only(*CURATORS), params={"stage": "stage_one"}),
                          Case(only(*PMO), params={"stage": "stage_two"}, note="stage 2: PMO officers")),
    "prakerja:curation_decide": (post(only(*CURATORS), params={"stage": "stage_one", "entry_id": "catalogue_entry"},
                                      data={"decision": "accept"}),
                                 post(only(*PMO), params={"stage": "stage_two", "entry_id": "catalogue_entry"},
                                      data={"decision": "accept"}, note="stage 2: PMO officers")),
    "prakerja:buy": (post(only(*CITIZENS, others=HIDDEN), data={"card": "0000000000000000", "key": "k"}),),
    "prakerja:purchase_cancel": (post(only(others=HIDDEN), params={"purchase_id": "no_purchase"}),),
    "prakerja:purchase_consent": (post(only(others=HIDDEN), params={"purchase_id": "no_purchase"}),),
    "prakerja:institution": (Case(only(*PROGRAM_MANAGERS, others=HIDDEN)),),
    # --- integration: the PMO's partner pages; the signed partner API -----------------------------------
    "integration:partners": (Case(only(*PMO)), post(only(*PMO), data={"name": "Mitra Matriks", "kind": "platform"})),
    "integration:partner": (Case(only(*PMO)), post(only(*PMO), data={"do": "issue", "scheme": "hmac-sha256"})),
    # Signed with a partner's key (integration.auth.partner_signed), never by a session: unsigned, every role is 401.
    "POST /api/v1/integration/ping": (Case(only(others=LOGIN, anonymous=LOGIN), note="needs a partner's signature"),),
    # Prakerja's signed endpoints (prakerja/api_integration.py): the same, whoever asks without a signature.
    **{f"POST /api/v1/integration/{path}": (Case(only(others=LOGIN, anonymous=LOGIN), note="needs a partner's signature"),)
       for path in ("payment/redeem-code/status", "payment/redeem-code/commit", "payment/redeem-code/attendance",
                    "payment/redeem-code/completion", "payment/voucher", "purchase", "purchase/status", "purchase/consent")},
    "POST /api/v1/integration/purchase/consent/resend": (Case(only(others=LOGIN, anonymous=LOGIN), note="needs a partner's signature"),),
    "POST /api/v1/integration/purchase/cancel": (Case(only(others=LOGIN, anonymous=LOGIN), note="needs a partner's signature"),),
    "POST /api/v1/integration/catalogue": (Case(only(others=LOGIN, anonymous=LOGIN), note="needs a partner's signature"),),
    "POST /api/v1/integration/purchases": (Case(only(others=LOGIN, anonymous=LOGIN), note="needs a partner's signature"),),
    # Inclusion figures: PMO officers (nationally; the administrator here) and regional officers (their own area's
    # residents: the scope comes from the role). The residents list (names, masked NIK; logged) is for regional
    # officers only: a national role is refused it (no national list of applicants' names).
    "prakerja:figures": (Case(only(*POSKO, "pmo")), Case(only(*POSKO, "pmo"), query="gelombang={wave}&dasar=domisili")),
    "prakerja:figures_xlsx": (Case(only(*POSKO, "pmo")),),
    "prakerja:figures_csv": (Case(only(*POSKO, "pmo")),),
    # Dashboards (reporting): the ministry and the PMO see the nation, a regional officer opens on their own area; a
    # region outside it is refused (officer_out asking for Kota Bandung). The public statistics need no log-in.
    "reporting:dashboard": (Case(only(*DASHBOARD)), Case(only("officer", "curator", "admin", "pmo"), query="wilayah=32.73")),
    "reporting:dashboard_xlsx": (Case(only(*DASHBOARD)), Case(only("officer", "curator", "admin", "pmo"), query="wilayah=32.73")),
    "reporting:dashboard_csv": (Case(only(*DASHBOARD)), Case(only("officer", "curator", "admin", "pmo"), query="wilayah=32.73&tabel=rincian")),
    "reporting:public": (Case(PUBLIC), Case(PUBLIC, query="wilayah=32.73&dasar=ktp&rincian=field")),
    "reporting:public_xlsx": (Case(PUBLIC),),
    "reporting:public_csv": (Case(PUBLIC, query="wilayah=32&tabel=bulan"),),
    "prakerja:residents": (Case(only("officer", "officer_out")),),
    # --- posko: assistance posts (World: a Disnaker posko of Kota Bandung with one citizen recorded there) ---------
    # The list shows each their own poskos (regional officers of the area, approved training centres' managers, curators).
    "posko:list": (Case(only("officer", "officer_out", "manager", "manager_other", "curator", "admin"),
                        **scoped("posko_name", to=("officer", "curator", "admin"), not_to=("officer_out", "manager"))),),
    # Opening one: whoever has an area or an approved institution to open it for; the service refuses another's area.
    "posko:create": (Case(only("officer", "officer_out", "manager", "manager_other", "admin")),
                     post(only("officer", "admin"), data=lambda w: w.posko_create_body())),
    "posko:detail": (Case(only("officer", "curator", "admin")),),
    "posko:status": (post(only("officer", "admin"), data={"active": "0"}),),
    # Serving at the posko (person.register_assisted): its area's regional officers only; names only to them.
    "posko:register": (Case(only("officer", "admin")), post(only("officer", "admin"), data=lambda w: w.posko_register_body())),
    "posko:assisted": (Case(only("officer", "admin"), **scoped("posko_person_name", to=("officer",))),),
    "posko:apply_training": (post(only("officer", "admin"), data=lambda w: w.posko_training_body()),),
    "posko:apply_prakerja": (Case(only("officer", "admin")),),
    # --- payments -----------------------------------------------------------------------------------
    # The citizen's incentives and payout account: staff accounts have no person (refused).
    "payments:mine": (Case(only(*CITIZENS)),),
    "payments:account": (Case(only(*CITIZENS)),),
    "payments:institution_account": (Case(only("manager", "admin", others=HIDDEN)),),
    "payments:desk": (Case(only(*FINANCE)),),
    "payments:accrue": (post(only(*FINANCE), data={"funding_source": "apbd"}),),
    "payments:rule_set": (post(only(*FINANCE), data={"funding_source": "apbd", "amount": "600000"}),),
    "payments:batch_build": (post(only(*FINANCE), data={"funding_source": "apbd"}),),
    "payments:batch": (Case(only(*FINANCE)),),
    "payments:batch_approve": (post(only(*FINANCE)),),
    "payments:batch_cancel": (post(only(*FINANCE), data={"reason": "Salah sumber dana"}),),
    "payments:batch_export": (post(only(*FINANCE), data={"provider_code": "002"}),),
    "payments:batch_result": (post(only(*FINANCE), data=lambda w: w.result_body(), multipart=True),),
    "payments:batch_report": (Case(only(*FINANCE)),),
    "payments:batch_return": (post(only(*FINANCE), data={"reference": "SNK000001-1", "reason": "Rekening ditutup"}),),
    "payments:payables": (Case(only(*FINANCE)),),
    "payments:payable_cancel": (post(only(*FINANCE), data={"reason": "Salah orang"}),),
    "payments:review_queue": (Case(only(*FINANCE)),),
    "payments:review_decide": (post(only(*FINANCE), data={"decision": "accept"}),),
    "payments:reconciliation": (Case(only(*FINANCE)),),
    # --- surveys ------------------------------------------------------------------------------------
    "surveys:fill": (Case(only("owner"), note="the owner's answers (already filled), read-only"),),
    "surveys:thanks": (Case(only("owner")),),
    "surveys:summary": (Case(only(*PROGRAM_VIEWERS)),),
    # --- API: documentation -------------------------------------------------------------------------
    "api:openapi-json": (Case(PUBLIC),),
    "api:openapi-view": (Case(PUBLIC),),
    "api:api-root": (Case(NOBODY),),
    # --- API: accounts, regions ---------------------------------------------------------------------
    "POST /api/v1/accounts/signup": (Case(PUBLIC),),
    "POST /api/v1/accounts/signup/verify": (Case(PUBLIC),),
    "POST /api/v1/accounts/signup/resend": (Case(PUBLIC),),
    "GET /api/v1/accounts/me": (Case(SIGNED_IN_ONLY),),
    "GET /api/v1/regions/provinces": (Case(PUBLIC),),
    "GET /api/v1/regions/provinces/{code}/regencies": (Case(PUBLIC, params={"code": "province_code"}),),
    "GET /api/v1/regions/regencies/{code}/districts": (Case(PUBLIC, params={"code": "regency_code"}),),
    "GET /api/v1/regions/resolve/{code}": (Case(PUBLIC, params={"code": "district_code"}),),
    # --- API: institutions --------------------------------------------------------------------------
    "POST /api/v1/institutions/": (Case(only(*REGISTRANTS), data=_institution_body),),
    "GET /api/v1/institutions/review-queue": (Case(only(*APPROVERS), **scoped("pending_name", to=("officer", "admin"),
                                                                              not_to=("officer_out", "curator"))),),
    "GET /api/v1/institutions/{institution_id}": (
        Case(PUBLIC, note="approved: public"),
        Case(only(*IN_AREA, others=HIDDEN, anonymous=HIDDEN), params={"institution_id": "inst_pending"},
             note="a pending registration"),
    ),
    "PATCH /api/v1/institutions/{institution_id}": (Case(only(*INSTITUTION_EDITORS), data={"phone": "022-7000999"}),),
    "POST /api/v1/institutions/{institution_id}/resubmit": (Case(only(*INSTITUTION_EDITORS)),),
    "POST /api/v1/institutions/{institution_id}/accreditation": (
        Case(only(*CURATORS), data={"status": "accredited", "grade": "A", "number": "LA-LPK/UJI/1",
                                    "valid_until": "2030-12-31"}),
    ),
    "POST /api/v1/institutions/{institution_id}/review": (
        Case(only("officer", "admin"), data={"action": "suspend", "reason": "Pemeriksaan lapangan"}),
    ),
    "POST /api/v1/institutions/{institution_id}/staff": (
        Case(only(*PROGRAM_MANAGERS), data=lambda w: {"username": w.users["citizen"].username, "role": "instructor"}),
    ),
    # --- API: training ------------------------------------------------------------------------------
    "GET /api/v1/training/catalogue": (Case(PUBLIC, **scoped("draft_title", not_to=ROLES)),),
    "GET /api/v1/training/programs/{program_id}": (
        Case(PUBLIC),
        Case(only(*PROGRAM_VIEWERS, others=HIDDEN, anonymous=HIDDEN), params={"program_id": "draft"},
             note="a draft program"),
    ),
    "PUT /api/v1/training/programs/{program_id}": (
        Case(only(*PROGRAM_MANAGERS), params={"program_id": "published"}, data=lambda w: w.program_body()),
    ),
    "PATCH /api/v1/training/programs/{program_id}": (
        Case(only(*PROGRAM_MANAGERS), params={"program_id": "published"}, data={"quota": 12}),
    ),
    "GET /api/v1/training/vocational-fields": (Case(PUBLIC),),
    "POST /api/v1/training/vocational-fields": (Case(only(*CURATORS), data={"code": "UJI-MTX", "name": "Matriks Uji"}),),
    "GET /api/v1/training/competency-units": (Case(PUBLIC),),
    "POST /api/v1/training/competency-units": (
        Case(only(*CURATORS), data=lambda w: {"code": "MTX.0001.01", "title": "Menguji matriks",
                                              "vocational_field_id": w.field_id}),
    ),
    # Lists the caller's own institutions' programs (nothing for the others).
    "GET /api/v1/training/programs": (Case(SIGNED_IN_ONLY, **scoped("program_title", to=("manager", "instructor"),
                                                                     not_to=("manager_other", "instructor_other"))),),
    "POST /api/v1/training/programs": (Case(only(*PROGRAM_MANAGERS), data=_program_create_body),),
    "POST /api/v1/training/programs/{program_id}/transitions": (
        Case(only(*PROGRAM_MANAGERS), params={"program_id": "published"}, data={"action": "close_registration"}),
    ),
    "GET /api/v1/training/programs/{program_id}/enrollments": (Case(only(*PROGRAM_VIEWERS)),),
    "POST /api/v1/training/programs/{program_id}/enrollments": (
        Case(only(*PROGRAM_MANAGERS), params={"program_id": "published"}, data=lambda w: w.record_body()),
    ),
    "POST /api/v1/training/programs/{program_id}/enrollments/bulk": (
        Case(only(*PROGRAM_MANAGERS), params={"program_id": "published"},
             data=lambda w: {"ids": [w.applicant.pk], "action": "accept"}),
    ),
    "POST /api/v1/training/programs/{program_id}/results": (
        Case(only(*ASSESSORS), data=lambda w: {"ids": [w.enrollment_ready.pk], "result": "passed"}),
    ),
    "GET /api/v1/training/enrollments/{enrollment_id}/history": (Case(only("owner", *PROGRAM_VIEWERS)),),
    # Staff (and administrators) have no citizen profile to register or to list trainings of.
    "POST /api/v1/training/programs/{program_id}/register": (Case(only(*CITIZENS), params={"program_id": "published"}),),
    "GET /api/v1/training/me/enrollments": (Case(only(*CITIZENS), **scoped("program_title", to=("owner",),
                                                                            not_to=("citizen",))),),
    # Only the person withdraws (not even an administrator on their behalf); someone else's enrollment
    # answers like an unknown one.
    "POST /api/v1/training/enrollments/{enrollment_id}/withdraw": (
        Case(only("owner", others=HIDDEN), params={"enrollment_id": "applicant"}, data={"reason": "Berhalangan"}),
    ),
    "POST /api/v1/training/programs/{program_id}/import": (
        Case(only(*PROGRAM_MANAGERS), params={"program_id": "published"}, multipart=True,
             data=lambda w: w.import_body()),
    ),
    "GET /api/v1/training/programs/{program_id}/import/errors/{token}": (
        Case(only(*PROGRAM_MANAGERS), params={"token": "error_token"}),
    ),
    "GET /api/v1/training/programs/{program_id}/export": (Case(only(*PROGRAM_VIEWERS)),),
    "POST /api/v1/training/programs/{program_id}/export-jobs": (Case(only(*PROGRAM_VIEWERS)),),
    # A background import or export is shown only to whoever started it; for anyone else it does not exist.
    "GET /api/v1/training/programs/{program_id}/jobs/{token}": (
        Case(only("manager", others=HIDDEN), params={"token": "export_job_token"}),
    ),
    "GET /api/v1/training/programs/{program_id}/jobs/{token}/file": (
        Case(only("manager", others=HIDDEN), params={"token": "export_job_token"}),
    ),
    "GET /api/v1/training/programs/{program_id}/moves/{token}": (
        Case(only("manager", others=HIDDEN), params={"token": "move_token"}),
    ),
    "GET /api/v1/training/programs/{program_id}/transitions/{action}": (
        Case(only(*PROGRAM_MANAGERS), params={"action": "close_action"}),
    ),
    "GET /api/v1/payments/payables": (Case(only(*FINANCE)),),
    "GET /api/v1/payments/batches": (Case(only(*FINANCE)),),
    "GET /api/v1/payments/batches/{batch_id}": (Case(only(*FINANCE)),),
    "GET /api/v1/payments/batches/{batch_id}/lines": (Case(only(*FINANCE)),),
    "POST /api/v1/payments/batches/{batch_id}/export": (Case(only(*FINANCE), data={"provider_code": "002"}),),
    "POST /api/v1/payments/batches/{batch_id}/result": (Case(only(*FINANCE), data=lambda w: w.result_body(), multipart=True),),
    "POST /api/v1/training/programs/{program_id}/batches": (
        Case(only(*PROGRAM_MANAGERS), data=lambda w: w.batch_body()),
    ),
    # --- API: certification -------------------------------------------------------------------------
    "GET /api/v1/certification/verify": (Case(PUBLIC, query="id={verification_id}"),),
    "POST /api/v1/certification/verify": (Case(PUBLIC),),
    "GET /api/v1/certification/public-key": (Case(PUBLIC),),
    "POST /api/v1/certification/enrollments/{enrollment_id}/certificate": (
        Case(only(*PROGRAM_MANAGERS), params={"enrollment_id": "enrollment_ready"}),
    ),
    "GET /api/v1/certification/certificates/{certificate_id}": (Case(only(*CERTIFICATE_VIEWERS)),),
    "POST /api/v1/certification/certificates/{certificate_id}/revoke": (
        Case(only(*CERTIFICATE_REVOKERS), data={"reason": "Salah cetak nama"}),
    ),
    "POST /api/v1/certification/certificates/{certificate_id}/replace": (
        Case(only(*PROGRAM_MANAGERS), data={"reason": "Nama sudah diperbaiki"}),
    ),
    # --- API: surveys -------------------------------------------------------------------------------
    "GET /api/v1/surveys/{code}": (Case(PUBLIC),),
    "POST /api/v1/surveys/{code}/responses": (
        Case(only("owner"), data=lambda w: {"enrollment_id": w.enrollment.pk, "answers": {}}),
    ),
    "GET /api/v1/surveys/{code}/responses/{enrollment_id}": (Case(only("owner")),),
    "GET /api/v1/surveys/{code}/programs/{program_id}/summary": (Case(only(*PROGRAM_VIEWERS)),),
    # --- placement: the employer API (company A's staff only; B's and the pending company's are refused A's objects) ---
    "GET /api/v1/placement/vacancies": (Case(PUBLIC, **scoped("draft_vacancy_title", not_to=ROLES)),),
    "GET /api/v1/placement/vacancies/{vacancy_id}": (
        Case(PUBLIC),
        Case(only("employer", "admin", others=HIDDEN, anonymous=HIDDEN), params={"vacancy_id": "draft_vacancy"},
             note="a draft is only for its company's staff: the same 404 as a vacancy that does not exist"),
    ),
    "GET /api/v1/placement/companies": (Case(SIGNED_IN_ONLY, shown={"employer": ("company_name",)},
                                             not_shown={"employer_other": ("company_name",), "officer": ("company_name",)}),),
    "GET /api/v1/placement/companies/{company_id}/vacancies": (
        Case(only("employer", "admin"), **scoped("draft_vacancy_title", to=("employer",))),
        Case(only("employer_pending", "admin"), params={"company_id": "company_pending"}, note="a pending company's drafts"),
    ),
    "POST /api/v1/placement/companies/{company_id}/vacancies": (Case(only("employer", "admin"), data=lambda w: w.vacancy_api_body()),),
    "PATCH /api/v1/placement/vacancies/{vacancy_id}": (Case(only("employer", "admin"), params={"vacancy_id": "draft_vacancy"},
                                                            data={"title": "Draf Matriks Diubah"}),),
    "POST /api/v1/placement/vacancies/{vacancy_id}/publish": (Case(only("employer", "admin"), params={"vacancy_id": "draft_vacancy"}),),
    "POST /api/v1/placement/vacancies/{vacancy_id}/close": (Case(only("employer", "admin")),),
    "POST /api/v1/placement/vacancies/{vacancy_id}/fill": (Case(only("employer", "admin"), data={"filled": 1}),),
    "GET /api/v1/placement/vacancies/{vacancy_id}/applications": (
        Case(only("employer", "admin"), **scoped("owner_name", to=("employer", "admin"))),),
    "POST /api/v1/placement/applications/{application_id}/move": (
        Case(only("employer", "admin"), params={"application_id": "job_application"}, data={"action": "shortlist"}),),
    "GET /api/v1/placement/companies/{company_id}/placements": (
        Case(only("employer", "admin"), **scoped("company_worker_name", to=("employer", "admin"))),
        Case(only("admin"), params={"company_id": "company_pending"}, note="a pending company has no placements to see"),
    ),
    "POST /api/v1/placement/companies/{company_id}/placements": (
        Case(only("employer", "admin"), data=lambda w: w.placement_report_api_body()),),
    "POST /api/v1/placement/placements/{placement_id}/end": (
        Case(only("employer", "admin"), data=lambda w: {"end_date": w.today.isoformat()}),),
}
