"""Pure rules of the survey engine: one validator per question kind, the whole-form check that
collects every error, the check of a new questionnaire version's questions, and the code of the
work-readiness survey. No ORM, no clock: ``today`` is always passed in.

Normalised answer values (what an ``Answer.value`` holds, JSON):

============  ==================================================================================
kind          value
============  ==================================================================================
single        the chosen choice value, a string                             ``"mencari_kerja"``
multiple      the chosen choice values in the order of the choices, a list  ``["karirhub", "bkk"]``
scale         an integer within min..max (1..5 when unset)                  ``4``
number        a JSON number: an integer when whole, else a float with at    ``3500000``, ``1.5``
              most 4 decimals and 15 significant digits (so it is exact)
date          an ISO date string                                            ``"2026-12-01"``
text          the stripped text, ``\\n`` line ends, at most 2000 characters
============  ==================================================================================

An empty answer to an optional question is ``None``: no ``Answer`` row is written.

Number input follows Indonesian habits: "1.000.000" (dots group thousands) and "1,5" (decimal
comma); "Rp 3.500.000" is accepted too. A lone dot followed by exactly three digits ("2.500") is read
as a thousands separator (two thousand five hundred), as an Indonesian reader would.

Conditional questions: a question with a ``condition`` (``Condition``: an earlier single/multiple-choice
question and some of its choice values) is asked only when that question was answered with one of those
values. Then its ``required`` applies; otherwise it is not asked at all — never required, and whatever was
posted for it is dropped (a form whose hidden field kept an old value is not refused for it).

Date questions reuse ``min_value``/``max_value`` as *days relative to today*: ``max_value`` is the
latest allowed day (unset → 0: not in the future), ``min_value`` the earliest (unset → no lower
bound besides 1 Jan 1900). An available start date uses ``min_value=0, max_value=366``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from sisnaker.core.errors import Msg, ValidationFailed

from .codes import Code

KINDS = ("single", "multiple", "scale", "number", "date", "text")
TEXT_MAX = 2000
NUMBER_MAX_DIGITS = 15  # integer part: enough for any rupiah amount a person earns
NUMBER_MAX_DECIMALS = 4
DEFAULT_SCALE = (1, 5)
DATE_FLOOR = dt.date(1900, 1, 1)
# Input longer than this is refused before any parsing (a number or a date never needs more).
SHORT_INPUT_MAX = 40
# Wide enough that normalising a bounded number (≤ 15 integer digits, a limited exponent) is exact.
_EXACT = Context(prec=100)


class AnswerInvalid(ValidationFailed):
    """One answer is wrong; ``field`` is the question code and the message names the question."""


class AnswersInvalid(ValidationFailed):
    """Several answers (or question definitions) are wrong: ``errors`` maps each question code to its
    message (``Msg``), and ``details["errors"]`` holds the same as text for the API."""

    def __init__(self, message: Msg, *, errors: Mapping[str, Msg], code: str = Code.ANSWERS_INVALID) -> None:
        self.errors = dict(errors)
        super().__init__(message, code=code, details={"errors": {k: str(v) for k, v in self.errors.items()}})


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """Ask a question only when the earlier single/multiple-choice question ``question`` was answered with one
    of ``values``."""

    question: str
    values: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"question": self.question, "values": list(self.values)}


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What the validators need to know about a question (built from a ``Question`` row or a dict)."""

    code: str
    kind: str
    text: str
    text_en: str = ""
    required: bool = True
    choices: tuple[Choice, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    help_text: str = ""
    condition: Condition | None = None

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def bounds(self) -> tuple[int, int]:
        """Scale bounds (1..5 unless set)."""
        lo = DEFAULT_SCALE[0] if self.min_value is None else self.min_value
        hi = DEFAULT_SCALE[1] if self.max_value is None else self.max_value
        return lo, hi


def spec_from(obj: Any) -> QuestionSpec:
    """A ``QuestionSpec`` from a ``Question`` row (or anything with the same attributes)."""
    return QuestionSpec(
        code=obj.code, kind=obj.kind, text=obj.text, text_en=obj.text_en or "", required=bool(obj.required),
        choices=tuple(Choice(str(c.get("value", "")), str(c.get("label", "")), str(c.get("label_en", "") or ""))
                      for c in (obj.choices or [])),
        min_value=obj.min_value, max_value=obj.max_value, help_text=getattr(obj, "help_text", "") or "",
        condition=condition_from(getattr(obj, "condition", None)),
    )


def condition_from(raw: Any) -> Condition | None:
    """A stored condition (``{"question": code, "values": [...]}``) as a ``Condition``; None when there is none."""
    if not isinstance(raw, Mapping) or not raw.get("question"):
        return None
    return Condition(str(raw["question"]), tuple(str(v) for v in raw.get("values") or ()))


def applies(spec: QuestionSpec, values: Mapping[str, Any]) -> bool:
    """Whether ``spec`` is asked, given the normalised answers of the questions before it."""
    if spec.condition is None:
        return True
    answer = values.get(spec.condition.question)
    chosen = set(answer) if isinstance(answer, list) else ({answer} if answer is not None else set())
    return bool(chosen & set(spec.condition.values))


# --- one answer ---------------------------------------------------------------------------------

def _fail(spec: QuestionSpec, id_: str, en: str, code: str = Code.ANSWER_INVALID, **params: Any) -> AnswerInvalid:
    """An error naming the question (its Indonesian text, its English text when there is one)."""
    return AnswerInvalid(
        Msg("\u201c{q}\u201d: " + id_, "\u201c{q_en}\u201d: " + en).format(q=spec.text, q_en=spec.text_en or spec.text, **params),
        code=code, field=spec.code,
    )


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, (list, tuple)):
        return all(isinstance(x, str) and x.strip() == "" for x in raw) or len(raw) == 0
    return False


def _one_string(spec: QuestionSpec, raw: Any) -> str:
    """A single string out of a form value (a string, or a list of one string from ``getlist``)."""
    if isinstance(raw, (list, tuple)):
        values = [x for x in raw if not (isinstance(x, str) and x.strip() == "")]
        if len(values) != 1:
            raise _fail(spec, "pilih satu jawaban saja.", "choose one answer only.", code=Code.ANSWER_ONE_ONLY)
        raw = values[0]
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise _fail(spec, "jawaban tidak dikenali.", "the answer is not recognised.")
    text = str(raw).strip() if isinstance(raw, str) or abs(raw) < 10**SHORT_INPUT_MAX else ""
    if not text or len(text) > 200:
        raise _fail(spec, "jawaban tidak dikenali.", "the answer is not recognised.")
    return text


def _choice_list(spec: QuestionSpec) -> str:
    return ", ".join(c.label or c.value for c in spec.choices)


def _single(spec: QuestionSpec, raw: Any, today: dt.date) -> str:
    value = _one_string(spec, raw)
    if value not in spec.choice_values:
        raise _fail(spec, "pilih salah satu jawaban yang tersedia ({c}).", "choose one of the given answers ({c}).",
                    code=Code.ANSWER_NOT_A_CHOICE, c=_choice_list(spec))
    return value


def _multiple(spec: QuestionSpec, raw: Any, today: dt.date) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        raise _fail(spec, "jawaban harus berupa daftar pilihan.", "the answer must be a list of choices.")
    values = []
    for item in raw:
        if not isinstance(item, str) or len(item) > 200:
            raise _fail(spec, "jawaban tidak dikenali.", "the answer is not recognised.")
        if item.strip():
            values.append(item.strip())
    if len(set(values)) != len(values):
        raise _fail(spec, "setiap pilihan cukup dipilih sekali.", "choose each option only once.", code=Code.ANSWER_DUPLICATE)
    unknown = [v for v in values if v not in spec.choice_values]
    if unknown:
        raise _fail(spec, "pilih dari jawaban yang tersedia ({c}).", "choose from the given answers ({c}).",
                    code=Code.ANSWER_NOT_A_CHOICE, c=_choice_list(spec))
    chosen = set(values)
    return [v for v in spec.choice_values if v in chosen]


_INT_RE = re.compile(r"[+-]?[0-9]{1,12}", re.ASCII)


def _scale(spec: QuestionSpec, raw: Any, today: dt.date) -> int:
    lo, hi = spec.bounds()
    if isinstance(raw, (list, tuple)) and len(raw) == 1:
        raw = raw[0]
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw if abs(raw) < 10**12 else None
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer() and abs(raw) < 1e12:
        value = int(raw)
    elif isinstance(raw, str) and _INT_RE.fullmatch(raw.strip()):
        value = int(raw.strip())
    if value is None or not lo <= value <= hi:
        raise _fail(spec, "pilih angka {lo} sampai {hi}.", "choose a whole number from {lo} to {hi}.",
                    code=Code.ANSWER_OUT_OF_RANGE, lo=lo, hi=hi)
    return value


# Indonesian: 1.000.000,50 — international: 1,000,000.50 — plain: 1000000 / 1000000.5 / 1,5
_GROUPED_DOT = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?", re.ASCII)
_GROUPED_COMMA = re.compile(r"[0-9]{1,3}(,[0-9]{3}){2,}(\.[0-9]+)?|[0-9]{1,3}(,[0-9]{3})+\.[0-9]+", re.ASCII)
_PLAIN = re.compile(r"[0-9]+([.,][0-9]+)?", re.ASCII)
_CURRENCY = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE | re.ASCII)


def parse_number(text: str) -> Decimal | None:
    """Read a number as an Indonesian would write it; None when it is not one."""
    s = text.strip().replace("\u00a0", " ")
    s = _CURRENCY.sub("", s)
    sign = ""
    if s[:1] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:].lstrip()
    s = s.replace(" ", "")
    if s.endswith(",-"):  # "Rp 3.500.000,-"
        s = s[:-2]
    if _GROUPED_DOT.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMA.fullmatch(s):
        s = s.replace(",", "")
    elif _PLAIN.fullmatch(s):
        s = s.replace(",", ".")
    else:
        return None
    try:
        return Decimal(sign + s)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        return None


def canonical_number(value: Decimal) -> int | float:
    """The JSON value of a checked number: ``3500000`` or ``1.5``. Whole numbers are ints; others are
    floats, exact because they have at most 15 significant digits (what a double always keeps)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _number(spec: QuestionSpec, raw: Any, today: dt.date) -> int | float:
    if isinstance(raw, (list, tuple)) and len(raw) == 1:
        raw = raw[0]
    value: Decimal | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = Decimal(raw) if abs(raw) < 10**NUMBER_MAX_DIGITS else None
    elif isinstance(raw, float):
        value = Decimal(repr(raw)) if math.isfinite(raw) and abs(raw) < 10**NUMBER_MAX_DIGITS else None
    elif isinstance(raw, Decimal):
        value = raw if raw.is_finite() and abs(raw) < 10**NUMBER_MAX_DIGITS else None
    elif isinstance(raw, str) and len(raw) <= SHORT_INPUT_MAX:
        value = parse_number(raw)
    if value is None:
        raise _fail(spec, "isi dengan angka, misalnya 3.500.000 atau 1,5.", "enter a number, e.g. 3,500,000 or 1.5.",
                    code=Code.ANSWER_NOT_A_NUMBER)
    if value == 0:
        value = Decimal(0)
    if value.as_tuple().exponent < -(NUMBER_MAX_DECIMALS + SHORT_INPUT_MAX):
        raise _fail(spec, "paling banyak {n} angka di belakang koma.", "at most {n} decimal places.",
                    code=Code.ANSWER_TOO_PRECISE, n=NUMBER_MAX_DECIMALS)
    value = value.normalize(_EXACT)
    if value.adjusted() >= NUMBER_MAX_DIGITS:
        raise _fail(spec, "angka terlalu besar.", "the number is too large.", code=Code.ANSWER_OUT_OF_RANGE)
    exponent = value.as_tuple().exponent
    if -exponent > NUMBER_MAX_DECIMALS or (exponent < 0 and len(value.as_tuple().digits) > NUMBER_MAX_DIGITS):
        raise _fail(spec, "paling banyak {n} angka di belakang koma.", "at most {n} decimal places.",
                    code=Code.ANSWER_TOO_PRECISE, n=NUMBER_MAX_DECIMALS)
    if spec.min_value is not None and value < spec.min_value:
        raise _fail(spec, "paling kecil {lo}.", "the smallest allowed is {lo}.", code=Code.ANSWER_OUT_OF_RANGE,
                    lo=_id_thousands(spec.min_value))
    if spec.max_value is not None and value > spec.max_value:
        raise _fail(spec, "paling besar {hi}.", "the largest allowed is {hi}.", code=Code.ANSWER_OUT_OF_RANGE,
                    hi=_id_thousands(spec.max_value))
    return canonical_number(value)


def _id_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_DMY_DATE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", re.ASCII)


def parse_date(text: str) -> dt.date | None:
    """ISO (2026-12-01) or Indonesian day-first (01/12/2026, 1-12-2026, 01.12.2026); None otherwise."""
    s = text.strip()
    if m := _ISO_DATE.fullmatch(s):
        y, mo, d = (int(x) for x in m.groups())
    elif m := _DMY_DATE.fullmatch(s):
        d, mo, y = (int(x) for x in m.groups())
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def date_bounds(spec: QuestionSpec, today: dt.date) -> tuple[dt.date, dt.date]:
    """Earliest and latest allowed day of a date question (see the module docstring)."""
    latest = today + dt.timedelta(days=spec.max_value or 0) if abs(spec.max_value or 0) < 100_000 else today
    earliest = DATE_FLOOR
    if spec.min_value is not None and abs(spec.min_value) < 100_000:
        earliest = max(DATE_FLOOR, today + dt.timedelta(days=spec.min_value))
    return earliest, latest


def _date(spec: QuestionSpec, raw: Any, today: dt.date) -> str:
    if isinstance(raw, (list, tuple)) and len(raw) == 1:
        raw = raw[0]
    value: dt.date | None = None
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str) and len(raw) <= SHORT_INPUT_MAX:
        value = parse_date(raw)
    if value is None:
        raise _fail(spec, "isi tanggal yang benar, misalnya 31/12/2026.", "enter a valid date, e.g. 2026-12-31.",
                    code=Code.ANSWER_NOT_A_DATE)
    earliest, latest = date_bounds(spec, today)
    if value > latest:
        if latest == today:
            raise _fail(spec, "tanggal tidak boleh di masa depan.", "the date cannot be in the future.", code=Code.ANSWER_DATE_FUTURE)
        raise _fail(spec, "paling lambat {d}.", "no later than {d}.", code=Code.ANSWER_OUT_OF_RANGE, d=latest.strftime("%d/%m/%Y"))
    if value < earliest:
        if earliest == today:
            raise _fail(spec, "tanggal tidak boleh sebelum hari ini.", "the date cannot be before today.", code=Code.ANSWER_DATE_PAST)
        raise _fail(spec, "paling awal {d}.", "no earlier than {d}.", code=Code.ANSWER_OUT_OF_RANGE, d=earliest.strftime("%d/%m/%Y"))
    return value.isoformat()


# Control characters other than tab and newline never belong in an answer (and PostgreSQL's JSON
# refuses NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(raw: str) -> str:
    return _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _text(spec: QuestionSpec, raw: Any, today: dt.date) -> str:
    if isinstance(raw, (list, tuple)) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, str):
        raise _fail(spec, "jawaban harus berupa teks.", "the answer must be text.")
    value = clean_text(raw)
    if len(value) > TEXT_MAX:
        raise _fail(spec, "paling banyak {n} karakter (sekarang {m}).", "at most {n} characters (now {m}).",
                    code=Code.ANSWER_TOO_LONG, n=TEXT_MAX, m=len(value))
    return value


VALIDATORS = {"single": _single, "multiple": _multiple, "scale": _scale, "number": _number, "date": _date, "text": _text}


def validate_answer(spec: QuestionSpec, raw: Any, *, today: dt.date) -> Any:
    """The normalised value of one answer, ``None`` for an empty optional answer, or ``AnswerInvalid``
    naming the question. Never raises anything else, whatever ``raw`` is."""
    try:
        blank = _is_blank(raw)
        if not blank and spec.kind == "text" and isinstance(raw, str) and clean_text(raw) == "":
            blank = True
        if blank:
            if spec.required:
                raise _fail(spec, "wajib diisi.", "this question must be answered.", code=Code.ANSWER_REQUIRED)
            return None
        validator = VALIDATORS.get(spec.kind)
        if validator is None:
            raise _fail(spec, "jenis pertanyaan tidak dikenal.", "unknown question kind.", code=Code.QUESTION_KIND)
        value = validator(spec, raw, today)
        if spec.kind == "multiple" and not value:
            if spec.required:
                raise _fail(spec, "pilih paling sedikit satu jawaban.", "choose at least one answer.", code=Code.ANSWER_REQUIRED)
            return None
        return value
    except AnswerInvalid:
        raise
    except Exception as exc:  # a validator bug must still be a clear refusal, never a 500
        raise _fail(spec, "jawaban tidak dapat dibaca.", "the answer cannot be read.") from exc


def validate_answers(
    specs: list[QuestionSpec], raw: Any, *, today: dt.date
) -> dict[str, Any]:
    """All answers of one response: ``{code: normalised value}`` (empty optional answers and questions whose
    condition does not hold left out), or ``AnswersInvalid`` carrying every error at once, keyed by question code.
    Conditions are read from the answers of the questions before (in ``specs`` order)."""
    if not isinstance(raw, Mapping):
        raise AnswersInvalid(Msg("Jawaban harus dikirim sebagai pasangan kode pertanyaan dan jawaban.",
                                 "Answers must be sent as question code → answer pairs."), errors={}, code=Code.ANSWERS_SHAPE)
    known = {s.code for s in specs}
    errors: dict[str, Msg] = {}
    for key in raw:
        if key not in known:
            name = str(key)[:50]
            errors[name] = Msg("Pertanyaan \u201c{k}\u201d tidak ada di kuesioner ini.",
                               "Question \u201c{k}\u201d is not in this questionnaire.").format(k=name)
    values: dict[str, Any] = {}
    for spec in specs:
        if not applies(spec, values):
            continue  # not asked: never required, and what was posted for it is dropped
        try:
            value = validate_answer(spec, raw.get(spec.code), today=today)
        except AnswerInvalid as exc:
            errors[spec.code] = exc.message
            continue
        if value is not None:
            values[spec.code] = value
    if errors:
        raise AnswersInvalid(
            Msg("Ada {n} jawaban yang perlu diperbaiki; lihat pesan di bawah pertanyaannya.",
                "{n} answers need fixing; see the message under each question.").format(n=len(errors)),
            errors=errors,
        )
    return values


# --- question definitions (publishing a version) ------------------------------------------------

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}", re.ASCII)


def is_code(value: str) -> bool:
    """A questionnaire, question or choice code: lowercase letters, digits, - and _ (at most 50)."""
    return bool(_SLUG.fullmatch(value))


@dataclass
class _Collector:
    errors: dict[str, Msg] = field(default_factory=dict)

    def add(self, key: str, id_: str, en: str, **params: Any) -> None:
        self.errors.setdefault(key, Msg(id_, en).format(**params))


def _opt_int(value: Any) -> tuple[bool, int | None]:
    if value is None or value == "":
        return True, None
    if isinstance(value, bool):
        return False, None
    if isinstance(value, int) and abs(value) < 2**31:
        return True, value
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        return True, int(value.strip())
    return False, None


def _condition(c: _Collector, key: str, i: int, raw: Any, earlier: Mapping[str, QuestionSpec]) -> Condition | None:
    """A question's condition, checked: an earlier single/multiple-choice question and some of its choices."""
    question = raw.get("question") if isinstance(raw, Mapping) else None
    values = raw.get("values") if isinstance(raw, Mapping) else None
    target = earlier.get(question) if isinstance(question, str) else None
    if target is None or target.kind not in ("single", "multiple"):
        c.add(f"{key}.condition", "Pertanyaan ke-{i}: syarat harus merujuk pertanyaan pilihan sebelumnya.",
              "Question {i}: a condition must refer to an earlier choice question.", i=i)
        return None
    if (not isinstance(values, (list, tuple)) or not values or len(values) > 50
            or not all(isinstance(v, str) and v in target.choice_values for v in values)):
        c.add(f"{key}.condition", "Pertanyaan ke-{i}: syarat perlu satu atau lebih pilihan dari \u201c{q}\u201d.",
              "Question {i}: a condition needs one or more of the choices of \u201c{q}\u201d.", i=i, q=question)
        return None
    return Condition(question, tuple(dict.fromkeys(values)))


def validate_question_specs(questions: Any) -> list[QuestionSpec]:
    """Check the questions of a new version (each a dict: code, kind, text, text_en, help_text,
    required, choices, min_value, max_value, condition — ``{"question": earlier code, "values": [...]}``). Every problem is reported at once (``AnswersInvalid``
    with keys like ``"3.choices"``: the question's position, from 1, and the attribute)."""
    c = _Collector()
    if not isinstance(questions, (list, tuple)) or not questions:
        raise AnswersInvalid(Msg("Kuesioner perlu paling sedikit satu pertanyaan.", "A questionnaire needs at least one question."),
                             errors={}, code=Code.QUESTIONS_EMPTY)
    if len(questions) > 200:
        raise AnswersInvalid(Msg("Paling banyak 200 pertanyaan.", "At most 200 questions."), errors={}, code=Code.QUESTIONS_TOO_MANY)
    specs: list[QuestionSpec] = []
    seen: set[str] = set()
    for i, q in enumerate(questions, start=1):
        key = str(i)
        if not isinstance(q, Mapping):
            c.add(key, "Pertanyaan ke-{i} tidak terbaca.", "Question {i} cannot be read.", i=i)
            continue
        code = q.get("code")
        if not isinstance(code, str) or not _SLUG.fullmatch(code):
            c.add(f"{key}.code", "Pertanyaan ke-{i}: kode berisi huruf kecil, angka, - atau _ (paling banyak 50).",
                  "Question {i}: the code uses lowercase letters, digits, - or _ (at most 50).", i=i)
            code = f"#{i}"
        elif code in seen:
            c.add(f"{key}.code", "Pertanyaan ke-{i}: kode \u201c{code}\u201d dipakai dua kali.",
                  "Question {i}: the code \u201c{code}\u201d is used twice.", i=i, code=code)
        seen.add(code)
        kind = q.get("kind")
        if kind not in KINDS:
            c.add(f"{key}.kind", "Pertanyaan ke-{i}: jenis harus salah satu dari {k}.", "Question {i}: the kind must be one of {k}.",
                  i=i, k=", ".join(KINDS))
        texts = {}
        for attr, limit, needed in (("text", 500, True), ("text_en", 500, False), ("help_text", 500, False)):
            value = q.get(attr, "")
            value = "" if value is None else value
            if not isinstance(value, str) or len(value.strip()) > limit or (needed and not value.strip()):
                c.add(f"{key}.{attr}", "Pertanyaan ke-{i}: {a} wajib berupa teks 1–{n} karakter." if needed
                      else "Pertanyaan ke-{i}: {a} paling banyak {n} karakter.",
                      "Question {i}: {a} must be text of 1–{n} characters." if needed else "Question {i}: {a} has at most {n} characters.",
                      i=i, a=attr, n=limit)
                value = ""
            texts[attr] = value.strip() if isinstance(value, str) else ""
        required = q.get("required", True)
        if not isinstance(required, bool):
            c.add(f"{key}.required", "Pertanyaan ke-{i}: required bernilai true/false.", "Question {i}: required is true/false.", i=i)
            required = True
        ok_lo, lo = _opt_int(q.get("min_value"))
        ok_hi, hi = _opt_int(q.get("max_value"))
        if not (ok_lo and ok_hi):
            c.add(f"{key}.bounds", "Pertanyaan ke-{i}: batas bawah/atas harus bilangan bulat.",
                  "Question {i}: the bounds must be whole numbers.", i=i)
        elif lo is not None and hi is not None and lo > hi:
            c.add(f"{key}.bounds", "Pertanyaan ke-{i}: batas bawah lebih besar dari batas atas.",
                  "Question {i}: the lower bound is above the upper bound.", i=i)
        choices: list[Choice] = []
        raw_choices = q.get("choices") or []
        if kind in ("single", "multiple"):
            if not isinstance(raw_choices, (list, tuple)) or len(raw_choices) < 2 or len(raw_choices) > 50:
                c.add(f"{key}.choices", "Pertanyaan ke-{i}: perlu 2–50 pilihan jawaban.", "Question {i}: needs 2–50 choices.", i=i)
                raw_choices = []
            values_seen: set[str] = set()
            for ch in raw_choices:
                value = ch.get("value") if isinstance(ch, Mapping) else None
                label = ch.get("label") if isinstance(ch, Mapping) else None
                label_en = (ch.get("label_en") or "") if isinstance(ch, Mapping) else ""
                if (not isinstance(value, str) or not _SLUG.fullmatch(value) or value in values_seen
                        or not isinstance(label, str) or not label.strip() or len(label) > 200
                        or not isinstance(label_en, str) or len(label_en) > 200):
                    c.add(f"{key}.choices", "Pertanyaan ke-{i}: setiap pilihan perlu value unik (huruf kecil, angka, - _) dan label.",
                          "Question {i}: each choice needs a unique value (lowercase, digits, - _) and a label.", i=i)
                    continue
                values_seen.add(value)
                choices.append(Choice(value, label.strip(), label_en.strip()))
        elif raw_choices:
            c.add(f"{key}.choices", "Pertanyaan ke-{i}: hanya pilihan tunggal/ganda yang memakai pilihan jawaban.",
                  "Question {i}: only single/multiple choice questions have choices.", i=i)
        condition = None
        raw_condition = q.get("condition")
        if raw_condition:
            condition = _condition(c, key, i, raw_condition, {s.code: s for s in specs})
        if kind == "scale" and ok_lo and ok_hi:
            s_lo, s_hi = (DEFAULT_SCALE[0] if lo is None else lo), (DEFAULT_SCALE[1] if hi is None else hi)
            if not (0 <= s_lo < s_hi <= 10):
                c.add(f"{key}.bounds", "Pertanyaan ke-{i}: skala antara 0 dan 10, bawah < atas (misalnya 1–5).",
                      "Question {i}: a scale lies within 0..10 with lower < upper (e.g. 1–5).", i=i)
        specs.append(QuestionSpec(
            code=code, kind=kind if kind in KINDS else "text", text=texts["text"], text_en=texts["text_en"],
            help_text=texts["help_text"], required=required, choices=tuple(choices),
            min_value=lo if ok_lo else None, max_value=hi if ok_hi else None, condition=condition,
        ))
    if c.errors:
        raise AnswersInvalid(
            Msg("Ada {n} masalah pada daftar pertanyaan.", "{n} problems in the questions.").format(n=len(c.errors)),
            errors=c.errors, code=Code.QUESTIONS_INVALID,
        )
    return specs


# --- the default questionnaire ---------------------------------------------------------------------

# The work-readiness survey (survei kesiapan kerja), installed by migration 0002. Who may fill it, and what
# it counts for, is certification's business (a step to the certificate): the engine only knows its code.
READINESS_CODE = "kesiapan-kerja"
# The post-training employment survey (survei kebekerjaan), installed by migration 0004. When alumni may fill
# it is certification's rule (a window after graduation); payments read its responses (the alumni incentive).
EMPLOYMENT_CODE = "employment"
