"""Pieces of the survey pages that other apps' pages reuse (certification's personal-link survey page): the
bilingual texts, the questions as the fill form shows them, the posted answers. Not views: no request
handling beyond reading posted values."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from sisnaker.core.errors import Msg

from . import domain

UI = {
    "required": Msg("wajib", "required"),
    "conditional": Msg("Dijawab bila sesuai jawaban sebelumnya.", "Answer it when it fits your earlier answer."),
    "optional": Msg("tidak wajib", "optional"),
    "submit": Msg("Kirim jawaban", "Send answers"),
    "intro": Msg("Jawaban dikirim sekali dan tidak dapat diubah sesudahnya. Pertanyaan bertanda * wajib dijawab.",
                 "Answers are sent once and cannot be changed afterwards. Questions marked * must be answered."),
    "training": Msg("Pelatihan", "Training"),
    "institution": Msg("Lembaga", "Institution"),
    "errors_intro": Msg("Belum ada jawaban yang disimpan.", "Nothing has been saved yet."),
    "number_hint": Msg("Tulis angka saja, misalnya 3.500.000", "Numbers only, e.g. 3500000"),
    "thanks_title": Msg("Terima kasih!", "Thank you!"),
    "thanks_text": Msg("Jawaban Anda sudah tersimpan.", "Your answers have been saved."),
    "your_answers": Msg("Jawaban Anda", "Your answers"),
    "filled_on": Msg("Diisi pada", "Filled on"),
    "filled_text": Msg("Survei ini sudah Anda isi; jawaban tidak dapat diubah.",
                       "You have already filled this survey; the answers cannot be changed."),
    "no_answer": Msg("(tidak dijawab)", "(not answered)"),
    "back": Msg("Kembali ke Pelatihan saya", "Back to My trainings"),
    "summary_title": Msg("Hasil survei", "Survey results"),
    "responses": Msg("Jawaban masuk", "Responses"),
    "of_eligible": Msg("dari {n} peserta/alumni", "of {n} participants/alumni"),
    "version": Msg("Versi", "Version"),
    "answered": Msg("dijawab", "answered"),
    "average": Msg("Rata-rata", "Average"),
    "range": Msg("Terendah–tertinggi", "Lowest–highest"),
    "choice": Msg("Jawaban", "Answer"),
    "count": Msg("Jumlah", "Count"),
    "no_responses": Msg("Belum ada jawaban dari peserta program ini.", "No responses from this program's participants yet."),
    "free_answers": Msg("Jawaban bebas tidak ditampilkan di ringkasan.", "Free-text answers are not shown in the summary."),
}

# Questionnaire titles and descriptions are stored in Indonesian; the English ones of the defaults:
ENGLISH = {
    domain.READINESS_CODE: (
        "Work-readiness survey",
        "A short survey for trainees and alumni about being ready for work. Your answers help the training "
        "institution and the manpower office connect you with vacancies and placement services. Filling it is "
        "one of the requirements for your training certificate.",
    ),
    domain.EMPLOYMENT_CODE: (
        "Employment survey",
        "A survey for training alumni about your work after the training. Your answers help the Ministry of Manpower, "
        "the manpower office and the training institution judge what the training is worth. Alumni who fill it may "
        "receive an incentive under the programme's rules.",
    ),
}

def english() -> bool:
    return (translation.get_language() or "id").lower().startswith("en")


def titles(questionnaire) -> dict[str, str]:
    title, description = questionnaire.title, questionnaire.description
    if english() and questionnaire.code in ENGLISH:
        title, description = ENGLISH[questionnaire.code]
    return {"title": title, "description": description}


def question_rows(version, *, raw: dict[str, Any], errors: dict[str, Msg], english: bool, today) -> list[dict[str, Any]]:
    rows = []
    for q in version.questions.all():
        spec = domain.spec_from(q)
        value = raw.get(q.code)
        selected = set(value if isinstance(value, list) else [value]) if value not in (None, "") else set()
        row: dict[str, Any] = {
            "code": q.code, "kind": q.kind, "name": f"q-{q.code}", "id": f"q-{q.code}", "required": q.required,
            "text": (q.text_en if english else "") or q.text, "help": q.help_text if not english else "",
            "value": value if isinstance(value, str) else "", "error": "",
            "choices": [
                {"value": c.value, "label": (c.label_en if english else "") or c.label, "checked": c.value in selected}
                for c in spec.choices
            ],
        }
        if spec.condition is not None:
            # Shown only when the earlier answer fits (sisnaker.js); without script it stays visible with its hint.
            row["show_if"] = f"q-{spec.condition.question}"
            row["show_if_values"] = " ".join(spec.condition.values)
            row["condition_hint"] = str(UI["conditional"])
        if q.code in errors:
            row["error"] = _under_question(str(errors[q.code]), row["text"], q.text)
        if q.kind == "scale":
            lo, hi = spec.bounds()
            row["choices"] = [{"value": str(i), "label": str(i), "checked": str(i) in selected} for i in range(lo, hi + 1)]
        if q.kind == "date":
            earliest, latest = domain.date_bounds(spec, today)
            row["min"], row["max"] = earliest.isoformat(), latest.isoformat()
        rows.append(row)
    return rows


def _under_question(message: str, *texts: str) -> str:
    """Under its question an error need not repeat the question: "“Gaji …”: paling besar 10." → "Paling besar 10."."""
    for text in texts:
        prefix = f"\u201c{text}\u201d: "
        if message.startswith(prefix):
            rest = message[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return message


def raw_answers(request: HttpRequest, version) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in version.questions.all():
        name = f"q-{q.code}"
        raw[q.code] = request.POST.getlist(name) if q.kind == "multiple" else request.POST.get(name, "")
    return raw
