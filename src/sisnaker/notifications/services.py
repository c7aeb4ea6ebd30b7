"""Sending notifications: ``notify`` records one Notification per channel and hands each to the
``send_notification`` task only after the surrounding transaction commits, so a rolled-back change
never sends anything. Reminders are idempotent: one per person, topic and (local) day.

Notifications sit below accounts (the dependency rules): they know a person only as what
``Notification.person`` points at, read through the model field (``_people``), and type it as
``Recipient``, never by importing accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Model, Q
from django.db.models.functions import Lower
from django.utils import timezone

from sisnaker.core import audit, bulk, crypto
from sisnaker.core.bulk import chunks
from sisnaker.core.errors import Msg
from sisnaker.core.tasks import enqueue_with_transaction

from .codes import Audit
from .gateways import normalize_phone
from .models import Notification
from .tasks import SECRET_MASK, deliver, send_notification, send_notifications, tell_people_later


class Account(Protocol):
    """An account that can be written to (a ``User``): its own e-mail and phone."""

    pk: Any
    email: str
    phone: str


class Recipient(Protocol):
    """A person (an ``accounts.Person``): their e-mail and phone, and their account's when they have one."""

    pk: Any
    email: str
    phone: str
    user_id: Any
    user: Account | None


def _people() -> type[Model]:
    """The model people are stored in (what ``Notification.person`` points at)."""
    return Notification._meta.get_field("person").related_model


CHANNELS = tuple(Notification.Channel.values)


def _day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of ``now``'s day in the site's time zone (as aware datetimes)."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def recipients(person: Recipient) -> dict[str, str]:
    """The addresses a person can be reached at, per channel (missing channels left out)."""
    email, phone = (person.email or "").strip(), normalize_phone(person.phone)
    if (not email or not phone) and person.user_id:  # the account's contact, only when the person has none
        user = person.user
        email = email or (user.email or "").strip()
        phone = phone or normalize_phone(user.phone)
    return _by_channel(email, phone)


def _by_channel(email: str, phone: str) -> dict[str, str]:
    out = {}
    if email:
        out["email"] = email
    if phone:
        out["sms"] = phone
        out["whatsapp"] = phone
    return out


def _contacts(ids: list[int]) -> dict[int, dict[str, str]]:
    """``recipients`` of many people, by id, one query per ``BULK_CHUNK`` of them: their columns only, no model
    instances (a program's 100,000 applicants were 200,000 instances of people and accounts)."""
    out = {}
    for chunk in chunks(ids, BULK_CHUNK):
        for pk, email, phone, user_email, user_phone in _people().objects.filter(pk__any_of=chunk).order_by().values_list(
                "pk", "email", "phone", "user__email", "user__phone"):
            email, phone = (email or "").strip(), normalize_phone(phone)
            out[pk] = _by_channel(email or (user_email or "").strip(), phone or normalize_phone(user_phone))
    return out


def already_notified(*, person: Recipient, topic: str, now: dt.datetime | None = None) -> bool:
    """True when ``person`` got (or is about to get) a message on ``topic`` today. Failed ones don't count."""
    start, end = _day_bounds(now or timezone.now())
    return Notification.objects.filter(
        person=person, topic=topic, created_at__gte=start, created_at__lt=end,
        status__in=(Notification.Status.QUEUED, Notification.Status.SENT),
    ).exists()


def seal(text: str, secret: str) -> tuple[str, str]:
    """``text`` with ``secret`` blanked, and ``secret`` encrypted: what a notification stores of a message
    that carries a secret (``deliver`` puts it back just before sending, then erases it)."""
    if not secret:
        return text, ""
    return text.replace(secret, SECRET_MASK * len(secret)), crypto.encrypt(secret)


def notify(*, person: Recipient, topic: str, subject: str, text: str, channels: Iterable[str] = ("email", "sms"),
           now: dt.datetime | None = None, secret: str = "") -> list[Notification]:
    """Queue ``text`` to ``person`` on each channel they can be reached at; send after commit.

    Returns the notifications created: empty when the person already got this topic today, or has
    no address for any of the channels (a person without e-mail gets the SMS only). With ``secret`` (a
    personal link's token inside ``text``) the stored body has it blanked and the secret is kept only
    encrypted until the task sends the message (``seal``)."""
    channels = tuple(dict.fromkeys(channels))
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"Unknown notification channel(s): {', '.join(unknown)}")
    addresses = recipients(person)
    wanted = [(c, addresses[c]) for c in channels if c in addresses]
    if not wanted:
        return []
    with transaction.atomic():
        # Serialise notifications to one person so two concurrent clicks cannot both pass the check.
        _people().objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
        if already_notified(person=person, topic=topic, now=now):
            return []
        kept, sealed = seal(text, secret)
        created = [
            Notification.objects.create(channel=channel, person=person, recipient=address[:200], topic=topic[:60],
                                        subject=subject[:200] if channel == "email" else "", body=kept, sealed=sealed)
            for channel, address in wanted
        ]
        _enqueue([n.pk for n in created])
    return created


def notify_user(*, user: Account, topic: str, subject: str, text: str, channels: Iterable[str] = ("email", "sms")) -> list[Notification]:
    """Queue ``text`` to an account (staff have no citizen profile): its person's addresses when it has
    one, else the account's own e-mail and phone. Sent after commit; nothing when it has no address."""
    person = _people().objects.filter(user=user).first()
    if person is not None:
        return notify(person=person, topic=topic, subject=subject, text=text, channels=channels)
    addresses = {}
    if (user.email or "").strip():
        addresses["email"] = user.email.strip()
    phone = normalize_phone(user.phone)
    if phone:
        addresses["sms"] = addresses["whatsapp"] = phone
    wanted = [(c, addresses[c]) for c in dict.fromkeys(channels) if c in addresses]
    created = [
        Notification.objects.create(channel=channel, person=None, recipient=address[:200], topic=topic[:60],
                                    subject=subject[:200] if channel == "email" else "", body=text)
        for channel, address in wanted
    ]
    if created:
        _enqueue([n.pk for n in created])
    return created


def notify_address(*, channel: str, to: str, topic: str, subject: str, text: str, secret: str = "") -> Notification | None:
    """Queue ``text`` to a bare address (a phone typed at sign-up, a record's old e-mail) that belongs to
    no account yet. With ``secret`` (a one-time code) the message is sent at once after commit and only
    a copy with the secret blanked is kept, so no code is ever stored."""
    if channel not in CHANNELS:
        raise ValueError(f"Unknown notification channel: {channel}")
    address = (to or "").strip() if channel == "email" else normalize_phone(to)
    if not address:
        return None
    kept = text.replace(secret, "•" * len(secret)) if secret else text
    notification = Notification.objects.create(channel=channel, person=None, recipient=address[:200], topic=topic[:60],
                                               subject=subject[:200] if channel == "email" else "", body=kept)
    if secret:
        transaction.on_commit(lambda: _deliver_text(notification.pk, text))
    else:
        _enqueue([notification.pk])
    return notification


def _deliver_text(pk: int, text: str) -> None:
    """Send ``text`` for notification ``pk`` now (its stored body is a blanked copy)."""
    notification = Notification.objects.filter(pk=pk).first()
    if notification is not None:
        notification.body = text  # in memory only: deliver() writes back the status, not the body
        deliver(notification)


def _enqueue(ids: list[int]) -> None:
    """Queue the sending of each of ``ids`` with the caller's transaction (``core.tasks.enqueue_with_transaction``):
    a message written is a message queued, whatever happens to the process after the COMMIT."""
    for pk in ids:
        enqueue_with_transaction(send_notification, notification_id=pk)


# --- many people at once (imports) --------------------------------------------------------------

BULK_CHUNK = 2000  # people per query
BULK_TASK_SIZE = 500  # notifications per background task


@dataclass(frozen=True)
class Outgoing:
    """One message of a bulk send (``notify_each``): to the person ``person_id``, on ``topic``; ``secret`` (a
    personal link's token inside ``text``) is sealed as ``notify`` does."""

    person_id: int
    topic: str
    subject: str
    text: str
    secret: str = ""


def notify_many(*, messages: list[tuple[int, str, str]], topic: str, channels: Iterable[str] = ("email", "sms"),
                now: dt.datetime | None = None) -> list[Notification]:
    """``notify`` for many people in a fixed number of queries per ``BULK_CHUNK`` people (bulk paths such
    as imports): ``messages`` are ``(person id, subject, text)``, all on ``topic``. See ``notify_each``."""
    return notify_each(messages=[Outgoing(person_id=p, topic=topic, subject=subject, text=text) for p, subject, text in messages],
                       channels=channels, now=now)


def notifications_withdraw(*, person_ids: Iterable[int], topics: Iterable[str] = (), topic_prefix: str = "", reason: str) -> int:
    """Messages on ``topics`` (or on any topic beginning with ``topic_prefix``) to these people that are still queued
    and no longer true (a certificate revoked after "Sertifikat Anda sudah terbit" was queued; a program's new dates
    once it is cancelled) are not sent: marked withdrawn with ``reason`` and their sealed secret erased. One already
    handed to the provider cannot be called back. Returns how many were withdrawn. Runs in the caller's transaction
    (the change that makes them untrue), ``BULK_CHUNK`` people per statement (found through the person's index)."""
    wanted = Q(topic__in=[t[:60] for t in dict.fromkeys(topics)])
    if topic_prefix:
        wanted |= Q(topic__startswith=topic_prefix[:60])
    withdrawn = 0
    for chunk in chunks(list(dict.fromkeys(person_ids)), BULK_CHUNK):
        withdrawn += Notification.objects.filter(wanted, person_id__in=chunk, status=Notification.Status.QUEUED).update(
            status=Notification.Status.WITHDRAWN, error=f"Ditarik sebelum dikirim: {reason}"[:2000], sealed="")
    return withdrawn


_UNINDEXED_AT = ExpressionWrapper(F("created_at") + dt.timedelta(0), output_field=DateTimeField())  # ``created_at``, no index


def notified_today(*, person_ids: Iterable[int], topics: Iterable[str], now: dt.datetime | None = None,
                   since: dt.datetime | None = None) -> set[tuple[int, str]]:
    """(person id, topic) pairs among these that got (or are about to get) a message today (``now``'s day), or at
    any time from ``since`` on when given: one query per ``BULK_CHUNK`` people. Failed messages don't count (as in
    ``already_notified``)."""
    start, end = (since, None) if since is not None else _day_bounds(now or timezone.now())
    ids, topics = list(dict.fromkeys(person_ids)), [t[:60] for t in dict.fromkeys(topics)]
    wanted, lowered = set(topics), sorted({t.lower() for t in topics})
    told = (Notification.Status.QUEUED, Notification.Status.SENT)
    out: set[tuple[int, str]] = set()
    for chunk in chunks(ids, BULK_CHUNK):
        if connection.vendor == "postgresql":
            # Found through the people (``notification_person_topic_idx``: a few messages each), never through the topic
            # or the day: their conditions are written so that no index can take them (the exact topic is compared
            # below). Otherwise PostgreSQL, whose statistics cannot know yet that the topic was just sent to 100,000
            # applicants (by this very task, chunk after chunk), walks all of today's messages for each chunk of 2,000:
            # 20 s instead of one.
            found = Notification.objects.alias(topic_key=Lower("topic"), day_key=_UNINDEXED_AT).filter(
                person_id__any_of=chunk, topic_key__in=lowered, day_key__gte=start, status__in=told)
            if end is not None:
                found = found.filter(day_key__lt=end)
        else:
            found = Notification.objects.filter(person_id__in=chunk, topic__in=topics, created_at__gte=start, status__in=told)
            if end is not None:
                found = found.filter(created_at__lt=end)
        out |= {pair for pair in found.values_list("person_id", "topic") if pair[1] in wanted}
    return out


class Queued(NamedTuple):
    """A notification ``notify_each`` wrote: its id, whom it is for and on which channel."""

    pk: int
    person_id: int
    channel: str


def notify_each(*, messages: list[Outgoing], channels: Iterable[str] = ("email", "sms"),
                now: dt.datetime | None = None, since: dt.datetime | None = None) -> list[Queued]:
    """Many messages, each to one person on its own topic, in a fixed number of queries per ``BULK_CHUNK``
    people (readiness boards, imports, daily reminders). A message whose person already got its topic today,
    or has no address for any channel, is skipped (one message per person and topic is kept). Sent after
    commit, by background tasks of ``BULK_TASK_SIZE`` notifications each. Unlike ``notify`` it does not lock
    each person: callers that must never send twice serialise themselves (e.g. on the program's row).
    ``since``: skip whom got the topic at any time from then on, not only on ``now``'s day (a task run again on a
    later day). Returns what it wrote (``Queued``), not model instances."""
    channels = tuple(dict.fromkeys(channels))
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"Unknown notification channel(s): {', '.join(unknown)}")
    by_key = {(m.person_id, m.topic[:60]): m for m in messages}
    if not by_key:
        return []
    ids = list(dict.fromkeys(p for p, _ in by_key))
    stamp = timezone.now()  # when they were written (``created_at``), whatever day ``now`` counts them on
    with transaction.atomic():
        done = notified_today(person_ids=ids, topics={t for _, t in by_key}, now=now, since=since)
        contacts = _contacts(ids)
        rows = []
        for key, m in by_key.items():
            addresses = contacts.get(m.person_id)
            if not addresses or key in done:
                continue
            wanted = [c for c in channels if c in addresses]
            if not wanted:
                continue
            kept, sealed = seal(m.text, m.secret)
            rows += [
                {"channel": channel, "person_id": m.person_id, "recipient": addresses[channel][:200], "topic": key[1],
                 "subject": m.subject[:200] if channel == "email" else "", "body": kept, "sealed": sealed,
                 "status": Notification.Status.QUEUED, "created_at": stamp}
                for channel in wanted
            ]
        if connection.vendor == "postgresql":
            new_ids = bulk.insert_rows(Notification, rows) or []  # COPY: a program's applicants in seconds, not a minute
        else:
            new_ids = [n.pk for n in Notification.objects.bulk_create([Notification(**row) for row in rows], batch_size=500)]
        _enqueue_batches(new_ids)
    return [Queued(pk, row["person_id"], row["channel"]) for pk, row in zip(new_ids, rows, strict=True)]


# A bulk message to more people than this is written by a background task (``tell_people``), not in the request that
# caused it: a program's date change or cancellation told 100,000 applicants in 17 s, near the server's time limit.
TELL_INLINE_MAX = 2000


def tell_people(*, topic: str, variants: Iterable[tuple[Msg, Msg, Iterable[int]]], now: dt.datetime | None = None,
                channels: Iterable[str] = ("email", "sms"), while_true: dict | None = None) -> int:
    """Tell people something, each in their language: ``variants`` are (subject, text, person ids); everyone on
    ``topic`` once a day (``notify_each``). Up to ``TELL_INLINE_MAX`` people are written in the caller's
    transaction (sent after it commits); more are written after it commits by a background task, ``BULK_CHUNK``
    people per transaction, so that a request costs the same whatever the audience (a task run again skips whom
    it told from the change's day on). ``while_true`` (``{"model": "app.model", "pk": …, "values": {lookup:
    value}}``): the task writes no further chunk once that row no longer matches (the news it carries was undone
    meanwhile: new dates, then the program cancelled); each chunk locks the row, so a change that makes the news
    untrue lands either before a chunk (nothing more is written) or after it (and may withdraw what it wrote with
    ``notifications_withdraw``). Returns how many people are to be told (before those without an address)."""
    now = now or timezone.now()
    groups = []
    for subject, text, people in variants:
        people = list(dict.fromkeys(people))
        if people:
            groups.append({"subject": [subject.id, subject.en], "text": [text.id, text.en], "people": people})
    count = sum(len(g["people"]) for g in groups)
    channels = list(dict.fromkeys(channels))
    if count <= TELL_INLINE_MAX:
        tell_groups(topic=topic, groups=groups, at=now, channels=channels)
    elif groups:
        enqueue_with_transaction(tell_people_later, topic=topic, groups=groups, at=now.isoformat(), channels=channels,
                                 while_true=while_true)
    return count


def tell_groups(*, topic: str, groups: list[dict], at: dt.datetime, channels: Iterable[str], while_true: dict | None = None) -> int:
    """``tell_people``'s work: everyone of every group in chunks of ``BULK_CHUNK`` people, their language looked up,
    one ``notify_each`` per chunk (in its own transaction when called outside one). Whom got the topic from the day
    of ``at`` on is skipped, so a run cut short and run again, even days later, tells nobody twice. With
    ``while_true`` (see ``tell_people``) it stops before the first chunk whose moment finds the row changed. Returns
    how many notifications were written."""
    texts = [(Msg(*g["subject"]), Msg(*g["text"])) for g in groups]
    audience = [(pk, i) for i, g in enumerate(groups) for pk in g["people"]]
    since = _day_bounds(at)[0]
    written = 0
    for chunk in chunks(audience, BULK_CHUNK):
        with transaction.atomic():
            if while_true is not None and not still_true(while_true):
                break
            languages = dict(_people().objects.filter(pk__any_of=[pk for pk, _ in chunk], user__isnull=False).order_by()
                             .values_list("pk", "user__preferred_language"))
            written += len(notify_each(messages=[
                Outgoing(person_id=pk, topic=topic, subject=texts[i][0].in_language(languages.get(pk)),
                         text=texts[i][1].in_language(languages.get(pk))) for pk, i in chunk], channels=channels, now=at, since=since))
    return written


def still_true(condition: dict) -> bool:
    """Whether the row named by ``condition`` (``{"model": "app.model", "pk": …, "values": {lookup: value}}``) still
    matches its values; the row is locked (FOR NO KEY UPDATE) until the caller's transaction ends, so the change that
    would make it false waits for what is written meanwhile. A row gone is not true."""
    model = apps.get_model(condition["model"])
    return (model.objects.select_for_update(no_key=True).filter(pk=condition["pk"], **condition["values"]).order_by()
            .values_list("pk", flat=True).first()) is not None


def _enqueue_batches(ids: list[int]) -> None:
    """Queue the sending of ``ids`` in batches of ``BULK_TASK_SIZE``, with the caller's transaction."""
    for i in range(0, len(ids), BULK_TASK_SIZE):
        enqueue_with_transaction(send_notifications, notification_ids=ids[i : i + BULK_TASK_SIZE])


@dataclass(frozen=True)
class Addressed:
    """One message of ``notify_addresses``: to the address ``to`` on ``channel`` (a phone or e-mail that was
    verified for a record, e.g. a Prakerja application's), on ``topic``; ``person_id`` when the record belongs
    to a registered person (kept on the notification, not used to look up addresses)."""

    channel: str
    to: str
    topic: str
    subject: str
    text: str
    person_id: int | None = None


def topics_used(topics: Iterable[str]) -> set[str]:
    """Those of ``topics`` that some message (queued, sent or failed, any day) already carries: for messages
    that go out once per record whatever the day (one query per ``BULK_CHUNK`` topics)."""
    wanted = [t[:60] for t in dict.fromkeys(topics)]
    used: set[str] = set()
    for i in range(0, len(wanted), BULK_CHUNK):
        used.update(Notification.objects.filter(topic__in=wanted[i : i + BULK_CHUNK]).values_list("topic", flat=True))
    return used


def notify_addresses(*, messages: list[Addressed]) -> list[Notification]:
    """Many messages to bare addresses in one bulk insert; sent after commit by background tasks of
    ``BULK_TASK_SIZE``. Messages without a usable address are skipped; no secrets (use ``notify_address``)."""
    created = []
    for m in messages:
        if m.channel not in CHANNELS:
            raise ValueError(f"Unknown notification channel: {m.channel}")
        address = (m.to or "").strip() if m.channel == "email" else normalize_phone(m.to)
        if address:
            created.append(Notification(channel=m.channel, person_id=m.person_id, recipient=address[:200], topic=m.topic[:60],
                                        subject=m.subject[:200] if m.channel == "email" else "", body=m.text))
    if not created:
        return []
    with transaction.atomic():
        Notification.objects.bulk_create(created, batch_size=500)
        _enqueue_batches([n.pk for n in created])
    return created


# --- retention -------------------------------------------------------------------------------------------------

ERASE_CHUNK = 5000


def notifications_erase_old(*, now: dt.datetime | None = None, keep_days: int | None = None) -> int:
    """Erase the address, subject, text and delivery error of messages older than ``keep_days``
    (``SISNAKER_NOTIFICATION_KEEP_DAYS``, 90) that are no longer waiting to be sent; the row (channel, topic,
    person, status, times) stays. Housekeeping runs it; set-based in chunks, one audit row per chunk (actor:
    Sisnaker). Running it again erases nothing twice. Returns how many were erased."""
    now = now or timezone.now()
    days = keep_days if keep_days is not None else settings.SISNAKER_NOTIFICATION_KEEP_DAYS
    cutoff = now - dt.timedelta(days=days)
    due = (Notification.objects.filter(erased_at__isnull=True, created_at__lt=cutoff)
           .exclude(status=Notification.Status.QUEUED))
    erased = 0
    while True:
        with transaction.atomic(durable=True):
            pks = list(due.order_by("created_at").values_list("pk", flat=True)[:ERASE_CHUNK])
            if not pks:
                return erased
            n = Notification.objects.filter(pk__in=pks, erased_at__isnull=True).update(
                recipient="", subject="", body="", sealed="", error="", erased_at=now)
            audit.record(actor=None, action=Audit.NOTIFICATIONS_ERASED, object_type="notifications.notification",
                         after={"erased": n, "older_than": cutoff.isoformat(), "keep_days": days}, at=now)
            erased += n
