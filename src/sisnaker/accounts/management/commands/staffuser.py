"""``sisnaker staffuser``: create a staff log-in and/or give it a role, from the server's shell — how
the first administrator of a new installation comes to exist (after that, administrators grant roles
in the admin). Goes through the same audited services as everything else.

    sisnaker staffuser admin --name "Administrator Sisnaker" --email admin@kemnaker.go.id --role admin
    sisnaker staffuser disnaker.bdg --name "Lilis Suryani" --role regional_officer --region 32.73
    sisnaker staffuser bendahara.apbn --name "Rina Wulandari" --role finance_officer --funding-source apbn
    echo "$PASSWORD" | sisnaker staffuser ops --name Ops --role curator --password-stdin
"""

from __future__ import annotations

import getpass
import sys

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from sisnaker.accounts import selectors, services
from sisnaker.core.errors import SisnakerError
from sisnaker.core.roles import FUNDING_SOURCES, SCOPE_OF, Role


class Command(BaseCommand):
    help = "Create a staff log-in (asks for its password) and/or grant it a role with its scope."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="full name (for a new log-in)")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role if r != Role.CITIZEN])
        parser.add_argument("--region", default="", help="province (32) or regency (32.73) code, for regional_officer")
        parser.add_argument("--institution", type=int, help="institution id, for institution_manager / instructor")
        parser.add_argument("--company", type=int, help="company id, for employer")
        parser.add_argument("--funding-source", default="", choices=["", *FUNDING_SOURCES],
                            help="for finance_officer: one funding source (none: national)")
        parser.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")

    def handle(self, *args, username, name, email, role, region, institution, company, funding_source, password_stdin, **options):
        # The scope's models belong to apps above accounts: named, never imported (the dependency rules).
        Institution, Company = apps.get_model("institutions", "Institution"), apps.get_model("placement", "Company")
        scope = {}
        need = SCOPE_OF[Role(role)]
        if need == "region":
            scope["region_code"] = region.strip()
        elif need == "institution":
            scope["institution"] = Institution.objects.filter(pk=institution).first() if institution else None
            if scope["institution"] is None:
                raise CommandError("--institution must name an existing institution id for this role.")
        elif need == "funding_source" and funding_source:
            scope["funding_source"] = funding_source
        elif need == "company":
            scope["company"] = Company.objects.filter(pk=company).first() if company else None
            if scope["company"] is None:
                raise CommandError("--company must name an existing company id for this role.")
        new = selectors.user_by_username(username=username) is None
        password = self._password(password_stdin) if new else None
        try:
            services.staff_login_set_up(username=username, role=role, password=password, full_name=name, email=email, **scope)
        except SisnakerError as exc:
            raise CommandError(str(exc.message)) from exc
        if new:
            self.stdout.write(f"Log-in {username} created.")
        self.stdout.write(self.style.SUCCESS(f"{username}: role {role} granted{' (' + str(list(scope.values())[0]) + ')' if scope else ''}."))

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
