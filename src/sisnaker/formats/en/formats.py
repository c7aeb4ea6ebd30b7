"""How Sisnaker shows dates and times on its pages: one style in both languages ("30 Nov 2026",
"30 Nov 2026 14:05"), so a date reads the same whatever the reader's language (settings.FORMAT_MODULE_PATH).
Templates write ``{{ value|date }}`` and ``{{ value|date:"DATETIME_FORMAT" }}``; Python code
``django.utils.formats.date_format(value)``. Input formats stay Django's for the language."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
