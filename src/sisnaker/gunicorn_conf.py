"""gunicorn settings for Sisnaker: ``gunicorn -c python:sisnaker.gunicorn_conf sisnaker.wsgi -w 4 -b 127.0.0.1:8000``
(docs/operations.md). Command-line options given after ``-c`` still win.

* ``forwarder_headers`` adds ``CLIENT_CODE``: gunicorn drops headers with "_" in their names (``header_map = "drop"``,
  its default since 22.0), but the published Kartu Prakerja partner API sends ``client_code`` (integration/auth.py).
  Listed here, gunicorn maps it into the environ when the request comes from a trusted front end
  (``forwarded_allow_ips``, by default 127.0.0.1 and ::1: the nginx of docs/operations.md). Only that header: the
  blanket ``header_map = "dangerous"`` would let ``X_Forwarded_For`` merge into ``X-Forwarded-For``. The client code
  is signed, so a forged one is refused like any wrong code. Partners reaching gunicorn without such a front end send
  the hyphen form ``client-code``, which every server passes.
"""

forwarder_headers = "SCRIPT_NAME,PATH_INFO,CLIENT_CODE"
