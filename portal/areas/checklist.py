"""The set-up checklist: what a new partnership does, in order, on an empty install, and for each
step whether it is done or what is missing. The admin home shows it until everything is done."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.formatting import plural
from portal.areas.profile import profile
from portal.models import (
    Agency,
    LsoaNeighbourhood,
    Neighbourhood,
    PopulationEstimate,
    Postcode,
    PostcodeSector,
    Role,
    StaffUser,
    Wave,
)
from portal.scorecard.targets import current_targets, targets_text


@dataclass(frozen=True)
class Step:
    title: str
    done: bool
    state: str  # what is there, or what is missing
    endpoint: str | None  # the admin page that does it, if there is one
    command: str  # the same from a shell


def _role_word(role: str) -> str:
    """'PACT coordinator', 'analyst', 'administrator': the role's label mid-sentence."""
    label = str(Role(role).label)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def _names(places: list[str]) -> str:
    shown = ", ".join(places[:5])
    return shown + (f" and {len(places) - 5} more" if len(places) > 5 else "")


def setup_steps(session: Session) -> list[Step]:
    me = profile(session)
    places = {n.id: n.name for n in session.scalars(select(Neighbourhood))}
    with_lsoas = set(session.scalars(select(LsoaNeighbourhood.neighbourhood_id).distinct()))
    lsoas = session.scalar(select(func.count()).select_from(LsoaNeighbourhood)) or 0
    postcodes = session.scalar(select(func.count()).select_from(Postcode)) or 0
    with_postcodes = set(session.scalars(
        select(LsoaNeighbourhood.neighbourhood_id).join(
            Postcode, Postcode.lsoa_code == LsoaNeighbourhood.lsoa_code).distinct()))
    with_postcodes |= set(session.scalars(select(PostcodeSector.neighbourhood_id).distinct()))
    with_population = set(session.scalars(select(PopulationEstimate.neighbourhood_id)
                                          .where(PopulationEstimate.variable == "age_band")
                                          .distinct()))
    agencies = session.scalar(select(func.count()).select_from(Agency)
                              .where(Agency.retired_on.is_(None))) or 0
    staff = dict(session.execute(select(StaffUser.role, func.count()).where(StaffUser.active)
                                 .group_by(StaffUser.role)).all())
    waves = session.scalar(select(func.count()).select_from(Wave)) or 0
    targets, card = targets_text(session), current_targets(session)

    def missing(ids: set[int]) -> list[str]:
        return sorted(name for id_, name in places.items() if id_ not in ids)

    no_lsoas, no_postcodes, no_people = missing(with_lsoas), missing(with_postcodes), \
        missing(with_population)
    return [
        Step("The partnership's name and contacts", me.set_up,
             f"{me.name}, covering {me.area_name}" if me.set_up else "Not set yet",
             "setup.partnership", "flask --app portal partnership set --name ... --short-name ... "
             "--area ... --contact-email ..."),
        Step("Neighbourhoods, from an LSOA lookup", bool(places) and not no_lsoas,
             (f"{plural(len(places), 'neighbourhood')}, {plural(lsoas, 'LSOA')}"
              + (f"; without LSOAs: {_names(no_lsoas)}" if no_lsoas else ""))
             if places else "None yet",
             "setup.areas", "flask --app portal areas import-neighbourhoods LOOKUP.csv "
                   "[--rural-urban RUC21.csv]"),
        Step("Postcodes, from the National Statistics Postcode Lookup",
             bool(places) and not no_postcodes,
             (f"{plural(postcodes, 'postcode')}" if postcodes else "Postcode sectors only")
             + (f"; no postcode in: {_names(no_postcodes)}" if places and no_postcodes else "")
             if places else "Needs the neighbourhoods first",
             "setup.areas", "flask --app portal areas import-postcodes NSPL.csv"),
        Step("Weighting populations, from ONS mid-year estimates", bool(places) and not no_people,
             ("Every neighbourhood" if not no_people else f"Missing for: {_names(no_people)}")
             if places else "Needs the neighbourhoods first",
             "setup.areas", "flask --app portal areas import-population MYE.csv"),
        Step("Partner agencies", agencies > 0,
             plural(agencies, "agency", "agencies") if agencies else "None yet",
             "setup.agencies", "flask --app portal agencies add --name ..."),
        Step("The partnership's targets", targets is not None,
             f"{plural(len(card.indicators), 'indicator')} over {plural(len(card.years), 'year')}"
             if targets is not None else "None yet",
             "scorecard.targets", "flask --app portal scorecard targets TARGETS.yaml"),
        Step("Staff accounts", bool(staff.get(Role.COORDINATOR)) and bool(staff.get(Role.ANALYST)),
             ", ".join(plural(n, _role_word(role)) for role, n in sorted(staff.items()))
             or "None yet", None,
             "flask --app portal users create --email ... --role coordinator|analyst|admin"),
        Step("A survey wave", waves > 0, plural(waves, "wave") if waves else "None yet",
             "admin.new_wave", "flask --app portal waves create --slug ... --name ... "
                               "--questionnaire ... --opens ... --closes ..."),
    ]
