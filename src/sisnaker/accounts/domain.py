"""Pure rules for accounts and people: identifier and phone normalisation, declared-vs-NIK checks.
No ORM, no clock."""

from __future__ import annotations

import re
import unicodedata

from sisnaker.core.errors import Msg, ValidationFailed

from .codes import Code

_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """Indonesian mobile number to E.164 (+62…). Accepts 0812…, 62812…, +62 812-…, 812….

    Raises ValidationFailed (field ``phone``) with what is wrong.
    """
    text = _PHONE_JUNK.sub("", raw or "")
    if not text:
        raise ValidationFailed(
            Msg("Nomor HP wajib diisi.", "A mobile number is required."), code=Code.PHONE_REQUIRED, field="phone"
        )
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("62"):
            raise ValidationFailed(
                Msg(
                    "Nomor HP harus nomor Indonesia (+62 atau 08…).",
                    "The mobile number must be Indonesian (+62 or 08…).",
                ),
                code=Code.PHONE_COUNTRY,
                field="phone",
            )
    if not text.isdigit() or not text.isascii():
        raise ValidationFailed(
            Msg("Nomor HP hanya boleh berisi angka, contoh 0812-3456-7890.", "A mobile number holds digits only, e.g. 0812-3456-7890."),
            code=Code.PHONE_DIGITS,
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
            code=Code.PHONE_FORMAT,
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


# --- names ----------------------------------------------------------------------------------------
# Titles written before a name (religious, academic, professional) and degrees written after it, as
# their letters only ("S.Kom." → "skom"). Staff type names with or without them, with or without dots
# and commas; the KTP usually has none. A name is compared without them.
NAME_PREFIXES = frozenset({
    "prof", "dr", "drs", "dra", "drg", "ir", "h", "hj", "haji", "hajjah", "kh", "ust", "ustadz", "ustadzah",
    "apt", "ns",
})
NAME_DEGREES = frozenset({
    # Diploma (Ahli Madya / Ahli Muda / Ahli Pratama)
    "amd", "amdkom", "amdkeb", "amdkep", "amdak", "amdpar", "amdt", "amdgz", "amdfarm", "ama", "amapd", "ap",
    # Bachelor (Sarjana)
    "st", "skom", "spd", "spdi", "se", "sh", "ssos", "spsi", "ssi", "sag", "sked", "sfarm", "skep", "sgz", "sip",
    "sikom", "shut", "sp", "spt", "str", "sst", "sak", "sds", "ssn", "shum", "sfil", "sth", "smn", "sab", "skm",
    "skes", "stp", "spi", "ssy", "sei", "shi", "sthi", "sars", "strkes", "sikes", "bsc", "ba", "bba",
    # Master and doctor
    "mkom", "mt", "mpd", "mm", "msi", "msc", "mh", "me", "mag", "mhum", "mkes", "mak", "ma", "mba", "meng", "msn",
    "mpsi", "mkn", "mars", "mp", "mkm", "mtp", "mpdi", "msos", "mip", "mec", "mphil", "phd", "dr", "dphil",
    # Specialist doctors and professions
    "sppd", "spa", "spog", "spb", "spm", "spkj", "sprad", "sps", "spjp", "spak", "cht", "ca", "cpa", "akt",
})
_WORD = re.compile(r"[^\W_]+")
_SEPARATORS = re.compile(r"[\s,;/()]+")


def _name_words(text: str) -> list[list[str]]:
    """The words of a name, each as its dot-separated parts, in lower case without accents
    ("S.Kom." → ["s", "kom"]). Spaces, commas, semicolons, slashes and brackets separate words; any
    other character that is not a letter or digit separates parts."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(ch)).casefold()
    return [parts for chunk in _SEPARATORS.split(folded) if (parts := _WORD.findall(chunk))]


def _degrees_only(parts: list[str]) -> bool:
    """Whether the parts are one or more degrees written together ("S.T.M.M." → st + mm)."""
    ok = [True] + [False] * len(parts)
    for end in range(1, len(parts) + 1):
        ok[end] = any(ok[begin] and "".join(parts[begin:end]) in NAME_DEGREES for begin in range(end))
    return ok[-1]


def name_key(text: str) -> str:
    """A name as it is compared: without titles before it and degrees after it, letters and digits
    only, lower case, accents removed. "Dr. Ir. H. Budi  Santoso, S.T., M.M." → "budisantoso"."""
    words = _name_words(text)
    start, end = 0, len(words)
    while start < end:
        parts = words[start]
        if "".join(parts) in NAME_PREFIXES:
            start += 1
        elif len(parts) > 1 and parts[0] in NAME_PREFIXES:  # "Dr.Budi": the title part only
            words[start] = parts[1:]
        else:
            break
    while end > start + 1 and _degrees_only(words[end - 1]):
        end -= 1
    key = "".join("".join(parts) for parts in words[start:end])
    return key or "".join("".join(parts) for parts in _name_words(text))  # only titles: as written


def names_match(a: str, b: str) -> bool:
    """Whether two written names are the same name. Case, spacing, punctuation, accents, titles before
    the name and degrees after it do not count; two empty names never match."""
    key_a = name_key(a)
    return bool(key_a) and key_a == name_key(b)


def added_by(*, institution_name: str, by_staff: bool, named: bool = True) -> Msg:
    """Who added a record its owner did not make (a provisional record), as the owner and staff read it: the
    institution by name (its import, or its own posko), else the Disnaker officer who recorded it at a
    manpower office's posko (``by_staff``), else officers in general. ``named=False`` says only the kind of
    institution, for someone not known to own the record (a claimant whose data differ from it): where a NIK's
    holder trained is about that person."""
    if institution_name:
        return Msg(institution_name, institution_name) if named else Msg("lembaga pelatihan", "a training institution")
    if by_staff:
        return Msg("petugas posko Disnaker", "a manpower office (Disnaker) service point officer")
    return Msg("petugas", "an officer")
