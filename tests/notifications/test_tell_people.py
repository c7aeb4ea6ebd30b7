"""A message to many people (a program's date change or cancellation, a selection decision) costs the request the same
whatever the audience: up to ``TELL_INLINE_MAX`` people are written in its transaction, more by a background task after
it commits. A date change told a program's 100,000 applicants inside the manager's request: 17 s on this machine, near
the server's 30-second limit, and a larger program could never have had its dates changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from sisnaker.core.errors import Msg
from sisnaker.notifications import services as notifications
from sisnaker.notifications.models import Notification
from tests.factories import PersonFactory
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

NEWS = Msg("Kabar: {who}", "News: {who}")


@pytest.fixture
def small_inline(monkeypatch):
    """Three people are a "large audience" here (the real bound is thousands)."""
    monkeypatch.setattr(notifications, "TELL_INLINE_MAX", 2)


def test_a_retried_task_tells_nobody_twice(small_inline):
    people = [PersonFactory() for _ in range(3)]
    groups = [{"subject": [NEWS.id, NEWS.en], "text": [NEWS.id, NEWS.en], "people": [p.pk for p in people]}]
    at = timezone.now()

    first = notifications.tell_groups(topic="bench.news", groups=groups, at=at, channels=["sms"])
    again = notifications.tell_groups(topic="bench.news", groups=groups, at=at, channels=["sms"])

    assert (first, again) == (3, 0)
    assert sorted(Notification.objects.filter(topic="bench.news").values_list("person_id", flat=True)) == sorted(p.pk for p in people)


def test_a_task_cut_short_and_run_again_days_later_tells_nobody_twice():
    # The worker took the task up only the day after the change (it was down), wrote two people, was killed; the
    # task runs again. Messages are stamped when written, so "told on the change's day" would not see those two.
    people = [PersonFactory() for _ in range(3)]
    changed = timezone.now() - dt.timedelta(days=1)
    part = [{"subject": [NEWS.id, NEWS.en], "text": [NEWS.id, NEWS.en], "people": [p.pk for p in people[:2]]}]
    notifications.tell_groups(topic="late.news", groups=part, at=changed, channels=["sms"])

    again = notifications.tell_groups(topic="late.news", at=changed, channels=["sms"],
                                      groups=[dict(part[0], people=[p.pk for p in people])])

    assert again == 1
    assert Notification.objects.filter(topic="late.news").count() == 3


def test_a_rolled_back_change_tells_nobody(small_inline):
    people = [PersonFactory() for _ in range(3)]
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.tell_people(topic="rolled.back", variants=[(NEWS, NEWS, [p.pk for p in people])])
        raise RuntimeError
    committed()
    assert not Notification.objects.filter(topic="rolled.back").exists()


def test_each_variant_reaches_its_own_people_in_their_language(small_inline):
    indonesian, english, other = PersonFactory(), PersonFactory(), PersonFactory()
    english.user.preferred_language = "en"
    english.user.save(update_fields=["preferred_language"])
    first, second = NEWS.format(who="satu"), NEWS.format(who="dua")
    with transaction.atomic():
        count = notifications.tell_people(topic="two.kinds", variants=[(first, first, [indonesian.pk, english.pk]),
                                                                       (second, second, [other.pk])])
    sent = committed()

    assert count == 3
    assert [text for to, text in sent if to == indonesian.phone] == ["Kabar: satu"]
    assert [text for to, text in sent if to == english.phone] == ["News: satu"]
    assert [text for to, text in sent if to == other.phone] == ["Kabar: dua"]


def test_notified_today_matches_the_exact_topic():
    person = PersonFactory()
    notifications.notify_each(messages=[notifications.Outgoing(person_id=person.pk, topic="Case.Topic", subject="s", text="t")])

    assert notifications.notified_today(person_ids=[person.pk], topics={"Case.Topic"}) == {(person.pk, "Case.Topic")}
    assert notifications.notified_today(person_ids=[person.pk], topics={"case.topic"}) == set()
