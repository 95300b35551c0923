from __future__ import annotations

import re

import pytest

from portal.pact.references import ALPHABET, new_reference, normalise_reference


def test_new_references_are_short_unambiguous_and_random():
    refs = [new_reference() for _ in range(1000)]
    # 23**6 possibilities: a repeat among 1,000 is rare (raise_issue retries if one is taken)
    assert len(set(refs)) >= 995
    for ref in refs:
        assert re.fullmatch(r"PACT-[A-Z0-9]{4}-[A-Z0-9]{2}", ref)
        assert not set(ref[5:].replace("-", "")) & set("0O1IL2Z5S8BUV")
    assert set(ALPHABET) == set("".join(refs).replace("PACT", "").replace("-", ""))


def test_a_reference_already_taken_is_drawn_again(db_session, make_issue, monkeypatch):
    from portal.pact import issues

    taken = make_issue().reference
    draws = iter([taken, taken, "PACT-AAAA-AA"])
    monkeypatch.setattr(issues, "new_reference", lambda: next(draws))
    assert make_issue().reference == "PACT-AAAA-AA"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("PACT-7K3M-9Q", "PACT-7K3M-9Q"),
        (" pact 7k3m 9q ", "PACT-7K3M-9Q"),
        ("7K3M9Q", "PACT-7K3M-9Q"),
        ("PACT-7K3M-9", None),
        ("PACT-0K3M-9Q", None),
        ("", None),
        ("<script>", None),
    ],
)
def test_references_are_read_forgivingly(typed, expected):
    assert normalise_reference(typed) == expected
