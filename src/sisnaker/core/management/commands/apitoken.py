"""``sisnaker apitoken``: bearer tokens for staff scripts.

    sisnaker apitoken create USERNAME --name "rekap harian"   # prints the secret ONCE
    sisnaker apitoken list [--user USERNAME] [--all]
    sisnaker apitoken revoke ID
"""

from django.core.management.base import BaseCommand, CommandError

from sisnaker.core.api_auth import find_user, token_create, token_revoke
from sisnaker.core.errors import SisnakerError
from sisnaker.core.models import ApiToken


class Command(BaseCommand):
    help = "Create, list and revoke API tokens (Authorization: Bearer …) for staff scripts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a token for USERNAME and print its secret once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for, e.g. \"rekap harian\".")
        lst = sub.add_parser("list", help="List tokens (active ones unless --all).")
        lst.add_argument("--user", default="", help="Only this user's tokens.")
        lst.add_argument("--all", action="store_true", help="Include revoked tokens.")
        revoke = sub.add_parser("revoke", help="Revoke token ID (see `list`).")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except SisnakerError as exc:
            raise CommandError(str(exc.message)) from exc

    def _create(self, options):
        user = find_user(options["username"])
        token, secret = token_create(user=user, name=options["name"])
        self.stdout.write(f"Token #{token.pk} \"{token.name}\" for {user.username}.")
        self.stdout.write("Secret (shown only now; store it safely):")
        self.stdout.write(secret)

    def _list(self, options):
        qs = ApiToken.objects.select_related("user").order_by("pk")
        if options["user"]:
            qs = qs.filter(user__username=options["user"])
        if not options["all"]:
            qs = qs.filter(revoked_at__isnull=True)
        rows = list(qs)
        if not rows:
            self.stdout.write("No tokens.")
            return
        for t in rows:
            used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
            state = f"revoked {t.revoked_at.isoformat(timespec='seconds')}" if t.revoked_at else "active"
            self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.user.username}\t{t.name}\tcreated {t.created_at.isoformat(timespec='seconds')}"
                              f"\tlast used {used}\t{state}")

    def _revoke(self, options):
        token = token_revoke(token_id=options["id"])
        self.stdout.write(f"Token #{token.pk} ({token.prefix}…) revoked.")
