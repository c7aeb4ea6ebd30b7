"""A realistic demo data set: staff for every role, institutions, a company and citizens with valid
NIKs spread over many regencies (names from Faker's id_ID locale). Idempotent: loading twice adds
nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from sisnaker.accounts import services as account_services
from sisnaker.accounts.models import Person, RoleAssignment, User
from sisnaker.core import audit, crypto
from sisnaker.core.roles import Role
from sisnaker.institutions.models import Institution
from sisnaker.placement.models import Company
from sisnaker.regions.models import District, Regency

DEMO_PASSWORD = "demo-kerja-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    password: str
    note: str


def _nik_for(district_code: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def logins() -> list[DemoLogin]:
    return [
        DemoLogin("Administrator", "admin", DEMO_PASSWORD, "semua akses, jejak audit, /admin/"),
        DemoLogin("Kurator Kementerian", "kurator", DEMO_PASSWORD, "nasional"),
        DemoLogin("Petugas PMO Prakerja", "pmo", DEMO_PASSWORD, "nasional"),
        DemoLogin("Petugas Disnaker provinsi", "disnaker.jabar", DEMO_PASSWORD, "Provinsi Jawa Barat (32)"),
        DemoLogin("Petugas Disnaker kab/kota", "disnaker.bandung", DEMO_PASSWORD, "Kota Bandung (32.73)"),
        DemoLogin("Pengelola lembaga", "pengelola.blkbandung", DEMO_PASSWORD, "UPTD BLK Kota Bandung"),
        DemoLogin("Instruktur", "instruktur.blkbandung", DEMO_PASSWORD, "UPTD BLK Kota Bandung"),
        DemoLogin("Pemberi kerja", "hrd.majujaya", DEMO_PASSWORD, "PT Maju Jaya Sentosa"),
        DemoLogin("Warga (pencari kerja)", "siti@contoh.id", DEMO_PASSWORD, "atau masuk dengan NIK 3273015705950001"),
    ]


def _staff(username: str, name: str, role: Role, **scope) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.staff_user_create(actor=None, username=username, password=DEMO_PASSWORD, full_name=name)
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        account_services.role_grant(actor=None, user=user, role=role, **scope)
    return user


@transaction.atomic
def load_demo(*, citizens: int = 300, seed: int = 2026, today: dt.date) -> dict[str, int]:
    """Create the demo data set (once). Returns what was created."""
    if User.objects.filter(username="admin").exists():
        return {"created": 0}
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)

    bandung = Regency.objects.get(code="32.73")
    blk = Institution.objects.create(
        registry_number="BLK-3273-001", name="UPTD BLK Kota Bandung", kind=Institution.Kind.BLK_UPTD, regency=bandung,
        address="Jl. Jenderal Gatot Subroto No. 170, Bandung", phone="022-7312564", email="blk@bandung.go.id",
    )
    Institution.objects.create(
        registry_number="LPK-3578-014", name="LPK Cahaya Mandiri Surabaya", kind=Institution.Kind.LPK,
        regency=Regency.objects.get(code="35.78"), address="Jl. Raya Darmo 45, Surabaya",
    )
    Institution.objects.create(
        registry_number="BLKK-9471-002", name="BLK Komunitas Yayasan Harapan Jayapura", kind=Institution.Kind.BLK_KOMUNITAS,
        regency=Regency.objects.get(code="91.71"), address="Jl. Raya Abepura, Jayapura",
    )
    company = Company.objects.create(name="PT Maju Jaya Sentosa", nib="9120000123456", regency=Regency.objects.get(code="32.16"))

    _staff("admin", "Administrator Sisnaker", Role.ADMIN)
    _staff("kurator", "Rina Kurniasih", Role.CURATOR)
    _staff("pmo", "Agus Setiawan", Role.PMO_OFFICER)
    _staff("disnaker.jabar", "Dedi Supriadi", Role.REGIONAL_OFFICER, region_code="32")
    _staff("disnaker.bandung", "Lilis Suryani", Role.REGIONAL_OFFICER, region_code="32.73")
    _staff("pengelola.blkbandung", "Hendra Gunawan", Role.INSTITUTION_MANAGER, institution=blk)
    _staff("instruktur.blkbandung", "Yusuf Maulana", Role.INSTRUCTOR, institution=blk)
    _staff("hrd.majujaya", "Maya Anggraini", Role.EMPLOYER, company=company)

    # The citizen who logs in through the page, via the real sign-up service.
    account_services.person_sign_up(
        data=account_services.SignUp(
            nik="3273015705950001", full_name="Siti Nurhaliza", birth_date=dt.date(1995, 5, 17), sex="F", education="smk",
            phone="081234567890", email="siti@contoh.id", domicile_district=District.objects.get(code="32.73.01"),
            password=DEMO_PASSWORD,
        ),
        today=today,
    )

    # Many citizens at once: set-based inserts, one password hash shared (they are not used to log in).
    districts = list(District.objects.values_list("code", "regency_id"))
    weighted = [d for d in districts if d[0][:2] in {"31", "32", "33", "35", "36"}] * 3 + districts
    password_hash = make_password(None)
    users, people = [], []
    educations = [c for c, _ in Person.Education.choices]
    kinds = [c for c, _ in Person.Disability.choices]
    for i in range(citizens):
        female = rng.random() < 0.52
        name = fake.name_female() if female else fake.name_male()
        birth = today - dt.timedelta(days=rng.randint(18 * 365, 55 * 365))
        nik_district, nik_regency = rng.choice(weighted)
        # About one in five lives away from where the NIK was issued (migrants to the cities).
        domicile = nik_district if rng.random() > 0.2 else rng.choice(weighted)[0]
        nik = _nik_for(nik_district, birth, female, 1000 + i)
        phone = f"+6281{rng.randint(10_000_000, 99_999_999)}{i % 10}"
        users.append(User(username=f"demo{i:05d}", first_name=name[:150], phone=phone, password=password_hash))
        disabled = rng.random() < 0.03
        people.append(
            Person(
                nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik, label="nik"),
                nik_regency_id=nik_regency, nik_district_id=nik_district, full_name=name, birth_date=birth,
                sex="F" if female else "M", education=rng.choice(educations), phone=phone,
                domicile_district_id=domicile, has_disability=disabled, disability_kind=rng.choice(kinds) if disabled else "",
                address=fake.street_address(),
            )
        )
    User.objects.bulk_create(users, batch_size=500)
    saved = {u.username: u.pk for u in User.objects.filter(username__startswith="demo").only("pk", "username")}
    for user, person in zip(users, people, strict=True):
        person.user_id = saved[user.username]
    Person.objects.bulk_create(people, batch_size=500)
    RoleAssignment.objects.bulk_create([RoleAssignment(user_id=pk, role=Role.CITIZEN) for pk in saved.values()], batch_size=500)
    audit.record(actor="demo", action="demo.loaded", object_type="demo", object_id="1", after={"citizens": citizens + 1})
    return {"created": 1, "citizens": citizens + 1, "institutions": 3, "companies": 1}
