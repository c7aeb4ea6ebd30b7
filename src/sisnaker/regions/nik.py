"""Parse and validate the NIK (Nomor Induk Kependudukan), the 16-digit national ID number.

Pure: no database, no clock (``today`` is always passed in), region codes come from the in-memory
:mod:`sisnaker.regions.registry`. Layout (DESIGN §3)::

    digits  1-2   province code          (Kemendagri, "31" = DKI Jakarta)
    digits  3-4   regency/city code      ("31.74" = Kota Jakarta Selatan)
    digits  5-6   district code          ("31.74.01" = Tebet)
    digits  7-12  birth date DDMMYY; women have 40 added to the day (01-31 men, 41-71 women)
    digits 13-16  serial, never 0000

Decisions:

* **Input normalisation.** Surrounding whitespace is dropped, and spaces, dots and dashes typed
  *inside* the number ("3174 0112 3456 0001", "3174.0112.3456.0001") are removed. Every other
  character (letters, other punctuation, non-ASCII digits such as Arabic-Indic or full-width
  ones) is refused and the message names its position, counting NIK characters only (separators
  are not counted) so the position matches the layout above.
* **Century.** DDMMYY carries no century: the birth year is the most recent year ending in YY
  whose date is a real calendar date not after ``today`` (so with today = 2025-06-15, "150625"
  is 2025 and "160625" is 1925). People aged 100 or more are therefore read as 0-99 years old:
  an accepted trade-off, because the NIK cannot tell them apart. 29 February is judged per
  century (YY = 00: 2000 is a leap year, 1900 and 2100 are not). So a birth date is "in the
  future" (``nik_birth_future``) only when the one real reading is still to come: 29-02-00
  read from 1 January to 28 February 2000 (2000-02-29 ahead, 1900 not a leap year).
* **Unknown district.** Some genuine NIKs carry district codes missing from the national list
  (renumbered or never published). When the regency resolves, the NIK is accepted,
  ``region.district`` is ``None`` and a ``district_unknown`` warning is attached. An unknown
  province or regency is refused.
* **Retired codes** (e.g. 91.01 Merauke, old Papua → 93.01 Papua Selatan) are translated through
  ``retired_codes.csv``: ``district_code`` keeps the code as written in the NIK, ``region`` is
  where it lies today, ``retired_from`` the old code that was translated.
* **Masking** (UU PDP: NIK masked in pages and exports): the first 4 digits (province and
  regency) and the last 4 (serial) stay visible, the middle 8 (district and birth date, hence
  sex) become ``*``: ``3174********0001``. ``ParsedNik``'s repr shows only the masked form.

Error codes (``NikError.code``; ``details["part"]`` names the part at fault, ``field`` is "nik"):
``nik_required`` (empty), ``nik_not_digit``, ``nik_length``, ``nik_province_unknown``,
``nik_regency_unknown``, ``nik_day_invalid``, ``nik_month_invalid``, ``nik_date_invalid``,
``nik_birth_future``, ``nik_serial_zero``. Warning codes (``NikWarning.code``, never a refusal):
``district_unknown``, ``birth_date_mismatch``, ``sex_mismatch``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, fields
from datetime import date

from sisnaker.core import dates
from sisnaker.core.errors import Msg, ValidationFailed
from sisnaker.regions.codes import Code
from sisnaker.regions.registry import Registry, Resolution
from sisnaker.regions.registry import registry as _shared_registry

__all__ = [
    "NikError",
    "NikWarning",
    "ParsedNik",
    "age_on",
    "compare_declared",
    "is_valid",
    "mask",
    "normalise",
    "parse",
]

NIK_LENGTH = 16
SEPARATORS = frozenset(" .-")  # plus any whitespace (str.isspace), e.g. a non-breaking space
# Characters that show nothing, copied along from web pages and chat apps (zero-width space and joiners, word joiner,
# byte-order mark, soft hyphen): dropped, as whitespace is.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


class NikError(ValidationFailed):
    """The NIK is refused; ``message`` (bilingual) says which part is wrong and how to fix it."""


@dataclass(frozen=True, slots=True)
class NikWarning:
    """Something worth a second look that does not make the NIK invalid."""

    code: str
    message: Msg

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True, repr=False)
class ParsedNik:
    nik: str  # normalised: exactly 16 ASCII digits
    province_code: str  # codes as written in the NIK, dotted: "31"
    regency_code: str  # "31.74"
    district_code: str  # "31.74.01"
    birth_date: date
    sex: str  # "M" or "F"
    serial: int  # 1..9999
    region: Resolution  # where the district lies today (retired codes translated)
    retired_from: str | None  # the old code that was translated, if any
    warnings: tuple[NikWarning, ...] = ()

    @property
    def masked(self) -> str:
        return mask(self.nik)

    def __repr__(self) -> str:  # never put a full NIK in logs or tracebacks
        codes = ", ".join(w.code for w in self.warnings)
        return f"ParsedNik(nik={self.masked!r}, warnings=({codes}))"


def _fast_constructor():
    """Build ParsedNik without the frozen dataclass __init__ (half the cost on the hot path).

    A frozen dataclass sets each field through ``object.__setattr__``; calling the slot
    descriptors directly gives the same object (same fields, same equality) about twice as fast.
    Only ``parse`` uses it, always with every field; the tests check it equals ``ParsedNik(...)``.
    """
    names = [f.name for f in fields(ParsedNik)]
    setters = tuple(ParsedNik.__dict__[name].__set__ for name in names)
    new = object.__new__

    def make(nik, province_code, regency_code, district_code, birth_date, sex, serial, region,
             retired_from, warnings):  # fmt: skip
        obj = new(ParsedNik)
        s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 = setters
        s0(obj, nik)
        s1(obj, province_code)
        s2(obj, regency_code)
        s3(obj, district_code)
        s4(obj, birth_date)
        s5(obj, sex)
        s6(obj, serial)
        s7(obj, region)
        s8(obj, retired_from)
        s9(obj, warnings)
        return obj

    if names != list(make.__code__.co_varnames[: len(names)]):  # a field was added or reordered
        raise RuntimeError("ParsedNik fields changed: update _fast_constructor")
    return make


_new_parsed = _fast_constructor()


# --- messages ---------------------------------------------------------------------------------

_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "i": "1", "S": "5", "B": "8"}

_REQUIRED = Msg(
    "NIK wajib diisi: ketik 16 digit NIK seperti tertulis pada KTP atau Kartu Keluarga.",
    "The NIK is required: type the 16-digit NIK exactly as printed on the KTP or family card (KK).",
)
_NOT_DIGIT = Msg(
    "NIK hanya boleh berisi angka 0-9, tetapi karakter ke-{pos}{counting_id} adalah {char}{hint_id}. "
    "Ketik ulang NIK persis seperti pada KTP/KK.",
    "A NIK contains only the digits 0-9, but character {pos}{counting_en} is {char}{hint_en}. "
    "Retype the NIK exactly as on the KTP/KK.",
)
_LENGTH = Msg(
    "NIK harus 16 digit, tetapi yang dimasukkan {n} digit ({diff_id}). "
    "Periksa apakah ada angka yang terlewat atau terketik dua kali.",
    "A NIK has 16 digits, but {n} were given ({diff_en}). Check for a missing or doubled digit.",
)
_PROVINCE = Msg(
    "Kode provinsi {code} (digit 1-2 NIK) tidak dikenal. Dua digit pertama NIK adalah kode provinsi "
    "tempat NIK diterbitkan (misalnya 31 untuk DKI Jakarta); periksa kembali dengan KTP/KK.",
    "Province code {code} (digits 1-2 of the NIK) is unknown. The first two digits are the code of "
    "the province that issued the NIK (e.g. 31 for Jakarta); check them against the KTP/KK.",
)
_REGENCY = Msg(
    "Kode kabupaten/kota {code} (digit 3-4 NIK) tidak dikenal di provinsi {province} ({pcode}). "
    "Periksa digit 3-4 NIK dengan KTP/KK.",
    "Regency/city code {code} (digits 3-4 of the NIK) is unknown in the province of {province} "
    "({pcode}). Check digits 3-4 against the KTP/KK.",
)
_DISTRICT = Msg(
    "Kode kecamatan {code} (digit 5-6 NIK) tidak ada dalam daftar wilayah Kemendagri saat ini. NIK tetap "
    "diterima dan wilayahnya dibaca sampai {regency}. NIK yang terbit sebelum pemekaran wilayah memakai "
    "kode lama yang belum semuanya tercatat di Sisnaker; bila bukan itu, periksa digit 5-6.",
    "District code {code} (digits 5-6 of the NIK) is not in the current Kemendagri region list. The NIK is "
    "accepted and its region read down to {regency}. NIKs issued before a region was split keep old codes, "
    "not all of which Sisnaker knows yet; if that is not the case, check digits 5-6.",
)
_DAY = Msg(
    "Digit 7-8 NIK ({dd}) bukan tanggal lahir yang mungkin: untuk laki-laki 01-31, untuk perempuan "
    "tanggal lahir ditambah 40 (41-71). Periksa digit 7-8 dengan KTP/KK.",
    "Digits 7-8 of the NIK ({dd}) cannot be a day of birth: 01-31 for men, or the day plus 40 "
    "(41-71) for women. Check digits 7-8 against the KTP/KK.",
)
_MONTH = Msg(
    "Digit 9-10 NIK ({mm}) bukan bulan lahir yang mungkin (01-12). Periksa digit 9-10 dengan KTP/KK.",
    "Digits 9-10 of the NIK ({mm}) cannot be a month of birth (01-12). Check digits 9-10 against the KTP/KK.",
)
_DATE = Msg(
    "Tanggal lahir pada digit 7-12 NIK ({digits}) tidak ada di kalender: {reason_id}. "
    "Periksa digit 7-12 dengan KTP/KK.",
    "The birth date in digits 7-12 of the NIK ({digits}) is not a real date: {reason_en}. "
    "Check digits 7-12 against the KTP/KK.",
)
_FUTURE = Msg(
    "Tanggal lahir pada digit 7-12 NIK ({date_id}) jatuh setelah hari ini ({today_id}). "
    "Periksa digit 7-12 dengan KTP/KK.",
    "The birth date in digits 7-12 of the NIK ({date_en}) is after today ({today_en}). "
    "Check digits 7-12 against the KTP/KK.",
)
_SERIAL = Msg(
    "Nomor urut pada digit 13-16 NIK tidak boleh 0000. Periksa empat digit terakhir NIK dengan KTP/KK.",
    "The serial number in digits 13-16 of the NIK cannot be 0000. Check the last four digits "
    "against the KTP/KK.",
)
_BIRTH_MISMATCH = Msg(
    "Tanggal lahir yang diisi ({declared_id}) berbeda dengan tanggal lahir pada NIK ({nik_id}). "
    "Periksa kembali tanggal lahir dan NIK dengan KTP/KK.",
    "The birth date entered ({declared_en}) differs from the one in the NIK ({nik_en}). Check both "
    "the birth date and the NIK against the KTP/KK.",
)
_SEX_MISMATCH = Msg(
    "Jenis kelamin yang diisi ({declared_id}) berbeda dengan yang tersirat pada NIK ({nik_id}: "
    "digit 7-8 {rule_id}). Periksa kembali jenis kelamin dan NIK dengan KTP/KK.",
    "The sex entered ({declared_en}) differs from the one implied by the NIK ({nik_en}: digits 7-8 "
    "{rule_en}). Check both the sex and the NIK against the KTP/KK.",
)

_SEX_NAMES = {"M": ("laki-laki", "male"), "F": ("perempuan", "female")}
_SEX_RULE = {"M": ("01-31", "are 01-31"), "F": ("ditambah 40", "have 40 added")}


def _error(code: Code, part: str, message: Msg, **details: object) -> NikError:
    return NikError(message, code=code, field="nik", details={"part": part, **details})


# --- region index -----------------------------------------------------------------------------


class _Index:
    """Per-registry lookup cache: plain six-digit code → (resolution, codes, warnings).

    Only codes whose regency resolves are cached, so the cache is bounded by the number of known
    regencies × 100, whatever the input.
    """

    __slots__ = ("registry", "entries", "provinces", "old_with_districts", "__weakref__")

    def __init__(self, reg: Registry) -> None:
        self.registry = reg
        self.entries: dict[str, tuple[Resolution, str, str, str, tuple[NikWarning, ...]]] = {}
        provinces = {code for code in reg.provinces}
        provinces.update(old.split(".", 1)[0] for old in reg.retired)
        self.provinces = frozenset(provinces)
        # Retired regencies whose districts' old codes are listed (dotted "91.01"): see ``lookup``.
        self.old_with_districts = frozenset(old[:5] for old in reg.retired if len(old) == 8)

    def lookup(self, code6: str):
        res = self.registry.resolve_district(code6)
        if res is None:
            province = code6[:2]
            if province not in self.provinces:
                raise _error(Code.NIK_PROVINCE_UNKNOWN, "province", _PROVINCE.format(code=province),
                             province_code=province)  # fmt: skip
            p = self.registry.provinces.get(province)
            name = p.name if p is not None else province
            regency = f"{code6[:2]}.{code6[2:4]}"
            raise _error(
                Code.NIK_REGENCY_UNKNOWN,
                "regency",
                _REGENCY.format(code=code6[2:4], province=name, pcode=province),
                regency_code=regency,
            )
        district_code = f"{code6[:2]}.{code6[2:4]}.{code6[4:6]}"
        warnings: tuple[NikWarning, ...] = ()
        if res.district is None and (res.retired_from is None or res.retired_from[:5] in self.old_with_districts):
            # (A retired regency whose districts' old codes are not known at all — 64.73, Kota Tarakan before
            # Kalimantan Utara — says only that the NIK predates the split: no district is read and nothing is
            # wrong. Where they are known, as for old Papua, an unknown one is worth a look, as anywhere.)
            where = f"{res.regency.name} ({res.regency.code})"
            warnings = (NikWarning("district_unknown", _DISTRICT.format(code=district_code, regency=where)),)
        entry = (res, code6[:2], district_code[:5], district_code, warnings)
        self.entries[code6] = entry
        return entry


_indexes: weakref.WeakKeyDictionary[Registry, _Index] = weakref.WeakKeyDictionary()
_last: _Index | None = None


def _index(reg: Registry) -> _Index:
    global _last
    idx = _indexes.get(reg)
    if idx is None:
        idx = _indexes.setdefault(reg, _Index(reg))
    _last = idx
    return idx


# --- parsing ----------------------------------------------------------------------------------

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DIGITS = frozenset("0123456789")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def normalise(nik: str) -> str:
    """Drop surrounding whitespace and inner spaces, dots and dashes; raise NikError otherwise.

    Returns exactly 16 ASCII digits.
    """
    if nik is None:
        raise _error(Code.NIK_REQUIRED, "length", _REQUIRED, length=0)
    if not isinstance(nik, str):
        raise TypeError(f"a NIK is text, not {type(nik).__name__}")
    if len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit():
        return nik
    text = nik.strip()
    digits = []
    had_separator = False
    for ch in text:
        if ch in _DIGITS:
            digits.append(ch)
        elif ch in SEPARATORS or ch.isspace():
            had_separator = True
        elif ch in INVISIBLE:
            continue  # a zero-width character pasted along with the NIK: nothing anyone could see or type
        else:
            pos = len(digits) + 1
            shown = f"'{ch}'" if ch.isprintable() else f"U+{ord(ch):04X}"
            shown_en = shown
            hint_id = hint_en = ""
            if ch in _LOOKALIKES:
                shown = f"huruf '{ch}'"
                shown_en = f"the letter '{ch}'"
                hint_id = f" (mungkin maksudnya angka {_LOOKALIKES[ch]})"
                hint_en = f" (perhaps the digit {_LOOKALIKES[ch]} was meant)"
            elif ch.isdigit():
                hint_id = " (gunakan angka biasa 0-9)"
                hint_en = " (use the plain digits 0-9)"
            raise _error(
                Code.NIK_NOT_DIGIT,
                "format",
                Msg(
                    _NOT_DIGIT.id.format(
                        pos=pos,
                        counting_id=" (tanpa menghitung spasi, titik, dan tanda hubung)"
                        if had_separator
                        else "",
                        char=shown,
                        hint_id=hint_id,
                    ),
                    _NOT_DIGIT.en.format(
                        pos=pos,
                        counting_en=" (not counting spaces, dots and dashes)" if had_separator else "",
                        char=shown_en,
                        hint_en=hint_en,
                    ),
                ),
                position=pos,
                character=ch,
            )
    n = len(digits)
    if n == 0:
        raise _error(Code.NIK_REQUIRED, "length", _REQUIRED, length=0)
    if n != NIK_LENGTH:
        diff_id = f"kurang {NIK_LENGTH - n}" if n < NIK_LENGTH else f"kelebihan {n - NIK_LENGTH}"
        diff_en = f"{NIK_LENGTH - n} missing" if n < NIK_LENGTH else f"{n - NIK_LENGTH} too many"
        raise _error(Code.NIK_LENGTH, "length", _LENGTH.format(n=n, diff_id=diff_id, diff_en=diff_en), length=n)
    return "".join(digits)


def parse(nik: str, *, today: date, registry: Registry | None = None) -> ParsedNik:
    """Parse and validate a NIK; raise :class:`NikError` naming the part at fault.

    ``registry`` defaults to the shared one built from the bundled CSV files.
    """
    if type(nik) is not str or len(nik) != NIK_LENGTH or not (nik.isascii() and nik.isdigit()):
        nik = normalise(nik)

    # Region (digits 1-6): one dict look-up on the hot path.
    reg = registry if registry is not None else _shared_registry()
    idx = _last
    if idx is None or idx.registry is not reg:
        idx = _index(reg)
    code6 = nik[:6]
    entry = idx.entries.get(code6)
    if entry is None:
        entry = idx.lookup(code6)

    # Birth date and sex (digits 7-12): one int() for all three fields.
    ddmmyy = int(nik[6:12])
    day = ddmmyy // 10000
    sex = "M"
    if day > 40:
        day -= 40
        sex = "F"
    if not 1 <= day <= 31:
        raise _error(Code.NIK_DAY_INVALID, "day", _DAY.format(dd=nik[6:8]), digits=nik[6:8])
    month = ddmmyy // 100 % 100
    if not 1 <= month <= 12:
        raise _error(Code.NIK_MONTH_INVALID, "month", _MONTH.format(mm=nik[8:10]), digits=nik[8:10])
    ty = today.year
    year = ty - ty % 100 + ddmmyy % 100
    if day > _DAYS_IN_MONTH[month]:
        if month != 2 or day != 29:
            raise _date_error(nik, day, month, year, today)
        # 29 February: the most recent century in which it exists and is not after today.
        if not (_is_leap(year) and (year, 2, 29) <= (ty, today.month, today.day)):
            if _is_leap(year - 100):
                year -= 100
            elif _is_leap(year):  # exists only in the future reading (29-02-00 before 2000-02-29)
                raise _future_error(nik, date(year, 2, 29), today)
            else:
                raise _date_error(nik, day, month, year, today)
    elif year > ty or (year == ty and (month, day) > (today.month, today.day)):
        year -= 100

    serial = int(nik[12:])
    if serial == 0:
        raise _error(Code.NIK_SERIAL_ZERO, "serial", _SERIAL, digits=nik[12:])

    res, province_code, regency_code, district_code, warnings = entry
    return _new_parsed(
        nik, province_code, regency_code, district_code, date(year, month, day), sex, serial, res,
        res.retired_from, warnings,
    )  # fmt: skip


def _date_error(nik: str, day: int, month: int, year: int, today: date) -> NikError:
    women = int(nik[6:8]) > 40
    shown_id = f"{day} {dates.MONTHS_ID[month - 1]}"
    shown_en = f"{day} {dates.MONTHS_EN[month - 1]}"
    if month == 2 and day == 29:
        yy = nik[10:12]
        reason_id = f"29 Februari hanya ada di tahun kabisat, dan tahun '{yy}' (19{yy} atau 20{yy}) bukan tahun kabisat"
        reason_en = f"29 February exists only in leap years, and year '{yy}' (19{yy} or 20{yy}) is not one"
        if yy == "00":
            reason_id = f"29 Februari tahun {year} tidak ada ({year} bukan tahun kabisat)"
            reason_en = f"29 February {year} does not exist ({year} is not a leap year)"
    else:
        limit = 29 if month == 2 else _DAYS_IN_MONTH[month]
        reason_id = f"{shown_id} tidak ada, bulan {dates.MONTHS_ID[month - 1]} paling banyak {limit} hari"
        reason_en = f"there is no {shown_en}, {dates.MONTHS_EN[month - 1]} has at most {limit} days"
    if women:
        reason_id += f" (untuk perempuan tanggal ditulis ditambah 40: {nik[6:8]} berarti tanggal {day})"
        reason_en += f" (women's day has 40 added: {nik[6:8]} means day {day})"
    return _error(
        Code.NIK_DATE_INVALID,
        "date",
        _DATE.format(digits=nik[6:12], reason_id=reason_id, reason_en=reason_en),
        digits=nik[6:12],
    )


def _future_error(nik: str, born: date, today: date) -> NikError:
    return _error(
        Code.NIK_BIRTH_FUTURE,
        "date",
        _FUTURE.format(
            date_id=dates.long_id(born), today_id=dates.long_id(today), date_en=dates.long_en(born), today_en=dates.long_en(today)
        ),  # fmt: skip
        digits=nik[6:12],
    )


def is_valid(nik: str, *, today: date, registry: Registry | None = None) -> bool:
    """True when :func:`parse` would accept the NIK (warnings do not make it invalid)."""
    try:
        parse(nik, today=today, registry=registry)
    except NikError:
        return False
    return True


# --- helpers ----------------------------------------------------------------------------------


def mask(nik: str | ParsedNik) -> str:
    """Masked NIK for pages and exports: first 4 and last 4 digits shown, ``3174********0001``.

    Spaces, dots and dashes are ignored. Anything that is not 16 characters after that is masked
    completely (same length), so a mistyped NIK never leaks either.
    """
    if isinstance(nik, ParsedNik):
        nik = nik.nik
    if len(nik) != NIK_LENGTH:
        nik = "".join(ch for ch in nik if not (ch in SEPARATORS or ch.isspace()))
        if len(nik) != NIK_LENGTH:
            return "*" * len(nik)
    return f"{nik[:4]}********{nik[12:]}"


def age_on(parsed: ParsedNik | date, day: date) -> int:
    """Completed years on ``day``. Someone born on 29 February turns a year older on 1 March in
    common years."""
    born = parsed.birth_date if isinstance(parsed, ParsedNik) else parsed
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_SEX_ALIASES = {
    "M": "M", "MALE": "M", "L": "M", "LAKI-LAKI": "M", "LAKI": "M", "PRIA": "M",
    "F": "F", "FEMALE": "F", "P": "F", "PEREMPUAN": "F", "WANITA": "F",
}  # fmt: skip


def compare_declared(
    parsed: ParsedNik, *, birth_date: date | None = None, sex: str | None = None
) -> list[NikWarning]:
    """Compare what a person declared with what the NIK says; a mismatch is a warning, never a refusal.

    ``sex`` accepts "M"/"F" and the Indonesian "L" (laki-laki)/"P" (perempuan), any case; an
    unrecognised value raises ValueError (a programming error, not user input). A declared birth
    date that differs from the NIK's only by a multiple of 100 years is *not* a mismatch: the NIK
    cannot tell centuries apart (see the module docstring).
    """
    warnings: list[NikWarning] = []
    nb = parsed.birth_date
    if birth_date is not None and birth_date != nb:
        same_but_century = (birth_date.month, birth_date.day) == (nb.month, nb.day) and (
            birth_date.year - nb.year
        ) % 100 == 0
        if not same_but_century:
            warnings.append(
                NikWarning(
                    "birth_date_mismatch",
                    _BIRTH_MISMATCH.format(
                        declared_id=dates.long_id(birth_date),
                        nik_id=dates.long_id(nb),
                        declared_en=dates.long_en(birth_date),
                        nik_en=dates.long_en(nb),
                    ),
                )
            )
    if sex is not None:
        declared = _SEX_ALIASES.get(sex.strip().upper())
        if declared is None:
            raise ValueError(f"unrecognised sex {sex!r}; use 'M'/'F' (or 'L'/'P')")
        if declared != parsed.sex:
            nik_sex = parsed.sex
            warnings.append(
                NikWarning(
                    "sex_mismatch",
                    _SEX_MISMATCH.format(
                        declared_id=_SEX_NAMES[declared][0],
                        declared_en=_SEX_NAMES[declared][1],
                        nik_id=_SEX_NAMES[nik_sex][0],
                        nik_en=_SEX_NAMES[nik_sex][1],
                        rule_id=_SEX_RULE[nik_sex][0],
                        rule_en=_SEX_RULE[nik_sex][1],
                    ),
                )
            )
    return warnings
