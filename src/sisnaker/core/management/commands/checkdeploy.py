"""``sisnaker checkdeploy``: is this install ready for production as docs/operations.md describes it?
Environment and keys, Django's ``check --deploy``, security headers (CSP, Permissions-Policy, cookies),
front-end files, migrations, the audit trail's protection against the application's own database role
(can it ALTER, DISABLE TRIGGER on or TRUNCATE core_auditevent?) and the task queue. Exits with status 1
when something must be fixed."""

from django.core.management.base import BaseCommand, CommandError

from sisnaker.core import deploycheck

MARK = {deploycheck.OK: "  ok  ", deploycheck.WARN: " warn ", deploycheck.FAIL: " FAIL "}


class Command(BaseCommand):
    help = "Check that this install is ready for production (docs/operations.md); exit status 1 if not."
    requires_system_checks = []  # it runs them itself, deployment checks included

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias (default: %(default)s)")

    def handle(self, *args, database, **options):
        findings = deploycheck.run(database)
        style = {deploycheck.OK: self.style.SUCCESS, deploycheck.WARN: self.style.WARNING, deploycheck.FAIL: self.style.ERROR}
        for f in findings:
            self.stdout.write(f"[{style[f.level](MARK[f.level])}] {f.topic:<12} {f.text}")
        failed = sum(f.level == deploycheck.FAIL for f in findings)
        warned = sum(f.level == deploycheck.WARN for f in findings)
        summary = f"{len(findings) - failed - warned} ok, {warned} to review, {failed} to fix"
        if failed:
            raise CommandError(f"not ready for production: {summary}")
        self.stdout.write(self.style.SUCCESS(f"ready for production: {summary}"))
