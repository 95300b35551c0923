"""Fixtures for the surveys tests: the shipped questionnaires, the demo neighbourhoods, and a small
questionnaire using every question type and routing form, written to a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from surveys import bind_options, load_questionnaire

DEMO_NEIGHBOURHOODS = {
    "bath-city-centre": "Bath City Centre",
    "twerton": "Twerton",
    "southdown": "Southdown",
    "whiteway": "Whiteway",
    "oldfield-park": "Oldfield Park",
    "widcombe": "Widcombe and Lyncombe",
    "larkhall": "Larkhall and Walcot",
    "combe-down": "Combe Down",
    "keynsham": "Keynsham",
    "midsomer-norton": "Midsomer Norton and Radstock",
    "chew-valley": "Chew Valley",
    "bathavon": "Bathavon",
}

ALL_TYPES_YAML = textwrap.dedent("""\
    id: all-types
    version: 1
    title: Every question type
    pages:
      - id: start
        title: Start
        questions:
          - id: neighbourhood
            type: single_choice
            text: Which neighbourhood do you live in?
            required: true
            error_message: Select the neighbourhood you live in
            options_from: neighbourhoods
          - id: victim
            type: single_choice
            text: Has anything happened to you?
            required: true
            error_message: Select yes if anything has happened to you
            options:
              - {code: yes, label: "Yes"}
              - {code: no, label: "No"}
          - id: transport
            type: multiple_choice
            text: How do you travel?
            options:
              - {code: bus, label: Bus}
              - {code: train, label: Train}
              - {code: car_or_van, label: Car or van}
              - {code: none_of_these, label: None of these, exclusive: true}
      - id: follow-up
        title: What happened
        show_if: {question: victim, equals: yes}
        questions:
          - id: reported
            type: single_choice
            text: Did you report it to the police?
            required: true
            options:
              - {code: yes, label: "Yes"}
              - {code: no, label: "No"}
          - id: details
            type: long_text
            text: Tell us what happened
            max_length: 500
            show_if: {question: reported, equals: no}
      - id: more
        title: More about you
        questions:
          - id: age
            type: integer
            text: How old are you?
            required: true
            error_message: Enter your age
            min: 16
            max: 120
          - id: nickname
            type: text
            text: What should we call you?
            max_length: 20
          - id: postcode
            type: postcode
            text: What is your postcode?
          - id: parking
            type: grid
            text: How much of a problem is parking on each of these?
            error_message: Select how much of a problem this is
            show_if:
              all:
                - {question: transport, includes: car_or_van}
                - any:
                    - {question: victim, equals: no}
                    - {question: reported, in: [yes, no]}
            rows:
              - {id: parking_street, text: Your street}
              - {id: parking_town, text: The town centre}
            options:
              - {code: big_problem, label: Big problem}
              - {code: not_a_problem, label: Not a problem}
    """)


@pytest.fixture(scope="session")
def standard_v1():
    return load_questionnaire("crime-and-community-safety", 1)


@pytest.fixture(scope="session")
def standard_v2():
    return load_questionnaire("crime-and-community-safety", 2)


@pytest.fixture(scope="session")
def demo_neighbourhoods() -> dict[str, str]:
    return dict(DEMO_NEIGHBOURHOODS)


@pytest.fixture(scope="session")
def bound_v1(standard_v1):
    return bind_options(standard_v1, neighbourhoods=DEMO_NEIGHBOURHOODS)


@pytest.fixture
def write_definition(tmp_path):
    """Write a definition (YAML text or a dict) to ``tmp_path`` under its proper file name."""

    def write(definition: str | dict, name: str | None = None) -> Path:
        if isinstance(definition, dict):
            text = yaml.safe_dump(definition, sort_keys=False)
            name = name or f"{definition.get('id', 'broken')}.v{definition.get('version', 1)}.yaml"
        else:
            text = definition
            name = name or "broken.v1.yaml"
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def all_types(tmp_path):
    path = tmp_path / "all-types.v1.yaml"
    path.write_text(ALL_TYPES_YAML, encoding="utf-8")
    return bind_options(load_questionnaire(path), neighbourhoods=["north", "south"])
