"""The review flags: true positives of each kind, and ordinary text that must not be flagged."""

from __future__ import annotations

import pytest

from portal.pact.review_flags import FlagKind, bare_names, flag_kinds, review_flags, summary_flags


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


# What the database would give: the partnership's neighbourhoods, agencies and meeting venues.
KNOWN = ["Twerton", "Bath City Centre", "Chew Valley", "Odd Down", "Avon and Somerset Police",
         "Bath & North East Somerset Council", "Twerton community centre", "Southdown library meeting room"]


@pytest.mark.parametrize(("text", "name"), [
    ("John Smith at 12 High Street, call 07700 900123, says...", "John Smith"),
    ("Reported by Sarah Jones.", "Sarah Jones"),
    ("The Police spoke to Darren O'Neill-Hughes on Friday", "Darren O'Neill-Hughes"),
    ("Mary-Jane Watson saw it from Twerton", "Mary-Jane Watson"),
    ("Kev Barnes Twerton", "Kev Barnes"),
])
def test_a_bare_full_name_is_flagged_in_a_summary(text, name):
    assert [f.found for f in bare_names(text, KNOWN)] == [name]
    assert FlagKind.PERSON in {f.kind for f in summary_flags(text, KNOWN)}


@pytest.mark.parametrize("text", [
    "The Police and Bath & North East Somerset Council are tackling fly-tipping at the Twerton end "
    "of the High Street.",
    "Speeding on Newbridge Road in the evenings; Avon and Somerset Police will run speed checks in March.",
    "Street drinking near Twerton community centre on Friday and Saturday nights.",
    "Anti-social behaviour in Victoria Park after school; the Neighbourhood Policing Team will visit.",
    "Youths on bikes in Bath City Centre, Southgate and Kingsmead Square.",
    "Patrols in Chew Valley and Odd Down; raised at the Southdown library meeting on 14 March.",
    "Drug Dealing Near The Shops",  # typed in title case
    "Our PCSOs and PC Smith patrolled Tesco Express car park. Last Tuesday it was quiet.",
    "Litter by the Royal Crescent and Victoria Park",
])
def test_realistic_summaries_are_not_taken_for_names(text):
    assert summary_flags(text, KNOWN) == []


def test_places_are_known_from_the_names_given_not_a_list_in_the_code():
    assert [f.found for f in bare_names("Patrols in Chew Valley", [])] == ["Chew Valley"]
    assert bare_names("Patrols in Chew Valley", ["Chew Valley"]) == []
    # the resident's words are reviewed as before: a bare name is a summary check
    assert review_flags("Reported by Sarah Jones") == []
