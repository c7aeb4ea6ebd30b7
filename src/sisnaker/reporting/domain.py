"""Pure rules of the dashboards: the measures and breakdowns, whose figures a user may see, and small-cell
suppression for the public statistics. No ORM, no clock.

Counts are of **events**, each in the year (and month) it happened: a person trained twice is two participants;
the region is the person's at the time the figures were built (domicile, or the KTP's region from the NIK).

Suppression (``suppress``): a published cell with a count from 1 to ``threshold - 1`` is hidden (primary
suppression). When a table shows its total, hiding one cell alone would not hide it (total minus the others), so
more cells are hidden, smallest first (secondary suppression), until at least two cells are hidden and none of them
can be worked out to be small: zero is shown (it discloses no one), so a reader knows each hidden cell is at least
1, and the hidden cells' sum minus one for each of the others must still reach the threshold (five hidden cells
adding up to 5 would each be 1). When no shown count is left to hide, the zeros are hidden too. A total below the
threshold is hidden with every cell. What is left: a line whose every cell is hidden publishes only its total
(e.g. five districts and a total of 6 tell that each had 1 or 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from sisnaker.core.errors import Msg

BASES = {"d": Msg("Domisili", "Domicile"), "k": Msg("Wilayah KTP (NIK)", "KTP (NIK) region")}
DEFAULT_BASIS = "d"


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    label: Msg
    money: bool = False  # the figure is also a sum of rupiah (``amount``)
    training: bool = False  # has the training breakdowns (vocational field, institution, funding source)


MEASURES: tuple[Measure, ...] = (
    Measure("applicants", Msg("Pendaftar pelatihan", "Training applicants"), training=True),
    Measure("participants", Msg("Peserta pelatihan", "Training participants"), training=True),
    Measure("alumni", Msg("Alumni (lulus)", "Alumni (graduated)"), training=True),
    Measure("certified", Msg("Bersertifikat", "Certified"), training=True),
    Measure("placed", Msg("Ditempatkan kerja", "Placed in work"), training=True),
    Measure("ak1", Msg("Pemegang AK/1 (terbit)", "AK/1 cards issued")),
    Measure("prakerja_applicants", Msg("Pendaftar Kartu Prakerja", "Kartu Prakerja applicants")),
    Measure("prakerja_beneficiaries", Msg("Penerima Kartu Prakerja", "Kartu Prakerja beneficiaries")),
    Measure("incentives_paid", Msg("Insentif dibayar", "Incentives paid"), money=True, training=True),
)

# The breakdowns: a key, its label, whether only the training measures have it.
DIMENSIONS: tuple[tuple[str, Msg, bool], ...] = (
    ("sex", Msg("Jenis kelamin", "Sex"), False),
    ("age", Msg("Kelompok umur", "Age group"), False),
    ("education", Msg("Pendidikan", "Education"), False),
    ("disability", Msg("Disabilitas", "Disability"), False),
    ("field", Msg("Kejuruan", "Vocational field"), True),
    ("funding", Msg("Sumber dana", "Funding source"), True),
    ("institution", Msg("Lembaga pelatihan", "Training institution"), True),
)
DIMENSION_KEYS = tuple(d[0] for d in DIMENSIONS)
DIMENSION_LABELS = {key: label for key, label, _ in DIMENSIONS}
TRAINING_DIMENSIONS = frozenset(key for key, _, training in DIMENSIONS if training)
# Published on the public page: never the institution (a small institution's alumni of a district are few people).
PUBLIC_DIMENSIONS = ("sex", "age", "education", "disability", "field", "funding")

# Age in the year of the event (the year minus the birth year), in the groups of the labour-force statistics.
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("<15", 0, 14), ("15-24", 15, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55+", 55, None),
)

SEX_LABELS = {"M": Msg("Laki-laki", "Male"), "F": Msg("Perempuan", "Female")}
DISABILITY_LABELS = {"y": Msg("Penyandang disabilitas", "With disability"), "n": Msg("Tanpa disabilitas", "Without disability")}

LEVEL_NATION, LEVEL_PROVINCE, LEVEL_REGENCY, LEVEL_DISTRICT = 0, 1, 2, 3


def level_of(region: str) -> int:
    """The level of a region code: "" nation, "32" province, "32.73" regency, "32.73.01" district."""
    if not region:
        return LEVEL_NATION
    return {2: LEVEL_PROVINCE, 5: LEVEL_REGENCY, 8: LEVEL_DISTRICT}.get(len(region), -1)


def ancestors(region: str) -> list[str]:
    """The path from the nation down to ``region`` (both included): ["", "32", "32.73"]."""
    path = [""]
    for size in (2, 5, 8):
        if len(region) >= size:
            path.append(region[:size])
    return path


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures a user sees: the nation, or the residents of their areas (region codes). It comes from the
    user's grants only; the region a page shows must lie inside it (``covers``)."""

    national: bool
    areas: tuple[str, ...] = ()

    def covers(self, region: str) -> bool:
        if self.national:
            return True
        return any(region == a or region.startswith(a + ".") for a in self.areas)

    @property
    def home(self) -> str:
        """The region a dashboard opens on."""
        return "" if self.national else self.areas[0]


NATIONAL_ROLES = frozenset({"admin", "pmo_officer", "curator"})


def scope_for(grants: list[tuple[str, str]]) -> Scope | None:
    """The scope of a user from their grants as (role, region code) pairs; None: no dashboard for them."""
    if any(role in NATIONAL_ROLES for role, _ in grants):
        return Scope(national=True)
    areas = sorted({code for role, code in grants if role == "regional_officer" and code})
    if not areas:
        return None
    # A province grant covers its regencies: keep only the widest areas.
    widest = tuple(a for a in areas if not any(a != b and a.startswith(b + ".") for b in areas))
    return Scope(national=False, areas=widest)


# --- small-cell suppression ---------------------------------------------------------------------------------

DEFAULT_THRESHOLD = 5


def suppress(counts: list[int], *, total: int | None = None, threshold: int = DEFAULT_THRESHOLD) -> list[bool]:
    """Which cells of one table line to hide (True: hidden). ``total``: the line's total when it is published too
    (then the hidden cells must not be recoverable from it). See the module's docstring."""
    hidden = [0 < n < threshold for n in counts]
    if total is None:
        return hidden
    if 0 < total < threshold:
        return [n > 0 for n in counts]  # the total itself is hidden (``total_hidden``) and so is every cell in it
    if not any(hidden):
        return hidden
    # Zero is shown, so a reader knows every hidden cell is at least 1 (0 once a zero is hidden too). With the
    # hidden cells' sum S (total minus what is shown) the largest any one of them can be is S − (k − 1) × that
    # least value; hide more until that reaches the threshold, so no hidden cell can be shown to be small (five
    # hidden cells adding up to 5 would each be 1).
    while not _protected(counts, hidden, threshold):
        candidates = [(n, i) for i, (n, h) in enumerate(zip(counts, hidden, strict=True)) if not h and n > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
            continue
        zeros = [i for i, (n, h) in enumerate(zip(counts, hidden, strict=True)) if not h and n == 0]
        if not zeros:
            break  # every cell is hidden: only the published total is known (see the module's docstring)
        for i in zeros:
            hidden[i] = True
    return hidden


def _protected(counts: list[int], hidden: list[bool], threshold: int) -> bool:
    values = [n for n, h in zip(counts, hidden, strict=True) if h]
    least = 0 if 0 in values else 1
    return len(values) >= 2 and sum(values) - (len(values) - 1) * least >= threshold


def total_hidden(total: int, *, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < total < threshold


def default_year(years: list[int], *, this_year: int) -> int | None:
    """The year a dashboard opens on: the newest year with figures that is not after ``this_year`` (a program that
    starts next year can already put next year among the figures, nearly empty: an officer opening the page on
    1 December wants this year), else the nearest future one; None when there are no figures."""
    return next((y for y in sorted(years, reverse=True) if y <= this_year), min(years, default=None))
