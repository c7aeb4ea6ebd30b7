"""Background work of Kartu Prakerja (django.tasks): closing and drawing a wave, telling candidates the draw's result
after it commits, the PMO's rule check of a purchase; and the hourly housekeeping jobs (expired balances, incentives
and survey reminders, lapsed consents)."""

from __future__ import annotations

from django.tasks import task


@task
def tell_results(*, wave_id: int, actor_id: int) -> dict:
    """The result messages of a drawn wave (``services.results_tell``), on behalf of the officer who drew it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from . import services
    from .models import Wave

    actor = get_user_model().objects.get(pk=actor_id)
    return {"told": services.results_tell(actor=actor, wave=Wave.objects.get(pk=wave_id), now=timezone.now())}


@task
def wave_step(*, wave_id: int, step: str, actor_id: int, reason: str = "") -> dict:
    """Close or draw a wave in the background, on behalf of the officer who asked (``services.wave_step_run``), with
    the reason they wrote for closing early. ``reason`` defaults to empty for tasks queued before it existed."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from . import services

    actor = get_user_model().objects.get(pk=actor_id)
    return services.wave_step_run(actor=actor, wave_id=wave_id, step=step, reason=reason, now=timezone.now())


def balances_expire_due(*, now) -> str:
    """A housekeeping job (``settings.SISNAKER_HOUSEKEEPING``, every hour): return the balances of cards whose
    purchase deadline is over (``services.cards_expire``, Sisnaker itself the actor). Cheap when nothing is due
    (one indexed query); running it again changes nothing."""
    from django.utils import timezone

    from . import services

    counts = services.cards_expire(actor=None, today=timezone.localdate(now), now=now)
    return f"expired {counts['expired']}"


@task
def authorise_purchase(*, purchase_id: int, at: str) -> str:
    """The PMO's rule check of a purchase request (``purchases.purchase_authorise``, Sisnaker itself the actor), queued
    when the request commits. ``at``: the request's time (ISO), as of which the deadline is judged — a request made
    on the last day is not refused because the queue ran after midnight. Running it again changes nothing."""
    import datetime as dt

    from . import purchases
    from .models import Purchase

    purchase = purchases.purchase_authorise(actor=None, purchase=Purchase.objects.get(pk=purchase_id), now=dt.datetime.fromisoformat(at))
    return purchase.status


def incentives_due(*, now) -> str:
    """A housekeeping job (every hour): the Kartu Prakerja incentive instalments whose day has come
    (``purchases.incentives_accrue``, Sisnaker itself the actor; idempotent: unique payable keys), then the reminders
    of the follow-up surveys whose window closes soon (``survey_reminders_due``: after the accrual, so a survey whose
    incentive was just made is not reminded)."""
    from . import purchases

    made = purchases.incentives_accrue(actor=None, now=now)
    reminded = survey_reminders_due(now=now)
    return f"made {made}" if reminded in ("too early", "reminded 0") else f"made {made}; {reminded}"


def survey_reminders_due(*, now) -> str:
    """Remind beneficiaries of their Prakerja surveys 2 and 3 before each window closes (``purchases.
    survey_reminders_send``, Sisnaker itself the actor): from ``SISNAKER_EMPLOYMENT_SURVEY_HOUR`` local time (9 by
    default, as the employment survey's reminders: nobody gets an SMS at night). Once per survey and window whatever
    the number of runs. Run by ``incentives_due`` each hour."""
    from django.conf import settings
    from django.utils import timezone

    from . import purchases

    if timezone.localtime(now).hour < int(getattr(settings, "SISNAKER_EMPLOYMENT_SURVEY_HOUR", 9)):
        return "too early"
    return f"reminded {purchases.survey_reminders_send(actor=None, now=now)}"


def consents_lapse_due(*, now) -> str:
    """A housekeeping job (every hour): refuse the partner platforms' purchases whose consent code expired unconfirmed
    (``purchases.purchase_consents_lapse``, Sisnaker itself the actor), so that they no longer hold the card."""
    from . import purchases

    return f"lapsed {purchases.purchase_consents_lapse(actor=None, now=now)}"
