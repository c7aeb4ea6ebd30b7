"""A map of the provinces for the national dashboard: the shapes come from the npm package ``@svg-maps/indonesia``
(CC BY 4.0, installed by the setup command from package-lock.json, read at run time — nothing copied into the
repository); Sisnaker shades each province by a count, server-side, so the map needs no script.

The package draws the 34 provinces of before 2022: Papua's shape holds today's Papua, Papua Selatan, Papua Tengah
and Papua Pegunungan, Papua Barat's holds Papua Barat and Papua Barat Daya (their counts are added up).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from django.conf import settings

# ISO 3166-2:ID (the package's ids) → the Kemendagri province codes counted in that shape.
ISO_TO_CODES: dict[str, tuple[str, ...]] = {
    "ac": ("11",), "su": ("12",), "sb": ("13",), "ri": ("14",), "ja": ("15",), "ss": ("16",), "be": ("17",),
    "la": ("18",), "bb": ("19",), "kr": ("21",), "jk": ("31",), "jb": ("32",), "jt": ("33",), "yo": ("34",),
    "ji": ("35",), "bt": ("36",), "ba": ("51",), "nb": ("52",), "nt": ("53",), "kb": ("61",), "kt": ("62",),
    "ks": ("63",), "ki": ("64",), "ku": ("65",), "sa": ("71",), "st": ("72",), "sn": ("73",), "sg": ("74",),
    "go": ("75",), "sr": ("76",), "ma": ("81",), "mu": ("82",), "pa": ("91", "93", "94", "95"), "pb": ("92", "96"),
}
SHADES = ("#f1f5f9", "#dbeafe", "#93c5fd", "#3b82f6", "#1d4ed8", "#1e3a8a")  # none, then five steps


@dataclass(frozen=True, slots=True)
class Shape:
    code: str  # the first province code (the link target)
    name: str
    path: str
    count: int | None
    fill: str


@functools.cache
def _package() -> dict | None:
    path = settings.NODE_MODULES / "@svg-maps" / "indonesia" / "index.js"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    # The module is one JSON object after "export default".
    body = text.removeprefix("export default").strip().rstrip(";")
    try:
        return json.loads(body)
    except ValueError:
        return None


def province_map(values: dict[str, int]) -> tuple[str, list[Shape]] | None:
    """The view box and the shaded shapes for counts per province code, or None without the map package."""
    data = _package()
    if data is None:
        return None
    top = max(values.values(), default=0)
    shapes = []
    for location in data.get("locations", []):
        codes = ISO_TO_CODES.get(str(location.get("id", "")).removeprefix("id-"))
        if not codes:
            continue
        known = [values[c] for c in codes if c in values]
        count = sum(known) if known else None
        fill = SHADES[0] if not count or not top else SHADES[min(5, 1 + (count * 5 - 1) // top)]
        shapes.append(Shape(code=codes[0], name=location.get("name", ""), path=location.get("path", ""), count=count,
                            fill=fill))
    return data.get("viewBox", "0 0 800 300"), shapes
