"""Patterns in a resident's words that a coordinator should review before anything is published:
text that looks like it names or points at a person, a house number, a phone number or an e-mail
address. Pure functions over strings; a plain pattern check, so it flags for review and never
decides: "the man at number 12" is flagged, "the A36 at 10pm, 2 cars" is not.

Phone numbers are UK formats (07xxx xxxxxx, 01225 123456, 0117 123 4567, 020 7946 0000, +44 ...):
a run starting 0 or +44 whose digits make a national number of 10 or 11 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FlagKind(StrEnum):
    PERSON = "person"
    HOUSE_NUMBER = "house_number"
    PHONE = "phone"
    EMAIL = "email"


LABELS = {
    FlagKind.PERSON: "a person's name or a person pointed at",
    FlagKind.HOUSE_NUMBER: "a house number",
    FlagKind.PHONE: "a phone number",
    FlagKind.EMAIL: "an e-mail address",
}

_STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Crescent|Drive|Dr|Way|Place|Pl|Terrace|"
           r"Gardens|Court|Ct|Grove|Hill|Park|Square|Walk|Row|Mews|Parade|View|Rise|Buildings)")
_PEOPLE = (r"(?:man|men|woman|women|lad|lads|boy|boys|girl|girls|guy|bloke|lady|family|couple|"
           r"tenants?|neighbours?|kids|people|person|owner|occupants?|resident|residents|youths?)")
_HOUSE = r"(?:(?i:number|num\.?)|No\.?|(?i:house|flat|apartment|apt\.?))\s*#?\d{1,4}[a-zA-Z]?\b"

_PATTERNS: tuple[tuple[FlagKind, re.Pattern[str]], ...] = (
    (FlagKind.EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # "Mr Smith", "Mrs. O'Neill", "Dr Jones": a title then a capitalised word.
    (FlagKind.PERSON, re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-zA-Z'-]+")),
    # "a lad called Darren", "named Kev", "his name is Tom", "known as Smithy".
    (FlagKind.PERSON, re.compile(
        r"\b(?i:called|named|name\s+is|known\s+as)\s+(?!(?:The|Police|PCSO|Council|Crimestoppers)\b)"
        r"[A-Z][a-zA-Z'-]+")),
    # "the man at number 12", "the family in flat 3", "the lads from 14".
    (FlagKind.PERSON, re.compile(
        rf"\b(?i:{_PEOPLE})\s+(?i:at|in|from|of|living\s+at|who\s+lives?\s+at)\s+"
        rf"(?:the\s+house\s+at\s+)?(?:{_HOUSE}|\d{{1,4}}[a-zA-Z]?\b)")),
    (FlagKind.HOUSE_NUMBER, re.compile(_HOUSE)),
    # "12 Acacia Avenue", "3a, High Street": a number then a capitalised street name.
    (FlagKind.HOUSE_NUMBER, re.compile(rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Z][a-z']+\s+){{1,3}}{_STREET}\b")),
    # "lives at 14", "living at 7b".
    (FlagKind.HOUSE_NUMBER, re.compile(r"\b(?i:lives|living|lived|stays|staying)\s+at\s+\d{1,4}[a-zA-Z]?\b")),
)
_PHONE = re.compile(r"(?<![\w/.])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d[\d\s()-]{7,14}\d(?![\w/])")


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    found: str  # the text that matched, as written

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _phone_numbers(text: str) -> list[str]:
    found = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group().replace("(0)", ""))
        national = "0" + digits[2:] if match.group().startswith("+44") else digits
        if national.startswith("0") and len(national) in (10, 11) and not national.startswith("00"):
            found.append(match.group().strip())
    return found


def review_flags(*texts: str) -> list[Flag]:
    """What in `texts` looks like personal information, one flag per match, in the order of the
    kinds (person, house number, phone, e-mail); a house number already part of a "person at
    number N" match is still reported as a house number."""
    flags: list[Flag] = []
    for text in texts:
        if not text:
            continue
        for kind, pattern in _PATTERNS:
            flags += [Flag(kind, m.group()) for m in pattern.finditer(text)]
        flags += [Flag(FlagKind.PHONE, found) for found in _phone_numbers(text)]
    order = list(FlagKind)
    unique = dict.fromkeys(flags)
    return sorted(unique, key=lambda flag: order.index(flag.kind))


def flag_kinds(*texts: str) -> list[str]:
    """The labels of the kinds found in `texts` ("a house number", ...), each once, in order."""
    return list(dict.fromkeys(flag.label for flag in review_flags(*texts)))
