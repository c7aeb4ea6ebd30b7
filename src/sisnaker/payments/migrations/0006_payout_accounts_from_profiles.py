"""Moves the bank account people kept on their profile (``Person.bank_name``/``bank_account_encrypted``/
``bank_account_holder``, removed by accounts 0011) to their payout account, the one place money goes to.

For each person with such an account and no current payout account: the free-text bank name is looked up in
the reference list (``data/banks.csv``: its code, full name or short name, case and punctuation ignored,
"PT", "(Persero)", "Tbk" and a leading "Bank" optional). A name that matches no bank, or more than one, is
never guessed: the person is named (by id) in the migration's output and enters the account again at
"Rekening pencairan". The number stays sealed (the same ciphertext, or sealed again once spaces and dashes are
taken out); the holder's name gets the status the
payout service would give (``domain.name_score``/``name_verdict`` with the same thresholds).

Reversing copies current bank payout accounts back to empty profile fields, so going back loses nothing."""

import re
import sys

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from sisnaker.core import crypto
from sisnaker.payments import channels, domain

_DROP = {"pt", "persero", "tbk"}


def _key(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", " ", (text or "").lower()).split()
    words = [w for w in words if w not in _DROP]
    if len(words) > 1 and words[0] == "bank":
        words = words[1:]
    return " ".join(words)


def bank_lookup() -> dict[str, str]:
    """Normalised name → bank code, over each bank's code, name and short name; a name two banks share maps
    to neither (it would be a guess)."""
    found: dict[str, set[str]] = {}
    for p in channels.providers().values():
        if p.channel != channels.BANK:
            continue
        for text in (p.code, p.name, p.short_name):
            if _key(text):
                found.setdefault(_key(text), set()).add(p.code)
    return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}


def bank_code_for(bank_name: str, lookup: dict[str, str] | None = None) -> str | None:
    return (lookup if lookup is not None else bank_lookup()).get(_key(bank_name))


def thresholds() -> tuple[int, int]:
    # As services.payout.thresholds (not imported: it loads today's models).
    accept = int(getattr(settings, "SISNAKER_PAYOUT_NAME_ACCEPT", 90))
    review = int(getattr(settings, "SISNAKER_PAYOUT_NAME_REVIEW", 70))
    return accept, min(review, accept)


def forwards(apps, schema_editor):
    Person = apps.get_model("accounts", "Person")
    PayoutAccount = apps.get_model("payments", "PayoutAccount")
    lookup, (accept, review), now = bank_lookup(), thresholds(), timezone.now()
    moved, left = 0, []
    people = (Person.objects.exclude(bank_account_encrypted="").order_by("pk")
              .only("pk", "full_name", "bank_name", "bank_account_encrypted", "bank_account_holder"))
    for person in people.iterator(chunk_size=1000):
        if PayoutAccount.objects.filter(person_id=person.pk, is_current=True).exists():
            continue
        code = bank_code_for(person.bank_name, lookup)
        raw = crypto.decrypt(person.bank_account_encrypted)
        number = domain.clean_number(raw)
        holder = " ".join((person.bank_account_holder or "").split())[:150]
        if code is None:
            left.append((person.pk, f"bank {person.bank_name.strip()[:60]!r} not in the list"))
            continue
        if domain.account_number_refusal(channels.BANK, number) is not None or not holder:
            left.append((person.pk, "number or holder name incomplete"))
            continue
        score = domain.name_score(person.full_name, holder)
        PayoutAccount.objects.create(
            person_id=person.pk, channel=channels.BANK, provider_code=code,
            number_encrypted=person.bank_account_encrypted if number == raw else crypto.encrypt(number), number_last4=number[-4:], holder_name=holder,
            match_score=score, status=domain.name_verdict(score, accept=accept, review=review), is_current=True,
            created_at=now,
        )
        moved += 1
    if moved or left:
        out = sys.stdout
        out.write(f"\n  Bank accounts moved to payout accounts: {moved}.\n")
        if left:
            out.write(f"  Not moved ({len(left)}), the person enters the account again at 'Rekening pencairan':\n")
            for pk, why in left:
                out.write(f"    person {pk}: {why}\n")


def backwards(apps, schema_editor):
    Person = apps.get_model("accounts", "Person")
    PayoutAccount = apps.get_model("payments", "PayoutAccount")
    for account in PayoutAccount.objects.filter(is_current=True, person__isnull=False, channel=channels.BANK).iterator():
        provider = channels.provider(account.provider_code)
        Person.objects.filter(pk=account.person_id, bank_account_encrypted="").update(
            bank_name=(provider.short_name if provider else account.provider_code)[:60],
            bank_account_encrypted=account.number_encrypted, bank_account_holder=account.holder_name)


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0005_ledger_account_reference"),
        ("accounts", "0010_person_name_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
