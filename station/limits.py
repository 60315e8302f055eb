"""How long a text a person (or the cloud) may give the station.

A complaint of two million characters is not a complaint: it bloats every
screen, the report and each sync payload. The core refuses text over these
limits with a clear message, and the UI sets the same limits on its fields so
the person sees them while typing.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.errors import InvalidInput


@dataclass(frozen=True)
class Limit:
    """The most characters a kind of text may have; `what` names it in the refusal."""

    what: str
    max_chars: int


COMPLAINT = Limit("a complaint", 2000)
NOTE = Limit("a note", 2000)
TITLE = Limit("a title", 200)
DESCRIPTION = Limit("a description", 500)
CAPTION = Limit("a caption", 200)
NAME = Limit("a name", 100)
PHONE = Limit("a phone number", 40)
EMAIL = Limit("an e-mail address", 254)
PLATE = Limit("a plate", 20)
PART_NUMBER = Limit("a part number", 60)
BAY = Limit("a bay", 40)
MAKE_MODEL = Limit("a make or model", 60)
DEVICE_LABEL = Limit("a device label", 200)


def check(limit: Limit, text: str) -> str:
    """`text` unchanged when it is within `limit`; otherwise refused with its length."""
    if len(text) > limit.max_chars:
        raise InvalidInput(
            f"{limit.what} has at most {limit.max_chars:,} characters (this one has {len(text):,})",
            key="text.too_long",
            max=limit.max_chars,
            length=len(text),
        )
    return text


def check_optional(limit: Limit, text: str | None) -> str | None:
    """As `check`, for a text that may be missing."""
    return None if text is None else check(limit, text)
