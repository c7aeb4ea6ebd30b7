"""The survey engine's audit actions and error codes (``core/codes.py``; listed in docs/codes.md).

The values are what stored audit rows and API clients already rely on: never change one."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    RESPONSE_SUBMITTED = "survey.response_submitted", Msg("Survei diisi", "Survey answered")
    VERSION_PUBLISHED = "survey.version_published", Msg("Versi kuesioner diterbitkan", "Questionnaire version published")


class Code(ErrorCode):
    # one answer (domain.validate_answer)
    ANSWER_INVALID = "answer_invalid", Msg("Jawaban tidak dikenali", "Unrecognised answer")
    ANSWER_REQUIRED = "answer_required", Msg("Pertanyaan wajib dijawab", "The question must be answered")
    ANSWER_ONE_ONLY = "answer_one_only", Msg("Pilih satu jawaban saja", "Choose one answer only")
    ANSWER_NOT_A_CHOICE = "answer_not_a_choice", Msg("Bukan salah satu pilihan", "Not one of the choices")
    ANSWER_DUPLICATE = "answer_duplicate", Msg("Pilihan dipilih dua kali", "A choice chosen twice")
    ANSWER_OUT_OF_RANGE = "answer_out_of_range", Msg("Di luar batas", "Out of range")
    ANSWER_NOT_A_NUMBER = "answer_not_a_number", Msg("Bukan angka", "Not a number")
    ANSWER_TOO_PRECISE = "answer_too_precise", Msg("Terlalu banyak angka di belakang koma", "Too many decimal places")
    ANSWER_NOT_A_DATE = "answer_not_a_date", Msg("Bukan tanggal", "Not a date")
    ANSWER_DATE_FUTURE = "answer_date_future", Msg("Tanggal di masa depan", "A date in the future")
    ANSWER_DATE_PAST = "answer_date_past", Msg("Tanggal sebelum hari ini", "A date before today")
    ANSWER_TOO_LONG = "answer_too_long", Msg("Jawaban terlalu panjang", "Answer too long")
    QUESTION_KIND = "question_kind", Msg("Jenis pertanyaan tidak dikenal", "Unknown question kind")
    # a whole response (domain.validate_answers)
    ANSWERS_INVALID = "answers_invalid", Msg("Ada jawaban yang perlu diperbaiki", "Some answers need fixing")
    ANSWERS_SHAPE = "answers_shape", Msg("Jawaban bukan pasangan kode dan jawaban", "Answers are not code → answer pairs")
    # questionnaire versions (domain.validate_question_specs, services.questionnaire_publish_version)
    QUESTIONS_EMPTY = "questions_empty", Msg("Kuesioner tanpa pertanyaan", "A questionnaire without questions")
    QUESTIONS_TOO_MANY = "questions_too_many", Msg("Terlalu banyak pertanyaan", "Too many questions")
    QUESTIONS_INVALID = "questions_invalid", Msg("Daftar pertanyaan tidak sah", "Invalid questions")
    QUESTIONNAIRE_NOT_FOUND = "questionnaire_not_found", Msg("Kuesioner tidak ditemukan", "Questionnaire not found")
    QUESTIONNAIRE_CODE = "questionnaire_code", Msg("Kode kuesioner tidak sah", "Invalid questionnaire code")
    # responses
    SURVEY_ALREADY_FILLED = "survey_already_filled", Msg("Survei sudah diisi", "Survey already filled")
    SURVEY_NOT_ELIGIBLE = "survey_not_eligible", Msg("Survei belum dapat diisi", "The survey cannot be filled now")
    ENROLLMENT_NOT_OWN = "enrollment_not_own", Msg("Pendaftaran milik orang lain", "Someone else's enrollment")
    NOT_A_PERSON = "not_a_person", Msg("Akun tanpa profil warga", "Account without a citizen profile")
    RESPONSE_NOT_FOUND = "response_not_found", Msg("Survei belum diisi", "Survey not filled")

