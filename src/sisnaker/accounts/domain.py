"""Pure rules for accounts and people: identifier and phone normalisation, declared-vs-NIK checks.
No ORM, no clock."""

from __future__ import annotations

import re

from sisnaker.core.errors import Msg, ValidationFailed

_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """Indonesian mobile number to E.164 (+62…). Accepts 0812…, 62812…, +62 812-…, 812….

    Raises ValidationFailed (field ``phone``) with what is wrong.
    """
    text = _PHONE_JUNK.sub("", raw or "")
    if not text:
        raise ValidationFailed(
            Msg("Nomor HP wajib diisi.", "A mobile number is required."), code="phone_required", field="phone"
        )
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("62"):
            raise ValidationFailed(
                Msg(
                    "Nomor HP harus nomor Indonesia (+62 atau 08…).",
                    "The mobile number must be Indonesian (+62 or 08…).",
                ),
                code="phone_country",
                field="phone",
            )
    if not text.isdigit() or not text.isascii():
        raise ValidationFailed(
            Msg("Nomor HP hanya boleh berisi angka, contoh 0812-3456-7890.", "A mobile number holds digits only, e.g. 0812-3456-7890."),
            code="phone_digits",
            field="phone",
        )
    if text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text
    if not national.startswith("8") or not 9 <= len(national) <= 12:
        raise ValidationFailed(
            Msg(
                "Nomor HP tidak dikenali: nomor seluler Indonesia diawali 08 dan terdiri dari 10–13 angka.",
                "Unrecognised mobile number: Indonesian mobile numbers start with 08 and have 10–13 digits.",
            ),
            code="phone_format",
            field="phone",
        )
    return "+62" + national


def classify_identifier(raw: str) -> tuple[str, str]:
    """What a log-in identifier is: ("nik", digits) | ("email", lower) | ("phone", +62…) | ("username", raw)."""
    text = (raw or "").strip()
    compact = _PHONE_JUNK.sub("", text)
    if len(compact) == 16 and compact.isdigit() and compact.isascii():
        return "nik", compact
    if "@" in text:
        return "email", text.lower()
    if compact.lstrip("+").isdigit() and len(compact) >= 9:
        try:
            return "phone", normalize_phone(compact)
        except ValidationFailed:
            return "username", text
    return "username", text


def mask_account_number(number: str) -> str:
    """Bank account shown with only its last four digits."""
    return ("•" * max(len(number) - 4, 0)) + number[-4:] if number else ""


# --- matching a typed name against a registered one ---------------------------------------------
#
# A NIK typed by someone else (staff, an import, a sign-up) links to a registered person only when the
# name and birth date match too. Names are compared without case, spacing, punctuation, and the
# titles and degrees people add or leave out (Dr., Ir., H., Hj., S.Kom., M.M. ...), because a KTP,
# a school certificate and a spreadsheet rarely write them the same way.

_TITLES_BEFORE = frozenset({
    "dr", "drg", "drh", "drs", "dra", "ir", "prof", "h", "hj", "kh", "k.h", "ust", "ustadz", "ustadzah", "hc",
})
# A degree written as one token with an inner dot: "S.Kom", "S.T.", "M.M.", "A.Md", "S.Pd.I", "M.Sc".
_DEGREE = re.compile(r"^[A-Za-z]{1,3}(\.[A-Za-z]{1,5}){1,3}\.?$")
_DEGREE_WORDS = frozenset({"se", "sh", "st", "mm", "mt", "mh", "msi", "mpd", "spd", "skom", "amd", "ssos", "sip", "phd",
                           "mba", "msc", "bsc", "ba", "ma", "ak", "cpa", "ssi", "sag", "mag", "skm", "sked", "ked", "spd.i"})


def normalize_name(raw: str) -> str:
    """The part of a name that identifies a person: lower case letters in words, without titles
    before it and degrees after it."""
    text = (raw or "").strip()
    # Degrees follow a comma by convention: "Siti Rahma, S.Kom., M.M."
    text = text.split(",", 1)[0]
    tokens = text.split()
    while tokens and tokens[0].lower().strip(".").replace(".", "") in {t.replace(".", "") for t in _TITLES_BEFORE}:
        tokens.pop(0)
    while len(tokens) > 1 and (_DEGREE.match(tokens[-1]) or tokens[-1].lower().replace(".", "") in _DEGREE_WORDS
                               and "." in tokens[-1]):
        tokens.pop()
    words = ("".join(ch for ch in token.lower() if ch.isalpha()) for token in tokens)
    return " ".join(w for w in words if w)


def names_match(a: str, b: str) -> bool:
    """Whether two written names are the same person's name (see ``normalize_name``)."""
    left, right = normalize_name(a), normalize_name(b)
    return bool(left) and left == right
