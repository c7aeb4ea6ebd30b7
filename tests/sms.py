"""An SMS gateway that keeps what it is given (the text with real codes and links, as a provider would
receive it), and ``committed()``, which runs what would run after commit: messages leave only then, and a
test's transaction never commits. Modules that read SMS use the ``sms`` fixture (tests/conftest.py),
e.g. ``pytestmark = pytest.mark.usefixtures("sms")``.
"""

from __future__ import annotations

from django.db import connection

from sisnaker.notifications import gateways


class SmsBox(gateways.Gateway):
    sent: list = []

    def __init__(self, **_):
        pass

    def send(self, *, to, text):
        SmsBox.sent.append((to, text))
        return "box-1"



def committed() -> list:
    """Run the on-commit callbacks queued so far, and those they queue (a background task that writes messages in
    its own transactions, as ``notifications.tell_people`` does); the SMS sent until now."""
    while connection.run_on_commit:
        callbacks, connection.run_on_commit = connection.run_on_commit, []
        for _, func, _ in callbacks:
            func()
    return SmsBox.sent
