"""Patterns in a resident's words that a coordinator should review before anything is published:
text that looks like it names or points at a person, a house number, a phone number or an e-mail
address. Pure functions over strings; a plain pattern check, so it flags for review and never
decides: "the man at number 12" is flagged, "the A36 at 10pm, 2 cars" is not.

A public summary is checked for one more thing (`summary_flags`): a bare full name, two or more
capitalised words in a row ("John Smith") that are not a known place or partner (the names of the
partnership's neighbourhoods, agencies and meeting venues, which the caller reads from the
database), a street ("High Street", "Victoria Park"), or ordinary words capitalised at the start of
a sentence or as titles ("The Police", "On Monday").

Phone numbers are UK formats (07xxx xxxxxx, 01225 123456, 0117 123 4567, 020 7946 0000, +44 ...):
a run starting 0 or +44 whose digits make a national number of 10 or 11 digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
    return labels(review_flags(*texts))


def labels(flags: Iterable[Flag]) -> list[str]:
    """The labels of the kinds of `flags`, each once, in the order given."""
    return list(dict.fromkeys(flag.label for flag in flags))


# Capitalised words that are not names however they are placed: sentence openers and small words,
# days and months, and the generic words of services, buildings and places (a place's own name is
# the database's: `known_places`).
_NOT_NAME_WORDS = """
a an and or but nor so yet the this that these those there here then when while since after before
until during on in at of to from by for with without near outside behind opposite around over
under along across past into onto through about between beside last next every each all some many
most several few any no not our my we i me it its he she they his her their them you your us
also again still now today tonight yesterday tomorrow morning evening night weekend week weeks
month months year years dear hi hello please thanks thank yes residents resident local locals
one two three four five six seven eight nine ten first second third other another more less
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december christmas easter bank holiday holidays
police constable pc pcso pcsos officer officers sergeant inspector council councillor cllr ward
community safety partnership neighbourhood neighbourhoods team policing service services fire
rescue ambulance housing association trust agency city town village centre center school college
university academy church chapel hall library station bus buses train shop shops store pub club
surgery hospital market bridge river canal estate flats tower house houses car cars north south
east west upper lower old new great little st saint royal pact asb antisocial anti social
drug drugs dealing speeding parking litter graffiti noise dog dogs bikes youths update
express extra metro
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_CAPITALISED = re.compile(r"\b[A-Z](?:[a-z]+(?:['’-][A-Za-z][a-z]*)?|['’][A-Z][a-z]+)\b")
_STREET_WORD = re.compile(rf"^{_STREET}$")


def _place_words(known_places: Iterable[str]) -> frozenset[str]:
    """Every capitalised word of the known places' names, lower-cased."""
    return frozenset(word.group().lower() for name in known_places
                     for word in _CAPITALISED.finditer(name))


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Capitalised words in a row (one space or a hyphen between them, nothing else)."""
    runs: list[list[re.Match[str]]] = []
    for word in _CAPITALISED.finditer(text):
        previous = runs[-1][-1] if runs else None
        if previous is not None and text[previous.end():word.start()] in (" ", "-"):
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def bare_names(text: str, known_places: Iterable[str]) -> list[Flag]:
    """Full names written bare ("John Smith"): two or more capitalised words in a row, none of them a
    word of a known place, a street name or a word that is not a name (`_NOT_NAMES`). A run that
    ends in a street word ("Acacia Avenue", "Victoria Park") is a place, whatever precedes it."""
    places = _place_words(known_places)
    flags = []
    for run in _runs(text):
        if _STREET_WORD.match(run[-1].group()):
            continue
        named: list[re.Match[str]] = []
        for word in [*run, None]:
            if word is not None and word.group().lower() not in _NOT_NAMES | places:
                named.append(word)
                continue
            if len(named) >= 2:
                flags.append(Flag(FlagKind.PERSON, text[named[0].start():named[-1].end()]))
            named = []
    return flags


def summary_flags(text: str, known_places: Iterable[str]) -> list[Flag]:
    """What a public summary should not be published with unconfirmed: the review flags of
    `review_flags` and bare full names (`bare_names`), in the order of the kinds."""
    order = list(FlagKind)
    unique = dict.fromkeys([*review_flags(text), *bare_names(text, known_places)])
    return sorted(unique, key=lambda flag: order.index(flag.kind))
