"""Accounts API: citizen sign-up and the caller's own profile."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from ninja.security import django_auth

from sisnaker.core.errors import Msg, NotFound, ValidationFailed
from sisnaker.regions.models import District

from . import selectors, services

router = Router(tags=["accounts"])


class SignUpIn(Schema):
    nik: str
    full_name: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    education: str
    phone: str
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


@router.post("/signup", response={201: PersonOut}, auth=None, summary="Register a citizen with their NIK")
def signup(request, payload: SignUpIn):
    district = District.objects.filter(code=payload.domicile_district).first()
    if district is None:
        raise ValidationFailed(
            Msg("Kode kecamatan domisili tidak dikenal.", "Unknown domicile district code."),
            code="district_unknown", field="domicile_district",
        )
    person = services.person_sign_up(
        data=services.SignUp(
            nik=payload.nik, full_name=payload.full_name, birth_date=payload.birth_date, sex=payload.sex,
            education=payload.education, phone=payload.phone, email=payload.email, domicile_district=district,
            password=payload.password, has_disability=payload.has_disability, disability_kind=payload.disability_kind,
            address=payload.address,
        ),
        today=timezone.localdate(),
    )
    return 201, _person_out(person)


@router.get("/me", response=MeOut, auth=django_auth, summary="The signed-in user's roles and profile")
def me(request):
    person = selectors.person_for_user(user=request.user)
    if not request.user.is_active:
        raise NotFound(Msg("Akun tidak aktif.", "Inactive account."))
    return MeOut(
        username=request.user.username,
        roles=[RoleOut(**r) for r in selectors.roles_of(user=request.user)],
        person=_person_out(person) if person else None,
    )
