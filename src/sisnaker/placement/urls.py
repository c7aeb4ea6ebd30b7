from django.urls import path

from .views import ak1, jobs, matching, outcomes, reports

app_name = "placement"
urlpatterns = [
    path("ak1/", ak1.ak1_index, name="ak1_index"),
    path("ak1/saya/", ak1.ak1_mine, name="ak1_mine"),
    path("ak1/daftar/", ak1.ak1_apply, name="ak1_apply"),
    path("ak1/antrean/", ak1.ak1_queue, name="ak1_queue"),
    path("ak1/<int:card_id>/", ak1.ak1_card, name="ak1_card"),
    path("ak1/<int:card_id>/terbitkan/", ak1.ak1_issue, name="ak1_issue"),
    path("ak1/<int:card_id>/tolak/", ak1.ak1_refuse, name="ak1_refuse"),
    path("ak1/<int:card_id>/lapor/", ak1.ak1_report, name="ak1_report"),
    path("ak1/<int:card_id>/ubah/", ak1.ak1_update, name="ak1_update"),
    path("ak1/<int:card_id>/pdf/", ak1.ak1_pdf, name="ak1_pdf"),
    path("ak1/<int:card_id>/foto/", ak1.ak1_photo, name="ak1_photo"),
    path("ak1/<int:card_id>/foto/ganti/", ak1.ak1_photo_change, name="ak1_photo_change"),
    path("ak1/<int:card_id>/foto/minta/", ak1.ak1_photo_request, name="ak1_photo_request"),
    path("ak1/v/<str:verification_id>/", ak1.ak1_verify, name="ak1_verify"),
    # Employers: registration, their page, staff; the regency office's vetting.
    path("perusahaan/daftar/", jobs.company_register, name="company_register"),
    path("perusahaan/saya/", jobs.company_mine, name="company_mine"),
    path("perusahaan/antrean/", jobs.company_queue, name="company_queue"),
    path("perusahaan/<int:company_id>/", jobs.company_detail, name="company_detail"),
    path("perusahaan/<int:company_id>/tinjau/", jobs.company_review, name="company_review"),
    path("perusahaan/<int:company_id>/ubah/", jobs.company_edit, name="company_edit"),
    path("perusahaan/<int:company_id>/staf/", jobs.company_add_staff, name="company_add_staff"),
    path("perusahaan/<int:company_id>/staf/<int:user_id>/keluarkan/", jobs.company_remove_staff, name="company_remove_staff"),
    path("perusahaan/<int:company_id>/pengelola/", jobs.company_hand_over, name="company_hand_over"),
    path("perusahaan/<int:company_id>/keluar/", jobs.company_leave, name="company_leave"),
    path("perusahaan/<int:company_id>/lowongan/baru/", jobs.vacancy_create, name="vacancy_create"),
    path("lowongan/<int:vacancy_id>/ubah/", jobs.vacancy_edit, name="vacancy_edit"),
    path("lowongan/<int:vacancy_id>/status/<str:action>/", jobs.vacancy_status, name="vacancy_status"),
    path("lowongan/<int:vacancy_id>/pelamar/", jobs.vacancy_applicants, name="vacancy_applicants"),
    path("lamaran/<int:application_id>/tahap/", jobs.application_move, name="application_move"),
    path("lamaran/saya/", jobs.my_applications, name="my_applications"),
    # Alumni outcomes: the regional worklist and the reporting-completeness view.
    path("luaran/", outcomes.outcome_worklist, name="outcome_worklist"),
    path("luaran/lapor/", outcomes.outcome_report, name="outcome_report"),
    path("luaran/impor/", outcomes.outcome_import, name="outcome_import"),
    path("kelengkapan/", outcomes.completeness, name="outcome_completeness"),
    path("kelengkapan/ingatkan/", outcomes.completeness_remind, name="outcome_remind"),
    # Matching: vacancies recommended to a citizen; candidates suggested for a vacancy (its company's staff).
    path("lowongan/untuk-saya/", matching.my_matches, name="match_mine"),
    path("lowongan/<int:vacancy_id>/kandidat/", matching.vacancy_candidates, name="match_candidates"),
    # Placements reported outside a hire: the company's workforce (report, "no longer works here"); the alumnus's own
    # work status, signed in or from a reminder's personal link.
    path("perusahaan/<int:company_id>/tenaga-kerja/", reports.company_placements, name="company_placements"),
    path("tenaga-kerja/<int:placement_id>/berhenti/", reports.placement_end, name="placement_end"),
    path("kerja-saya/", reports.my_work, name="my_work"),
    path("kerja-saya/tautan/", reports.link_work, name="link_work"),
]

# The public job search, mounted at /lowongan/ by the root URLconf (namespace "jobs"): no log-in.
public_jobs = ([
    path("", jobs.vacancy_search, name="search"),
    path("<int:vacancy_id>/", jobs.vacancy_detail, name="detail"),
    path("<int:vacancy_id>/lamar/", jobs.vacancy_apply, name="apply"),
], "jobs")
