"""Log-in with whatever a citizen remembers: e-mail, mobile number, NIK, or the staff username."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.core import crypto

from .domain import classify_identifier
from .models import Person, User, email_is


def find_user(identifier: str) -> User | None:
    kind, value = classify_identifier(identifier)
    qs = User.objects.all()
    try:
        if kind == "nik":
            person = Person.objects.select_related("user").filter(nik_index=crypto.blind_index(value, label="nik")).first()
            return person.user if person else None
        if kind == "email":
            return qs.get(email_is(value))
        if kind == "phone":
            return qs.get(phone=value)
        return qs.get(username=value)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return None


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Same work as a real check, so timing does not reveal which identifiers exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's user, with whether it has a confirmed authenticator read in the same query
        (the two-factor gate asks on every request; accounts/security.has_authenticator)."""
        user = (
            User._default_manager.annotate(
                otp_confirmed=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
            ).filter(pk=user_id).first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user._sisnaker_has_otp = user.otp_confirmed
        return user
