"""Finding a resident's neighbourhood from the postcode they typed (then forgetting the postcode).

Only the postcode sector (``BA2 1`` of ``BA2 1AA``) is looked up in ``PostcodeSector``; the postcode
itself is never saved in a draft, a response or an export.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy.orm import Session

import surveys
from portal.areas.queries import neighbourhood_for_postcode

NEIGHBOURHOOD = "neighbourhood"


def apply_postcode(session: Session, page: surveys.Page,
                   values: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """On a page asking for a postcode and the neighbourhood: fill a blank neighbourhood from the
    postcode, or say when the two disagree. Returns (values to validate, extra errors)."""
    postcode_fields = [q.id for q in page.questions if q.type == "postcode"]
    if not postcode_fields or NEIGHBOURHOOD not in values:
        return values, {}
    field = postcode_fields[0]
    typed = " ".join(values.get(field, [])).strip()
    if not typed or surveys.normalise_postcode(typed) is None:
        return values, {}  # blank is fine; a malformed postcode gets the format error
    chosen = next((v for v in values.get(NEIGHBOURHOOD, []) if v), "")
    found = neighbourhood_for_postcode(session, typed)
    if found is None:
        if chosen:
            return values, {}
        return values, {field: gettext("We could not find that postcode in our area. Check it, or select "
                                       "your neighbourhood from the list")}
    if not chosen:
        return {**values, NEIGHBOURHOOD: [found.slug]}, {}
    if chosen != found.slug:
        return values, {field: gettext("That postcode is in %(name)s. Check your postcode, or select "
                                       "%(name)s as your neighbourhood", name=found.name)}
    return values, {}
