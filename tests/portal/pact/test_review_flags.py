"""The review flags: true positives of each kind, and ordinary text that must not be flagged."""

from __future__ import annotations

import pytest

from portal.pact.review_flags import FlagKind, flag_kinds, review_flags


def _kinds(text: str) -> set[str]:
    return {flag.kind for flag in review_flags(text)}


@pytest.mark.parametrize(("text", "kind"), [
    ("The man at number 12 deals drugs", FlagKind.PERSON),
    ("the man at number 12 deals drugs", FlagKind.HOUSE_NUMBER),
    ("The family in flat 3 shout all night", FlagKind.PERSON),
    ("the lads from 14 race up and down", FlagKind.PERSON),
    ("Mr Smith lets his dog foul the path", FlagKind.PERSON),
    ("Mrs. O'Neill has seen it too", FlagKind.PERSON),
    ("a lad called Darren sells weed", FlagKind.PERSON),
    ("The one named Kev is the ringleader", FlagKind.PERSON),
    ("his name is Tom", FlagKind.PERSON),
    ("Noise from No. 7 every night", FlagKind.HOUSE_NUMBER),
    ("parties at house 22b", FlagKind.HOUSE_NUMBER),
    ("cars parked outside 12 Acacia Avenue", FlagKind.HOUSE_NUMBER),
    ("the drive of 3a, Lower Bristol Road", FlagKind.HOUSE_NUMBER),
    ("he lives at 14 and never stops", FlagKind.HOUSE_NUMBER),
    ("Ring me on 07700 900123", FlagKind.PHONE),
    ("call 01225 123456 after six", FlagKind.PHONE),
    ("call (01225) 477000", FlagKind.PHONE),
    ("on 0117 496 0123 any time", FlagKind.PHONE),
    ("020 7946 0000", FlagKind.PHONE),
    ("+44 7700 900123", FlagKind.PHONE),
    ("+44 (0)1225 477000", FlagKind.PHONE),
    ("07700900123", FlagKind.PHONE),
    ("write to jo.bloggs+pact@example.org please", FlagKind.EMAIL),
])
def test_true_positives(text, kind):
    assert kind in _kinds(text)


@pytest.mark.parametrize("text", [
    "Speeding on the A36 after 10pm, 2 cars racing",
    "Loud music at night from the flats above the parade.",
    "Happened on 12/03/2026 and again on 14 March 2026",
    "It started in 2019 and 3 or 4 times a week since",
    "Number of cars has doubled; 20 mph limit ignored",
    "Called the police and called 101 twice",
    "I called Police Scotland by mistake",  # 'Police' is not a person
    "Bus 5 and the 36 go past at 07:15",
    "Litter by the Royal Crescent and Victoria Park",
    "Drug dealing in the car park behind the shops",
    "Open from 9am to 5pm, Monday to Friday",
    "Nobody knows; no one helps",
    "0 7 reports",
    "The order number is 2026-118",
    "Reference PACT-7K3M-QX and version 1.0.3",
    "Up to 100 people at the party",
])
def test_false_positives_are_not_flagged(text):
    assert review_flags(text) == []


def test_each_match_is_reported_with_its_text_and_kinds_once_in_order():
    flags = review_flags("Mr Smith at number 12, ring 07700 900123 or 07700 900456, me@example.org")
    assert [f.kind for f in flags] == ["person", "house_number", "phone", "phone", "email"]
    assert flags[0].found == "Mr Smith" and flags[2].found == "07700 900123"
    assert flag_kinds("Mr Smith and Mrs Jones", "", "call 07700 900123") == [
        "a person's name or a person pointed at", "a phone number"]
    assert flag_kinds("") == [] and flag_kinds() == []


def test_numbers_too_short_or_long_for_a_uk_phone_are_not_phones():
    assert FlagKind.PHONE not in _kinds("0123 456")  # 7 digits
    assert FlagKind.PHONE not in _kinds("01225 123456 7890 12")  # 16 digits in one run
    assert FlagKind.PHONE not in _kinds("0044 7700 900123")  # international prefix, not national
