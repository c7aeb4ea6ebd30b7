"""The AK/1 card's photo (pas foto 3×4): what an upload must be, what is kept of it, and how long.

Pure: bytes in, bytes out, no ORM, no clock (``today`` is passed in). The services (``services/ak1.py``) store
the result and check who may do what.

**An upload** is a JPEG or PNG of at most ``MAX_BYTES`` (a cheap phone's camera photo; HEIC and other formats are
refused with a hint to save it as JPEG). It is *decoded* — a file that only claims to be an image, or is cut
short, is refused — never trusted by its name or type. Large JPEGs are decoded at a reduced scale (the JPEG
decoder's draft mode), so a 48-megapixel photo costs little memory; anything over ``MAX_PIXELS`` (PNG:
``MAX_PIXELS_PNG``) is refused before decoding.

**What is kept** is a new, small JPEG (``OUT_WIDTH`` × ``OUT_HEIGHT``, quality ``QUALITY``, ~20–40 KB) drawn
from the decoded pixels only: the camera's EXIF (GPS position, device, time), XMP, ICC profile and comments
are not copied. The EXIF orientation is applied first (a phone held upright stores a landscape image plus an
"rotate" tag), then the largest 3:4 (width:height) portrait is cut from it: centred across, and from a third of
the excess height down (the face of a portrait sits high in the frame). The cut must be at least
``MIN_WIDTH`` × ``MIN_HEIGHT`` pixels of the original: a thumbnail forwarded by a chat app prints blurred.

**How long** (``delete_on``): while the application waits and while the card is valid; then
``KEEP_DAYS`` more (the last report box can still be filled up to 30 days after the card expires, and a
refusal can be asked about), after which the housekeeping pass deletes the file
(``services.ak1_photos_delete_expired``).
"""

from __future__ import annotations

import datetime as dt
import io
import math

from PIL import Image, ImageOps, UnidentifiedImageError

from sisnaker.core.errors import Conflict, Msg, ValidationFailed

from . import domain
from .codes import Code

MB = 1024 * 1024
MAX_BYTES = 5 * MB
MAX_PIXELS = 50_000_000  # JPEG: decoded at a reduced scale, so this only bounds the header's claim
MAX_PIXELS_PNG = 25_000_000  # PNG is decoded whole: 25 MP RGBA is 100 MB of memory
MIN_WIDTH, MIN_HEIGHT = 240, 320  # of the 3:4 cut, in the original's pixels
OUT_WIDTH, OUT_HEIGHT = 300, 400  # 3 × 4 cm at 254 dpi
QUALITY = 85
FORMATS = ("JPEG", "PNG")
KEEP_DAYS = domain.REPORT_GRACE_DAYS
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_ORIENTATION = 0x0112


def _refused(message: Msg) -> ValidationFailed:
    return ValidationFailed(message, code=Code.AK1_PHOTO, field="photo")


def _megabytes(size: int) -> str:
    """``5 MB``, ``7,25 MB`` (rounded up: a file just over the limit never reads as equal to it)."""
    if size % MB == 0:
        return f"{size // MB} MB"
    return f"{math.ceil(size * 100 / MB) / 100:.2f}".replace(".", ",") + " MB"


def crop_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The largest 3:4 portrait inside ``width`` × ``height``: centred across, a third of the excess height above it."""
    if width * 4 > height * 3:  # wider than 3:4: cut the sides
        cut_w = height * 3 // 4
        left = (width - cut_w) // 2
        return left, 0, left + cut_w, height
    cut_h = width * 4 // 3
    top = (height - cut_h) // 3
    return 0, top, width, top + cut_h


def prepare(data: bytes) -> bytes:
    """The card photo made from an upload (module docstring), or ``ValidationFailed`` (code ``ak1_photo``, field
    ``photo``) saying what is wrong with it and what to do."""
    if not data:
        raise _refused(Msg("Berkas foto kosong. Pilih fotonya lagi.", "The photo file is empty. Choose the photo again."))
    if len(data) > MAX_BYTES:
        raise _refused(Msg(
            "Foto terlalu besar ({size}); paling besar {max}. Kirim foto dengan ukuran lebih kecil (mis. atur kamera ke "
            "resolusi lebih rendah, atau pilih \"kecil/sedang\" saat mengirim dari galeri).",
            "The photo is too large ({size}); at most {max}. Send a smaller photo (e.g. set the camera to a lower "
            "resolution, or choose \"small/medium\" when sending it from the gallery).").format(
                size=_megabytes(len(data)), max=_megabytes(MAX_BYTES)))
    not_image = Msg("Berkas ini bukan foto JPEG atau PNG yang dapat dibaca. Pakai foto dari kamera ponsel (JPEG) atau PNG; "
                    "foto HEIC (iPhone) simpan dulu sebagai JPEG.",
                    "This file is not a readable JPEG or PNG photo. Use a phone camera photo (JPEG) or a PNG; save a HEIC "
                    "(iPhone) photo as JPEG first.")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise _refused(not_image) from None
    with image:
        return _clean(image, not_image)


def _clean(image: Image.Image, not_image: Msg) -> bytes:
    width, height = image.size
    limit = MAX_PIXELS if image.format == "JPEG" else MAX_PIXELS_PNG
    if width * height > limit:
        raise _refused(Msg("Resolusi foto terlalu besar ({w} × {h} piksel; paling banyak {mp} megapiksel). Kirim foto yang "
                           "lebih kecil.",
                           "The photo's resolution is too large ({w} × {h} pixels; at most {mp} megapixels). Send a smaller "
                           "photo.").format(w=width, h=height, mp=limit // 1_000_000))
    try:
        orientation = image.getexif().get(_ORIENTATION, 1)
    except Exception:  # a broken EXIF block: the pixels may still be fine; exif_transpose below decides
        orientation = 1
    upright = (height, width) if orientation in _ROTATED else (width, height)
    left, top, right, bottom = crop_box(*upright)
    if right - left < MIN_WIDTH or bottom - top < MIN_HEIGHT:
        raise _refused(Msg(
            "Resolusi foto terlalu kecil: bagian 3×4 yang dapat dipotong hanya {w} × {h} piksel, paling sedikit {mw} × {mh} "
            "piksel. Ambil foto langsung dengan kamera ponsel (bukan gambar kecil yang diteruskan dari aplikasi pesan).",
            "The photo's resolution is too small: the 3×4 part that can be cut is only {w} × {h} pixels, at least {mw} × "
            "{mh} pixels. Take the photo with the phone's camera (not a small picture forwarded from a chat app).").format(
                w=right - left, h=bottom - top, mw=MIN_WIDTH, mh=MIN_HEIGHT))
    try:
        if image.format == "JPEG":
            image.draft("RGB", (OUT_HEIGHT * 2, OUT_HEIGHT * 2))  # decode at 1/2…1/8 scale when that still suffices
        image.load()
        image = ImageOps.exif_transpose(image)
        image = _rgb(image)
        image = image.crop(crop_box(*image.size)).resize((OUT_WIDTH, OUT_HEIGHT), Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise _refused(Msg("Foto rusak atau terpotong dan tidak dapat dibaca. Ambil atau kirim ulang fotonya.",
                           "The photo is damaged or cut short and cannot be read. Take or send the photo again.")) from None
    clean = Image.new("RGB", image.size)  # nothing of the upload but its pixels: no EXIF, XMP, ICC or comments
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _rgb(image: Image.Image) -> Image.Image:
    """RGB, transparent parts on white (a PNG cut-out would otherwise print black)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


# --- when the holder may replace it, and how long it is kept -------------------------------------------------

def change_blocker(*, status: str, issued_on: dt.date | None, ended_on: dt.date | None, today: dt.date) -> Msg | None:
    """Why the holder may not replace the photo now, or None: they may while the application waits and while the
    issued card is valid (a data change); not on a refused, ended or expired card."""
    if status == domain.CardStatus.SUBMITTED:
        return None
    if status == domain.CardStatus.ISSUED and issued_on is not None and ended_on is None \
            and domain.validity(issued_on=issued_on, today=today) == domain.Validity.VALID:
        return None
    return Msg("Pas foto hanya dapat diganti selama permohonan menunggu atau kartu masih berlaku.",
               "The photo can only be replaced while the application waits or the card is still valid.")


def change_conflict(blocker: Msg) -> Conflict:
    return Conflict(blocker, code=Code.AK1_PHOTO_LOCKED)


def delete_on(*, status: str, decided_on: dt.date | None, issued_on: dt.date | None, ended_on: dt.date | None) -> dt.date | None:
    """The first day the photo is no longer kept, or None while it is needed (a waiting application): ``KEEP_DAYS``
    after a refusal, after the card ended (found work), or after it expired — whichever came first."""
    if status == domain.CardStatus.REFUSED and decided_on is not None:
        return decided_on + dt.timedelta(days=KEEP_DAYS)
    if status == domain.CardStatus.ISSUED and issued_on is not None:
        until = domain.expires_on(issued_on)
        if ended_on is not None:
            until = min(until, ended_on)
        return until + dt.timedelta(days=KEEP_DAYS)
    return None
