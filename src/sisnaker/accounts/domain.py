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
