"""Survey pages: fill a questionnaire for one enrollment (mobile-first form, every error under its
question, nothing half-saved), the thank-you page, the read-only view of one's answers, and the staff
results summary per program. A refusal (not found, not theirs, not now) rises to ``core.pages``.

Texts on these pages are bilingual at the source (``Msg``), so they follow the chosen language
without a translation catalogue; questions show ``text_en`` when the language is English."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from sisnaker.core.errors import Conflict, Msg, NotFound

from . import domain, selectors, services
from .codes import Code

UI = {
    "required": Msg("wajib", "required"),
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
}

def _english() -> bool:
    return (translation.get_language() or "id").lower().startswith("en")


def _titles(questionnaire) -> dict[str, str]:
    title, description = questionnaire.title, questionnaire.description
    if _english() and questionnaire.code in ENGLISH:
        title, description = ENGLISH[questionnaire.code]
    return {"title": title, "description": description}


def _question_rows(version, *, raw: dict[str, Any], errors: dict[str, Msg], english: bool, today) -> list[dict[str, Any]]:
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


def _raw_answers(request: HttpRequest, version) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in version.questions.all():
        name = f"q-{q.code}"
        raw[q.code] = request.POST.getlist(name) if q.kind == "multiple" else request.POST.get(name, "")
    return raw


def _answers_page(request: HttpRequest, *, version, enrollment, response, status: int = 200, thanks: bool = False) -> HttpResponse:
    english = _english()
    return render(request, "surveys/answers.html", {
        "t": UI, "q": _titles(response.version.questionnaire), "version": response.version, "enrollment": enrollment,
        "program": enrollment.program, "response": response, "thanks": thanks,
        "rows": selectors.answer_rows(response=response, english=english),
    }, status=status)


@login_required
def fill(request: HttpRequest, code: str, enrollment_id: int) -> HttpResponse:
    version = services.questionnaire_current(code=code)
    enrollment, person = selectors.enrollment_and_person(user=request.user, enrollment_id=enrollment_id)
    try:
        services.response_check(actor=request.user, code=code, person=person, enrollment=enrollment)
        refusal = None
    except Conflict as exc:  # not now: the answers already given may still be read
        refusal = exc
    existing = selectors.response_for(code=code, enrollment=enrollment)
    if existing is not None:
        if request.method == "POST":
            messages.info(request, str(services.ALREADY_FILLED))
            return redirect("surveys:fill", code, enrollment.pk)
        return _answers_page(request, version=version, enrollment=enrollment, response=existing)
    if refusal is not None:
        raise refusal
    english, now = _english(), timezone.now()
    raw: dict[str, Any] = {}
    errors: dict[str, Msg] = {}
    summary = ""
    if request.method == "POST":
        raw = _raw_answers(request, version)
        try:
            services.response_submit(actor=request.user, code=code, person=person, enrollment=enrollment, answers=raw, now=now)
        except domain.AnswersInvalid as exc:
            errors, summary = exc.errors, str(exc.message)
        except Conflict as exc:
            if exc.code != Code.SURVEY_ALREADY_FILLED:
                raise
            messages.info(request, str(exc.message))
            return redirect("surveys:fill", code, enrollment.pk)
        else:
            return redirect("surveys:thanks", code, enrollment.pk)
    return render(request, "surveys/fill.html", {
        "t": UI, "q": _titles(version.questionnaire), "version": version, "enrollment": enrollment,
        "program": enrollment.program, "summary": summary,
        "questions": _question_rows(version, raw=raw, errors=errors, english=english, today=timezone.localdate(now)),
    }, status=400 if errors else 200)


@login_required
def thanks(request: HttpRequest, code: str, enrollment_id: int) -> HttpResponse:
    version = services.questionnaire_current(code=code)
    enrollment, person = selectors.enrollment_and_person(user=request.user, enrollment_id=enrollment_id)
    try:
        response = selectors.own_response(person=person, code=code, enrollment=enrollment)
    except NotFound:
        return redirect("surveys:fill", code, enrollment.pk)
    return _answers_page(request, version=version, enrollment=enrollment, response=response, thanks=True)


@login_required
def summary(request: HttpRequest, code: str, program_id: int) -> HttpResponse:
    version = services.questionnaire_current(code=code)
    program = selectors.get_program(program_id=program_id)
    data = selectors.results_summary(viewer=request.user, code=code, program=program)
    english = _english()
    for v in data["versions"]:
        for q in v["questions"]:
            q["shown_text"] = (q["text_en"] if english else "") or q["text"]
            for c in q["choices"]:
                c["shown_label"] = (c["label_en"] if english else "") or c["label"]
    return render(request, "surveys/summary.html", {
        "t": UI, "q": _titles(version.questionnaire), "program": program, "data": data,
        "of_eligible": UI["of_eligible"].format(n=data["eligible_enrollments"]),
    })
