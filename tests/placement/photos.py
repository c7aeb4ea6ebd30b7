"""Photos as a phone makes them, for the AK/1 tests: a JPEG with the camera's EXIF (GPS position, make and model,
an orientation tag), or a PNG."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

CAMERA = "SisnakerTestPhone X1"


def jpeg(width: int = 900, height: int = 1200, *, orientation: int | None = None, gps: bool = True,
         halves: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None) -> bytes:
    """A JPEG ``width`` × ``height`` as stored (before its orientation tag is applied); ``halves`` paints the left
    and right halves (as stored) in two colours."""
    image = Image.new("RGB", (width, height), (200, 180, 160))
    if halves:
        image.paste(halves[0], (0, 0, width // 2, height))
        image.paste(halves[1], (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Sisnaker"
    exif[ExifTags.Base.Model] = CAMERA
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:  # Bandung: 6°54'S 107°36'E
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "S"
        info[ExifTags.GPS.GPSLatitude] = (6.0, 54.0, 0.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (107.0, 36.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


def png(width: int = 600, height: int = 800, *, transparent: bool = False) -> bytes:
    image = Image.new("RGBA" if transparent else "RGB", (width, height), (0, 0, 0, 0) if transparent else (90, 120, 200))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def has_exif(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif()) or "exif" in image.info


PHOTO = jpeg()  # what the tests that issue a card upload with the application (issuing needs a photo)


def upload(data: bytes | None = None, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    """A file for the test client's multipart form."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PHOTO if data is None else data, content_type=content_type)
