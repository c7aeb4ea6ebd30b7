"""The roles of Sisnaker and the scope each one needs (DESIGN.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Warga / pencari kerja")
    INSTITUTION_MANAGER = "institution_manager", _("Pengelola lembaga")
    INSTRUCTOR = "instructor", _("Instruktur")
    REGIONAL_OFFICER = "regional_officer", _("Petugas Disnaker")
    CURATOR = "curator", _("Kurator Kementerian")
    PMO_OFFICER = "pmo_officer", _("Petugas PMO Prakerja")
    EMPLOYER = "employer", _("Pemberi kerja")
    FINANCE_OFFICER = "finance_officer", _("Bendahara / PPK")
    # Pejabat Pelindungan Data Pribadi (UU PDP): answers people's requests about their data (the privacy app).
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Pejabat Pelindungan Data")
    ADMIN = "admin", _("Administrator")


# What each role's scope must be: exactly one of these is set (None: national / self).
SCOPE_OF = {
    Role.CITIZEN: None,
    Role.INSTITUTION_MANAGER: "institution",
    Role.INSTRUCTOR: "institution",
    Role.REGIONAL_OFFICER: "region",
    Role.CURATOR: None,
    Role.PMO_OFFICER: None,
    Role.EMPLOYER: "company",
    # National, or one funding source (FUNDING_SOURCES): an empty scope is national.
    Role.FINANCE_OFFICER: "funding_source",
    Role.DATA_PROTECTION_OFFICER: None,
    Role.ADMIN: None,
}

# The funding sources a finance officer may be limited to: the paying ones of training.Program.Funding
# (self-funded "mandiri" programs pay nobody). tests/payments checks that the two lists agree.
FUNDING_SOURCES = ("apbn", "apbd", "prakerja")

STAFF_ROLES = frozenset(set(Role) - {Role.CITIZEN})
