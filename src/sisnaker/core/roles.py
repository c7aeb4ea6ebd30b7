"""The roles of Sisnaker and the scope each one needs (DESIGN.md §2)."""

from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "Warga / pencari kerja"
    INSTITUTION_MANAGER = "institution_manager", "Pengelola lembaga"
    INSTRUCTOR = "instructor", "Instruktur"
    REGIONAL_OFFICER = "regional_officer", "Petugas Disnaker"
    CURATOR = "curator", "Kurator Kementerian"
    PMO_OFFICER = "pmo_officer", "Petugas PMO Prakerja"
    EMPLOYER = "employer", "Pemberi kerja"
    ADMIN = "admin", "Administrator"


# What each role's scope must be: exactly one of these is set (None: national / self).
SCOPE_OF = {
    Role.CITIZEN: None,
    Role.INSTITUTION_MANAGER: "institution",
    Role.INSTRUCTOR: "institution",
    Role.REGIONAL_OFFICER: "region",
    Role.CURATOR: None,
    Role.PMO_OFFICER: None,
    Role.EMPLOYER: "company",
    Role.ADMIN: None,
}

STAFF_ROLES = frozenset(set(Role) - {Role.CITIZEN})
