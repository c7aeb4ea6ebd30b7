"""Payout accounts: where a person's incentive goes (a bank account or an e-wallet) and where an institution's
training fees go (a bank account), and the officers'
check of holder names the fuzzy match was unsure of."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.accounts.security import confirm_identity
from sisnaker.core import audit, crypto
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.institutions.models import Institution

from .. import channels, domain
from ..codes import Audit, Code
from ..models import PayoutAccount


def thresholds() -> tuple[int, int]:
    """(accept, review): holder-name scores at or above ``accept`` are verified, from ``review`` an officer
    decides, below it the account is refused (settings ``SISNAKER_PAYOUT_NAME_ACCEPT``/``_REVIEW``)."""
    accept = int(getattr(settings, "SISNAKER_PAYOUT_NAME_ACCEPT", 90))
    review = int(getattr(settings, "SISNAKER_PAYOUT_NAME_REVIEW", 70))
    return accept, min(review, accept)


def payout_account_set(
    *, actor: User, person: Person, channel: str, provider_code: str, number: str, holder_name: str,
    current_password: str | None, otp_token: str = "", now: dt.datetime | None = None,
) -> PayoutAccount:
    """A person records the account their money goes to. Where money goes can take an account over, so the
    current password (and the authenticator's code when there is one) is asked first, outside the change's
    transaction (a wrong guess stays counted). The holder's name is matched against the person's name:
    verified, sent to an officer's review, or refused (kept, so the person sees why)."""
    require(actor, "payout_account.set_own", person)
    confirm_identity(user=actor, password=current_password, otp_token=otp_token)
    return _payout_account_set(actor=actor, owner=person, channel=channel, provider_code=provider_code, number=number,
                               holder_name=holder_name, now=now or timezone.now())


def institution_payout_account_set(
    *, actor: User, institution: Institution, provider_code: str, number: str, holder_name: str,
    current_password: str | None, otp_token: str = "", now: dt.datetime | None = None,
) -> PayoutAccount:
    """An approved institution's manager records the bank account its training fees go to (a bank account:
    an institution has no e-wallet). As for a person, the manager's password (and authenticator code) is asked
    first, and the holder's name is matched against the institution's name: verified, sent to an officer's
    review, or refused."""
    require(actor, "payout_account.set_institution", institution)
    confirm_identity(user=actor, password=current_password, otp_token=otp_token)
    return _payout_account_set(actor=actor, owner=institution, channel=channels.BANK, provider_code=provider_code,
                               number=number, holder_name=holder_name, now=now or timezone.now())


@transaction.atomic(durable=True)
def _payout_account_set(*, actor, owner: Person | Institution, channel: str, provider_code: str, number: str,
                        holder_name: str, now: dt.datetime) -> PayoutAccount:
    provider = channels.provider(provider_code)
    if provider is None or provider.channel != channel:
        raise ValidationFailed(Msg("Pilih bank atau dompet digital dari daftar.", "Choose a bank or an e-wallet from the list."),
                               code=Code.PROVIDER_UNKNOWN, field="provider_code")
    number = domain.clean_number(number)
    refusal = domain.account_number_refusal(channel, number)
    if refusal is not None:
        raise ValidationFailed(refusal, code=Code.ACCOUNT_NUMBER, field="number")
    holder = " ".join((holder_name or "").split())[:150]
    if len(domain.normalise_name(holder)) < 2:
        raise ValidationFailed(Msg("Tulis nama pemilik rekening seperti di buku tabungan.",
                                   "Write the account holder's name as in the passbook."), code=Code.HOLDER_NAME, field="holder_name")
    # The owner's row is locked: two changes at once queue up, and the second retires the first.
    if isinstance(owner, Institution):
        owner = Institution.objects.select_for_update().get(pk=owner.pk)
        owner_filter, owner_name = {"institution": owner}, owner.name
    else:
        owner = Person.objects.select_for_update().get(pk=owner.pk)
        owner_filter, owner_name = {"person": owner}, owner.full_name
    score = domain.name_score(owner_name, holder)
    accept, review = thresholds()
    status = domain.name_verdict(score, accept=accept, review=review)
    previous = PayoutAccount.objects.filter(is_current=True, **owner_filter).first()
    if previous is not None:
        PayoutAccount.objects.filter(pk=previous.pk).update(is_current=False)
    account = PayoutAccount.objects.create(
        channel=channel, provider_code=provider.code, number_encrypted=crypto.encrypt(number),
        number_last4=number[-4:], holder_name=holder, match_score=score, status=status, created_at=now, created_by=actor,
        **owner_filter,
    )
    audit.record(actor=actor, action=Audit.PAYOUT_ACCOUNT_SET, obj=account, at=now,
                 before={"account": str(previous)} if previous else None,
                 after={"channel": channel, "provider": provider.code, "number": account.number_masked, "holder": holder,
                        "score": score, "status": status, **({"institution": owner.pk} if "institution" in owner_filter else {})})
    return account


@transaction.atomic(durable=True)
def payout_account_review(*, actor: User, account_id: int, accept: bool, note: str = "",
                          now: dt.datetime | None = None) -> PayoutAccount:
    """A finance officer decides a holder name the match was unsure of (after checking, e.g., a passbook
    photo or a call), or an account the bank refused a transfer to (``bank_refusal``; accepting it again needs
    a note): accepted accounts are verified, refused ones need a new account from the person."""
    require(actor, "payout_account.review")
    now = now or timezone.now()
    account = PayoutAccount.objects.select_for_update(of=("self",)).filter(pk=account_id).select_related("person", "institution").first()
    if account is None:
        raise NotFound(Msg("Rekening tidak ditemukan.", "Account not found."))
    if account.status != domain.PayoutStatus.REVIEW or not account.is_current:
        raise Conflict(Msg("Rekening ini tidak (lagi) menunggu pemeriksaan.", "This account is not (or no longer) waiting for a check."),
                       code=Code.REVIEW_STATE)
    # Maker/checker on money's destination: nobody decides an account that is theirs, that they entered, or
    # that belongs to an institution they manage.
    own = (account.created_by_id == actor.pk or (account.person is not None and account.person.user_id == actor.pk)
           or (account.institution_id is not None and any(g.institution_id == account.institution_id for g in actor.grants)))
    if own:
        raise PermissionDenied(Msg("Rekening ini milik Anda atau Anda yang mencatatnya: pemeriksaan nama dilakukan bendahara lain.",
                                   "This account is yours or you entered it: another finance officer checks the name."))
    note = (note or "").strip()[:300]
    if not accept and not note:
        raise ValidationFailed(Msg("Tulis alasan penolakan (dibaca pemilik rekening).", "Write why it is refused (the holder reads it)."),
                               code=Code.HOLDER_NAME, field="note")
    if accept and account.bank_refusal and not note:
        # The bank refused a transfer to this very account: re-verifying it says why it will work now.
        raise ValidationFailed(Msg("Bank pernah menolak rekening ini: tulis mengapa rekening ini dapat dipakai lagi.",
                                   "The bank refused this account: write why it can be used again."), code=Code.HOLDER_NAME, field="note")
    status = domain.payout_transition(account.status, domain.PayoutEvent.ACCEPTED if accept else domain.PayoutEvent.REFUSED)
    PayoutAccount.objects.filter(pk=account.pk).update(status=status, reviewed_by=actor, reviewed_at=now, review_note=note)
    audit.record(actor=actor, action=Audit.PAYOUT_ACCOUNT_REVIEWED, obj=account, at=now, before={"status": account.status},
                 after={"status": status, **({"bank_refusal": account.bank_refusal} if account.bank_refusal else {})}, reason=note)
    account.refresh_from_db()
    return account
