"""The AK/1 card's photo (issue 12: "fields as on the real card: … photo"): the applicant uploads a phone photo, which
is decoded, stripped of its EXIF (GPS!), turned upright and cut to a small 3×4 JPEG; bad files get a clear message;
issuing needs it and the officer can ask for a new one; the holder replaces it while the application waits or the
card is valid; only the holder and the card's regency office fetch it; it is printed on the card; housekeeping
deletes it 30 days after the card is refused, ended or expired. Pure rules, services, then pages."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from sisnaker.core import storedfiles
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent, PendingFile
from sisnaker.notifications.models import Notification
from sisnaker.placement import photo, services
from sisnaker.placement.models import JobSeekerCard
from tests.factories import PersonFactory, employer, staff
from tests.placement import photos
from tests.placement.test_services import NOW, data
from tests.tasks import DB_TASKS, queued, run_as_worker

RED, BLUE = (255, 0, 0), (0, 0, 255)


def _image(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


def _near(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def _refusal(upload: bytes) -> str:
    with pytest.raises(ValidationFailed) as refused:
        photo.prepare(upload)
    assert (refused.value.code, refused.value.field) == ("ak1_photo", "photo")
    return refused.value.message.id


# --- the pure rules -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("size", "box"), [
    ((900, 1200), (0, 0, 900, 1200)),  # already 3:4
    ((1200, 900), (262, 0, 937, 900)),  # landscape: the sides are cut, centred
    ((900, 1600), (0, 133, 900, 1333)),  # a tall phone portrait: a third of the excess above, two thirds below
])
def test_the_3x4_cut(size, box):
    assert photo.crop_box(*size) == box


def test_a_phone_photo_loses_its_exif_and_becomes_a_small_upright_3x4_jpeg():
    upload = photos.jpeg(1200, 900, orientation=6, halves=(RED, BLUE))  # held upright: stored sideways plus a tag
    assert photos.has_exif(upload) and photos.CAMERA.encode() in upload
    kept = photo.prepare(upload)
    image = _image(kept)
    assert image.format == "JPEG" and image.size == (photo.OUT_WIDTH, photo.OUT_HEIGHT) == (300, 400)
    assert not photos.has_exif(kept) and photos.CAMERA.encode() not in kept and b"Exif" not in kept
    assert "icc_profile" not in image.info and len(kept) < 60_000
    # Orientation 6 turns the stored left half (red) to the top: without it the cut would be red on the left only.
    assert _near(image.getpixel((150, 40)), RED) and _near(image.getpixel((150, 360)), BLUE)


def test_a_png_is_taken_and_its_transparency_prints_white():
    image = _image(photo.prepare(photos.png(transparent=True)))
    assert image.size == (300, 400) and _near(image.getpixel((10, 10)), (255, 255, 255))


def test_a_file_that_is_no_image_is_refused_with_what_to_do():
    assert "bukan foto JPEG atau PNG" in _refusal(b"%PDF-1.4\n1 0 obj << >> endobj\n")
    assert "bukan foto JPEG atau PNG" in _refusal(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200)  # an iPhone HEIC
    assert "HEIC" in _refusal(b"just text renamed foto.jpg")
    assert "kosong" in _refusal(b"")


def test_a_cut_short_jpeg_is_refused_not_a_server_error():
    assert "rusak atau terpotong" in _refusal(photos.jpeg()[:4000])


def test_a_photo_too_large_in_bytes_is_refused_before_decoding():
    message = _refusal(photos.jpeg() + b"\0" * photo.MAX_BYTES)  # a real JPEG, padded past 5 MB
    assert "terlalu besar" in message and "paling besar 5 MB" in message


def test_a_photo_too_small_to_print_is_refused():
    message = _refusal(photos.jpeg(200, 260))
    assert "terlalu kecil" in message and "240 × 320" in message
    photo.prepare(photos.jpeg(240, 320))  # exactly the minimum is enough


def test_a_header_claiming_too_many_pixels_is_refused_before_decoding():
    big = Image.new("1", (8000, 8000))  # 64 MP, a tiny file
    out = io.BytesIO()
    big.save(out, format="PNG")
    assert "terlalu besar" in _refusal(out.getvalue())


def test_when_the_holder_may_replace_it_and_how_long_it_is_kept():
    today = dt.date(2026, 6, 1)
    issued = dt.date(2026, 1, 15)
    assert photo.change_blocker(status="submitted", issued_on=None, ended_on=None, today=today) is None
    assert photo.change_blocker(status="issued", issued_on=issued, ended_on=None, today=today) is None
    assert photo.change_blocker(status="issued", issued_on=issued, ended_on=dt.date(2026, 5, 1), today=today) is not None
    assert photo.change_blocker(status="issued", issued_on=dt.date(2024, 1, 1), ended_on=None, today=today) is not None
    assert photo.change_blocker(status="refused", issued_on=None, ended_on=None, today=today) is not None
    assert photo.delete_on(status="submitted", decided_on=None, issued_on=None, ended_on=None) is None
    assert photo.delete_on(status="refused", decided_on=dt.date(2026, 3, 1), issued_on=None, ended_on=None) == dt.date(2026, 3, 31)
    assert photo.delete_on(status="issued", decided_on=None, issued_on=issued, ended_on=None) == dt.date(2028, 2, 14)
    assert photo.delete_on(status="issued", decided_on=None, issued_on=issued, ended_on=dt.date(2026, 5, 1)) == dt.date(2026, 5, 31)


# --- services ------------------------------------------------------------------------------------------------

@pytest.fixture
def officer(regions):
    return staff("regional_officer", region_code="32.73")


def _apply(person=None, upload: bytes | None = photos.PHOTO) -> JobSeekerCard:
    person = person or PersonFactory(nik_district="32.73.01")
    return services.ak1_apply(actor=person.user, data=data(), now=NOW, photo_upload=upload)


def _stored(card: JobSeekerCard) -> bytes:
    with default_storage.open(card.photo_path, "rb") as fh:
        return fh.read()


def _files(media) -> list[str]:
    """The photo files in the (temporary) storage, as ``<folder>/<name>.jpg``."""
    root = media / services.ak1.PHOTO_DIR
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg")) if root.exists() else []


def test_the_photo_uploaded_with_the_application_is_kept_cleaned_and_privately(regions, settings):
    card = _apply(upload=photos.jpeg(gps=True))
    # A random name in one of 256 folders: nothing in the path says whose face it is.
    assert re.fullmatch(r"ak1/photos/([0-9a-f]{2})/\1[0-9a-f]{30}\.jpg", card.photo_path), card.photo_path
    assert not PendingFile.objects.exists()  # committed with the card: no longer pending
    stored = _stored(card)
    assert _image(stored).size == (300, 400) and not photos.has_exif(stored)
    assert str(settings.MEDIA_ROOT) in default_storage.path(card.photo_path)  # the private storage, no public URL
    [row] = AuditEvent.objects.filter(action="ak1.applied", object_id=str(card.pk))
    assert row.after["photo"] is True


def test_the_holders_data_export_carries_the_photo(regions):
    """UU PDP right of access: the person's own data export holds the photo as stored (base64 JPEG)."""
    import base64

    from sisnaker.accounts import selectors as account_selectors

    card = _apply(upload=photos.jpeg())
    (entry,) = account_selectors.person_data_export(person=card.person)["ak1_cards"]
    assert base64.b64decode(entry["photo_jpeg_base64"]) == _stored(card)


def test_a_bad_photo_refuses_the_application_and_saves_nothing(regions, media):
    person = PersonFactory(nik_district="32.73.01")
    with pytest.raises(ValidationFailed) as refused:
        _apply(person, upload=b"not an image")
    assert refused.value.field == "photo"
    assert not JobSeekerCard.objects.filter(person=person).exists() and _files(media) == []


def test_a_refused_application_leaves_no_photo_file_behind(regions, media):
    person = PersonFactory(nik_district="32.73.01")
    first = _apply(person)
    with pytest.raises(Conflict):
        _apply(person)  # one waiting application per person: the second one's file is removed again
    assert _files(media) == [first.photo_path.removeprefix("ak1/photos/")]


def test_issuing_needs_the_photo_and_the_new_one_the_officer_asked_for(regions, officer, django_capture_on_commit_callbacks):
    card = _apply(upload=None)  # an application from before photos, or whose upload is still to come
    with pytest.raises(Conflict) as refused:
        services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    assert refused.value.code == "ak1_photo_missing"
    holder = card.person.user
    card = services.ak1_photo_set(actor=holder, card_id=card.pk, photo_upload=photos.PHOTO, now=NOW)
    first_path = card.photo_path

    # The officer finds it blurred and asks again: the application waits, the applicant is told why.
    card = services.ak1_photo_request(actor=officer, card_id=card.pk, reason="Foto buram, wajah tidak terlihat.", now=NOW)
    assert card.status == "submitted" and card.photo_request == "Foto buram, wajah tidak terlihat."
    assert AuditEvent.objects.filter(action="ak1.photo_requested", object_id=str(card.pk), reason=card.photo_request).exists()
    told = Notification.objects.filter(person=card.person, topic="ak1.photo_requested")
    assert told.exists() and all("Foto buram" in n.body and f"/penempatan/ak1/{card.pk}/foto/ganti/" in n.body for n in told)
    with pytest.raises(Conflict) as refused:
        services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    assert refused.value.code == "ak1_photo_missing" and "Foto buram" in refused.value.message.id

    with django_capture_on_commit_callbacks(execute=True):
        card = services.ak1_photo_set(actor=holder, card_id=card.pk, photo_upload=photos.jpeg(600, 800), now=NOW)
    assert card.photo_request == "" and card.photo_path != first_path
    assert not default_storage.exists(first_path) and default_storage.exists(card.photo_path)  # the old file is gone
    [row] = AuditEvent.objects.filter(action="ak1.photo_changed", object_id=str(card.pk), after__requested=True)
    assert row.after["replaced"] is True
    assert services.ak1_issue(actor=officer, card_id=card.pk, now=NOW).status == "issued"


def test_asking_for_a_new_photo_is_the_regency_offices_with_a_reason_while_waiting(regions, officer):
    card = _apply()
    for who in (card.person.user, staff("regional_officer", region_code="35.78"), staff("regional_officer", region_code="32")):
        with pytest.raises(PermissionDenied):
            services.ak1_photo_request(actor=who, card_id=card.pk, reason="Buram", now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        services.ak1_photo_request(actor=officer, card_id=card.pk, reason="  ", now=NOW)
    assert refused.value.field == "reason"
    services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    with pytest.raises(Conflict):  # decided: nothing to ask for any more
        services.ak1_photo_request(actor=officer, card_id=card.pk, reason="Buram", now=NOW)


def test_the_holder_replaces_it_on_a_valid_card_but_not_on_a_refused_or_expired_one(regions, officer):
    card = _apply()
    holder = card.person.user
    services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    later = NOW + dt.timedelta(days=100)
    assert services.ak1_photo_set(actor=holder, card_id=card.pk, photo_upload=photos.PHOTO, now=later).photo_path
    with pytest.raises(PermissionDenied):  # only the holder: not even the office replaces it
        services.ak1_photo_set(actor=officer, card_id=card.pk, photo_upload=photos.PHOTO, now=later)
    with pytest.raises(Conflict) as refused:
        services.ak1_photo_set(actor=holder, card_id=card.pk, photo_upload=photos.PHOTO, now=NOW + dt.timedelta(days=800))
    assert refused.value.code == "ak1_photo_locked"
    refused_card = _apply()
    services.ak1_refuse(actor=officer, card_id=refused_card.pk, reason="Bukan warga Kota Bandung.", now=NOW)
    with pytest.raises(Conflict):
        services.ak1_photo_set(actor=refused_card.person.user, card_id=refused_card.pk, photo_upload=photos.PHOTO, now=NOW)


def test_only_the_holder_and_the_cards_regency_office_fetch_the_photo(regions, officer):
    card = _apply()
    assert services.ak1_photo_read(actor=card.person.user, card_id=card.pk) == _stored(card)
    assert services.ak1_photo_read(actor=officer, card_id=card.pk) == _stored(card)
    outsiders = [PersonFactory().user, staff("regional_officer", region_code="35.78"),
                 staff("regional_officer", region_code="32"),  # the province sees the card, not the photo
                 employer(), staff("curator")]
    for who in outsiders:
        with pytest.raises(PermissionDenied):
            services.ak1_photo_read(actor=who, card_id=card.pk)


def test_housekeeping_deletes_photos_no_longer_kept_once(regions, officer):
    waiting = _apply()
    valid = _apply()
    services.ak1_issue(actor=officer, card_id=valid.pk, now=NOW)
    refused = _apply()
    services.ak1_refuse(actor=officer, card_id=refused.pk, reason="Data tidak sesuai KTP.", now=NOW)
    ended = _apply()
    services.ak1_issue(actor=officer, card_id=ended.pk, now=NOW)
    services.ak1_report(actor=ended.person.user, card_id=ended.pk, now=NOW + dt.timedelta(days=10),
                        report=services.Ak1Report(outcome="employed", employer_name="PT Maju", position="Juru las"))
    paths = {c.pk: JobSeekerCard.objects.get(pk=c.pk).photo_path for c in (waiting, valid, refused, ended)}

    assert services.ak1_photos_delete_expired(now=NOW + dt.timedelta(days=29)) == 0
    assert services.ak1_photos_delete_expired(now=NOW + dt.timedelta(days=41)) == 2  # refused and ended, 30 days on
    after = {c.pk: JobSeekerCard.objects.get(pk=c.pk).photo_path for c in (waiting, valid, refused, ended)}
    assert after[refused.pk] == after[ended.pk] == "" and after[waiting.pk] and after[valid.pk]
    assert not default_storage.exists(paths[refused.pk]) and default_storage.exists(paths[valid.pk])
    assert AuditEvent.objects.filter(action="ak1.photo_deleted").count() == 2
    assert services.ak1_photos_delete_expired(now=NOW + dt.timedelta(days=41)) == 0  # nothing twice
    # The valid card's photo goes 30 days after it expires (issued 10 March 2026: expires 10 March 2028).
    assert services.ak1_photos_delete_expired(now=timezone.make_aware(dt.datetime(2028, 4, 8, 9))) == 0
    assert services.ak1_photos_delete_expired(now=timezone.make_aware(dt.datetime(2028, 4, 9, 9))) == 1
    assert JobSeekerCard.objects.get(pk=waiting.pk).photo_path  # a waiting application keeps it


def test_housekeeping_runs_the_photo_sweep(settings):
    assert "sisnaker.placement.services.ak1_photos_delete_expired" in settings.SISNAKER_HOUSEKEEPING


# --- pages ---------------------------------------------------------------------------------------------------

FORM = {"birth_place": "Bandung", "marital_status": "married", "religion": "catholic", "address": "Jl. Asia Afrika 8",
        "education": "sma", "other_training": "", "skills": "Menjahit, bordir"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_applicant_uploads_the_photo_and_sees_it_cleaned(regions):
    person = PersonFactory(nik_district="32.73.01")
    citizen = _client(person.user)
    form = citizen.get(reverse("placement:ak1_apply")).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="photo"' in form and "image/jpeg" in form
    response = citizen.post(reverse("placement:ak1_apply"), {**FORM, "photo": photos.upload(photos.jpeg(gps=True))})
    card = JobSeekerCard.objects.get(person=person)
    assert response.status_code == 302
    page = citizen.get(reverse("placement:ak1_card", args=[card.pk])).content.decode()
    photo_url = reverse("placement:ak1_photo", args=[card.pk])
    assert f'src="{photo_url}"' in page and reverse("placement:ak1_photo_change", args=[card.pk]) in page
    served = citizen.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"] and "private" in served["Cache-Control"]
    body = served.content
    assert _image(body).size == (300, 400) and not photos.has_exif(body) and photos.CAMERA.encode() not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("upload", "says"), [
    (photos.upload(b"<html>not a photo</html>", "foto.jpg"), "bukan foto JPEG atau PNG"),
    (photos.upload(photos.jpeg() + b"\0" * (6 * 1024 * 1024)), "terlalu besar"),
    (photos.upload(photos.jpeg(120, 160)), "terlalu kecil"),
    (None, "Unggah pas foto Anda"),
])
def test_a_bad_upload_comes_back_on_the_form_in_indonesian(regions, upload, says):
    person = PersonFactory(nik_district="32.73.01")
    response = _client(person.user).post(reverse("placement:ak1_apply"), {**FORM, **({"photo": upload} if upload else {})})
    assert response.status_code == 200 and says in response.content.decode()
    assert not JobSeekerCard.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_outsiders_and_other_offices_cannot_fetch_the_photo_the_office_can(regions):
    person = PersonFactory(nik_district="32.73.01")
    _client(person.user).post(reverse("placement:ak1_apply"), {**FORM, "photo": photos.upload()})
    card = JobSeekerCard.objects.get(person=person)
    url = reverse("placement:ak1_photo", args=[card.pk])
    assert Client().get(url).status_code == 302  # anonymous: to the log-in page
    for outsider in (PersonFactory().user, staff("regional_officer", region_code="35.78"), employer()):
        assert _client(outsider).get(url).status_code == 403
    province = _client(staff("regional_officer", region_code="32"))
    assert province.get(reverse("placement:ak1_card", args=[card.pk])).status_code == 200
    assert url not in province.get(reverse("placement:ak1_card", args=[card.pk])).content.decode()
    assert province.get(url).status_code == 403
    office = _client(staff("regional_officer", region_code="32.73"))
    assert office.get(url).status_code == 200 and url in office.get(reverse("placement:ak1_card", args=[card.pk])).content.decode()


@pytest.mark.django_db
def test_the_officer_asks_for_a_new_photo_and_the_applicant_replaces_it(regions):
    person = PersonFactory(nik_district="32.73.01")
    citizen = _client(person.user)
    citizen.post(reverse("placement:ak1_apply"), {**FORM, "photo": photos.upload()})
    card = JobSeekerCard.objects.get(person=person)
    office = _client(staff("regional_officer", region_code="32.73"))
    assert office.post(reverse("placement:ak1_photo_request", args=[card.pk]), {"reason": ""}).status_code == 400
    response = office.post(reverse("placement:ak1_photo_request", args=[card.pk]), {"reason": "Wajah tertutup masker."},
                           follow=True)
    assert "Permintaan pas foto baru dikirim" in response.content.decode()
    issued = office.post(reverse("placement:ak1_issue", args=[card.pk]), follow=True).content.decode()
    assert "Menunggu pas foto baru" in issued and JobSeekerCard.objects.get(pk=card.pk).status == "submitted"

    page = citizen.get(reverse("placement:ak1_card", args=[card.pk])).content.decode()
    assert "Wajah tertutup masker." in page
    change = reverse("placement:ak1_photo_change", args=[card.pk])
    assert citizen.get(change).status_code == 200
    bad = citizen.post(change, {"photo": photos.upload(b"GIF89a not really")})
    assert bad.status_code == 400 and "bukan foto JPEG atau PNG" in bad.content.decode()
    assert citizen.post(change, {"photo": photos.upload(photos.png())}).status_code == 302
    assert JobSeekerCard.objects.get(pk=card.pk).photo_request == ""
    assert office.get(change).status_code == 403  # the office asks; only the holder uploads
    assert office.post(reverse("placement:ak1_issue", args=[card.pk])).status_code == 302
    assert JobSeekerCard.objects.get(pk=card.pk).status == "issued"


def _pdf_images(body: bytes) -> list[Image.Image]:
    return [image.image for image in PdfReader(io.BytesIO(body)).pages[0].images]


@pytest.mark.django_db
def test_the_printed_card_carries_the_photo(regions):
    person = PersonFactory(nik_district="32.73.01")
    citizen = _client(person.user)
    citizen.post(reverse("placement:ak1_apply"), {**FORM, "photo": photos.upload(photos.jpeg(halves=(RED, RED)))})
    card = JobSeekerCard.objects.get(person=person)
    office = _client(staff("regional_officer", region_code="32.73"))
    office.post(reverse("placement:ak1_issue", args=[card.pk]))
    pdf = reverse("placement:ak1_pdf", args=[card.pk])
    [printed] = _pdf_images(citizen.get(pdf).content)
    assert printed.size == (300, 400) and _near(printed.convert("RGB").getpixel((150, 200)), RED)
    assert len(_pdf_images(office.get(pdf).content)) == 1
    # The province office may print the card, without the photo (an empty frame to glue one in).
    province = _client(staff("regional_officer", region_code="32")).get(pdf)
    assert province.status_code == 200 and _pdf_images(province.content) == []


def test_the_replaced_photo_is_deleted_by_a_task_queued_with_the_change(regions, settings, django_capture_on_commit_callbacks):
    """With the database task backend the deletion of the old file is a task row written in the replacing transaction:
    a server killed right after its COMMIT (no after-commit hook runs here) does not keep the old photo for good."""
    settings.TASKS = DB_TASKS
    card = _apply()
    old = card.photo_path
    with django_capture_on_commit_callbacks(execute=False):
        card = services.ak1_photo_set(actor=card.person.user, card_id=card.pk, photo_upload=photos.jpeg(600, 800), now=NOW)
    assert default_storage.exists(old)  # not yet: the worker deletes it
    [deletion] = queued("delete_stored_files")
    assert deletion.args_kwargs["kwargs"] == {"paths": [old]}
    run_as_worker(deletion)
    assert not default_storage.exists(old) and default_storage.exists(card.photo_path)


def test_a_photo_whose_transaction_never_commits_is_deleted_by_housekeeping(regions, media):
    """The photo is written before the transaction that refers to it, its PendingFile row committed first. A process
    killed between the file and the COMMIT runs no clean-up at all: that state is made here by writing ahead and
    never reaching the transaction. Housekeeping deletes the file once the grace period has passed, and never a
    photo that a committed card refers to."""
    kept = _apply()
    orphan = storedfiles.WrittenAhead(now=NOW)
    path = orphan.save("ak1/photos/ab/ab" + "0" * 30 + ".jpg", io.BytesIO(photos.PHOTO))  # then the process dies
    assert default_storage.exists(path) and PendingFile.objects.filter(path=path).exists()

    assert storedfiles.pending_files_delete(now=NOW + storedfiles.PENDING_GRACE - dt.timedelta(minutes=1)) == 0
    assert default_storage.exists(path)  # within the grace: its transaction may still be running
    assert storedfiles.pending_files_delete(now=NOW + storedfiles.PENDING_GRACE) == 1
    assert not default_storage.exists(path) and not PendingFile.objects.exists()
    assert default_storage.exists(kept.photo_path) and _files(media) == [kept.photo_path.removeprefix("ak1/photos/")]
    assert storedfiles.pending_files_delete(now=NOW + dt.timedelta(days=1)) == 0  # nothing twice


def test_a_refused_photo_change_deletes_its_file_and_pending_row_at_once(regions, media):
    card = _apply()
    stranger = PersonFactory(nik_district="32.73.01")
    with pytest.raises(PermissionDenied):
        services.ak1_photo_set(actor=stranger.user, card_id=card.pk, photo_upload=photos.jpeg(600, 800), now=NOW)
    assert _files(media) == [card.photo_path.removeprefix("ak1/photos/")] and not PendingFile.objects.exists()
    replaced = services.ak1_photo_set(actor=card.person.user, card_id=card.pk, photo_upload=photos.jpeg(600, 800), now=NOW)
    assert replaced.photo_path != card.photo_path and not PendingFile.objects.exists()


def test_housekeeping_deletes_pending_leftovers(settings):
    assert "sisnaker.core.storedfiles.pending_files_delete" in settings.SISNAKER_HOUSEKEEPING
