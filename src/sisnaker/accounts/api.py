"""Accounts API: citizen sign-up and the caller's own profile."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Msg, NotFound, ValidationFailed
from sisnaker.regions import selectors as region_selectors
from sisnaker.regions.codes import Code as RegionCode

from . import selectors, services
from .models import SignUpClaim

router = Router(tags=["accounts"])


class SignUpIn(Schema):
    nik: str
    full_name: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    education: str
    phone: str = Field("", description="A mobile number, or empty when `email` is given (one of the two is required)")
    email: str = ""
    domicile_district: str  # dotted district code, e.g. "32.73.01"
    password: str
    has_disability: bool = False
    disability_kind: str = ""
    address: str = ""


class PersonOut(Schema):
    id: int
    full_name: str
    nik_masked: str
    birth_date: dt.date
    sex: str
    domicile_district: str
    nik_regency: str
    warnings: list[str]


class RoleOut(Schema):
    role: str
    label: str
    scope: str


class MeOut(Schema):
    username: str
    roles: list[RoleOut]
    person: PersonOut | None


def _person_out(person) -> PersonOut:
    return PersonOut(
        id=person.pk, full_name=person.full_name, nik_masked=person.nik_masked, birth_date=person.birth_date,
        sex=person.sex, domicile_district=person.domicile_district_id, nik_regency=person.nik_regency_id,
        warnings=[w.get("code", "") for w in person.nik_warnings],
    )


class ClaimOut(Schema):
    verification_token: str
    channel: str
    destination: str


class ClaimVerifyIn(Schema):
    verification_token: str
    code: str


class ClaimResendIn(Schema):
    verification_token: str


class ClaimResultOut(Schema):
    status: str  # "claimed": the record is now the account's; "disputed": a regional officer will check
    person: PersonOut | None


@router.post("/signup", response={201: PersonOut, 202: ClaimOut}, auth=None, summary="Register a citizen with their NIK",
             description="201: registered. 202: the NIK is held by a record an institution or a posko added; a one-time "
                         "code went by SMS to `phone` (by e-mail to `email` when no phone was given: `channel`) — send it to `/accounts/signup/verify`. Sign-ups and answers that "
                         "show a NIK is registered are rate limited per address and network (429).")
def signup(request, payload: SignUpIn):
    district = region_selectors.district_get_cached(payload.domicile_district)
    if district is None:
        raise ValidationFailed(
            Msg("Kode kecamatan domisili tidak dikenal.", "Unknown domicile district code."),
            code=RegionCode.DISTRICT_UNKNOWN, field="domicile_district",
        )
    person = services.person_sign_up(
        data=services.SignUp(
            nik=payload.nik, full_name=payload.full_name, birth_date=payload.birth_date, sex=payload.sex,
            education=payload.education, phone=payload.phone, email=payload.email, domicile_district=district,
            password=payload.password, has_disability=payload.has_disability, disability_kind=payload.disability_kind,
            address=payload.address, language=getattr(request, "LANGUAGE_CODE", "id"),
        ),
        today=timezone.localdate(),
    )
    if isinstance(person, SignUpClaim):
        return Status(202, ClaimOut(verification_token=person.token, channel=person.channel,
                                    destination=services.claim_destination(person)))
    return Status(201, _person_out(person))


@router.post("/signup/verify", response=ClaimResultOut, auth=None, summary="Complete a sign-up with the one-time code",
             description="`claimed`: the provisional record is now the new account's (log in with the phone and "
                         "password). `disputed`: the name or birth date differ from the record; the account exists and a "
                         "regional officer of the NIK's region decides.")
def signup_verify(request, payload: ClaimVerifyIn):
    outcome = services.signup_claim_verify(token=payload.verification_token, code=payload.code)
    if outcome.person is not None:
        return ClaimResultOut(status="claimed", person=_person_out(outcome.person))
    return ClaimResultOut(status="disputed", person=None)


@router.post("/signup/resend", response=ClaimOut, auth=None, summary="Send the one-time code again")
def signup_resend(request, payload: ClaimResendIn):
    claim = services.signup_claim_resend(token=payload.verification_token)
    return ClaimOut(verification_token=claim.token, channel=claim.channel, destination=services.claim_destination(claim))


@router.get("/me", response=MeOut, auth=django_auth, summary="The signed-in user's roles and profile")
def me(request):
    person = selectors.person_for_user(user=request.user)
    if not request.user.is_active:
        raise NotFound(Msg("Akun tidak aktif.", "Inactive account."), code=CoreCode.NOT_FOUND)
    return MeOut(
        username=request.user.username,
        roles=[RoleOut(**r) for r in selectors.roles_of(user=request.user)],
        person=_person_out(person) if person else None,
    )
