"""The Django admin, installed with Sisnaker's own site (``accounts/admin_site.py``)."""

from django.contrib.admin.apps import AdminConfig


class SisnakerAdminConfig(AdminConfig):
    default_site = "sisnaker.accounts.admin_site.SisnakerAdminSite"
