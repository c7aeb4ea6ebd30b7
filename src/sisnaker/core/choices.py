"""``Choices``: a string enumeration with labels, for domain modules — what models and forms need of Django's
``TextChoices`` (``values``, ``choices``, ``member.label``) without importing the ORM into the domain.

    class Status(Choices):
        OPEN = "open", _("Menunggu jawaban")

    models.CharField(choices=Status.choices)        # in models.py
    Status.OPEN == "open"; Status.OPEN.label           # anywhere
"""

from __future__ import annotations

from enum import EnumType, StrEnum


class ChoicesType(EnumType):
    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Choices(StrEnum, metaclass=ChoicesType):
    """A string enumeration whose members carry a (lazily translated) label."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member
