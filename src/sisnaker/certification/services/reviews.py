"""The participant's review of the training: they (or a new alumnus) rate it 1–5 with a written review
(at least ``domain.domain.REVIEW_MIN_CHARS`` characters), once per enrollment, and may rate one instructor of
the program's institution."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.actors import LinkHolder, require_link_scope
from sisnaker.core.errors import Conflict, Msg, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.training.models import Enrollment

from .. import domain
from ..codes import Audit, Code
from ..models import Review
from ..selectors.assessment import teaches


@transaction.atomic(durable=True)
def review_submit(*, actor: User | LinkHolder, enrollment: Enrollment, rating: int, text: str, instructor: User | None = None,
                  instructor_rating: int | None = None, now: dt.datetime) -> Review:
    """The participant (or new alumnus) rates and reviews the training, once per enrollment, and may
    rate one instructor of the program's institution. ``actor`` is the person's account, or the holder of
    a personal link to this enrollment (``core.actors.LinkHolder``, checked still valid here)."""
    enrollment = (Enrollment.objects.select_for_update(of=("self",)).select_related("program__institution", "person")
                  .get(pk=enrollment.pk))
    if isinstance(actor, LinkHolder):
        require_link_scope(actor, enrollment_id=enrollment.pk, person_id=enrollment.person_id)
    else:
        require(actor, "enrollment.register_self", enrollment.person)
    if Review.objects.filter(enrollment=enrollment).exists():
        raise Conflict(Msg("Anda sudah memberi ulasan untuk pelatihan ini; ulasan hanya sekali per pelatihan.",
                           "You already reviewed this training; a review is given once per training."), code=Code.REVIEW_EXISTS)
    blocker = domain.review_blocker(program_status=enrollment.program.status, state=enrollment.state)
    if blocker:
        raise Conflict(blocker, code=Code.REVIEW_NOT_ALLOWED)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(Msg("Pilih penilaian bintang 1 sampai 5.", "Choose a rating from 1 to 5 stars."), code=Code.REVIEW_RATING, field="rating")
    text = (text or "").strip()
    if len(text) < domain.REVIEW_MIN_CHARS:
        raise ValidationFailed(Msg("Ulasan minimal {n} karakter (sekarang {k}). Ceritakan apa yang baik dan apa yang perlu diperbaiki.",
                                   "The review needs at least {n} characters (now {k}). Say what was good and what could improve.").format(
                                       n=domain.REVIEW_MIN_CHARS, k=len(text)), code=Code.REVIEW_TEXT_SHORT, field="text")
    if len(text) > domain.REVIEW_MAX_CHARS:
        raise ValidationFailed(Msg("Ulasan paling banyak {n} karakter.", "The review can have at most {n} characters.").format(n=domain.REVIEW_MAX_CHARS),
                               code=Code.REVIEW_TEXT_LONG, field="text")
    if instructor is not None:
        if not teaches(user=instructor, program=enrollment.program):
            raise ValidationFailed(Msg("Instruktur yang dipilih tidak mengajar pelatihan ini. Pilih salah satu instruktur dalam daftar.",
                                       "The chosen instructor does not teach this training. Choose one of the instructors listed."),
                                   code=Code.REVIEW_INSTRUCTOR, field="instructor")
        if isinstance(instructor_rating, bool) or not isinstance(instructor_rating, int) or not 1 <= instructor_rating <= 5:
            raise ValidationFailed(Msg("Beri nilai instruktur 1 sampai 5, atau kosongkan pilihan instruktur.",
                                       "Rate the instructor from 1 to 5, or leave the instructor empty."),
                                   code=Code.REVIEW_INSTRUCTOR_RATING, field="instructor_rating")
    elif instructor_rating is not None:
        raise ValidationFailed(Msg("Pilih instruktur yang Anda nilai.", "Choose the instructor you are rating."),
                               code=Code.REVIEW_INSTRUCTOR_MISSING, field="instructor")
    try:
        with transaction.atomic():
            review = Review.objects.create(enrollment=enrollment, rating=rating, text=text, instructor=instructor,
                                           instructor_rating=instructor_rating if instructor else None, created_at=now)
    except IntegrityError as exc:  # the same participant submitting twice at the same moment
        raise Conflict(Msg("Anda sudah memberi ulasan untuk pelatihan ini.", "You already reviewed this training."), code=Code.REVIEW_EXISTS) from exc
    audit.record(actor=actor, action=Audit.REVIEW_SUBMITTED, obj=review, at=now, after={
        "enrollment": enrollment.pk, "program": enrollment.program_id, "rating": rating, "text": text,
        "instructor": instructor.pk if instructor else None, "instructor_rating": review.instructor_rating,
    })
    return review
