"""The synthetic demo: a Bath-and-North-East-Somerset-like partnership with twelve neighbourhoods
(`demo.places`), three survey waves of about 1,500 responses and an open wave residents can answer
now (`demo.waves`, answers drawn by `demo.responses`), its Voicebox panel of about 2,000 members
(`demo.panel`), a year of synthetic police.uk street-level files per past wave (`demo.crime`), PACT
issues in every state with meetings, agendas, priorities and follow-up questions (`demo.pact`), and
Service Charter complaints and enquiries (`demo.charter`). Never imported by `portal`, except by
the `flask --app portal demo` command.

Deterministic from the seed and idempotent: each part is added only if it is not there yet, so
running `flask --app portal demo` twice adds nothing the second time. The retention schedule runs
last, so no record is older than its own retention period allows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from demo.charter import seed_charter_cases
from demo.crime import seed_recorded_crime
from demo.pact import seed_agendas, seed_pact
from demo.panel import seed_panel
from demo.places import seed_agencies, seed_neighbourhoods, seed_partnership, seed_targets
from demo.staff import seed_staff
from demo.summary import DemoSummary
from demo.waves import PAST_WAVES, seed_questionnaires, seed_responses, seed_waves
from portal.privacy.retention import run_retention


def seed_demo(session: Session, config, now: datetime, *, seed: int = 2009,
              responses_per_wave: int = 1500) -> DemoSummary:
    """Load every part of the demo that is not there yet; returns what was added. `config` (the
    app's in `flask --app portal demo`, a test's own otherwise) signs the panel's "stop inviting
    me" links and the follow-up questions' answer links (SECRET_KEY, PANEL_ADDRESS_KEY), places
    them (PUBLIC_BASE_URL) and says when a question is due (FOLLOW_UP_WEEKS)."""
    summary = DemoSummary()
    seed_partnership(session, summary)
    seed_targets(session, summary)
    places = seed_neighbourhoods(session, summary)
    agencies = seed_agencies(session, summary)
    seed_staff(session, places, summary)
    questionnaires = seed_questionnaires(session, summary)
    waves = seed_waves(session, questionnaires, now.date(), summary)
    seed_responses(session, waves, places, seed, responses_per_wave, summary)
    rows = seed_recorded_crime(session, places, [waves[slug] for slug, *_ in PAST_WAVES], seed)
    summary.count("police.uk street-level row", rows)
    seed_pact(session, config, places, agencies, seed, now, summary)
    current = next(w for w in waves.values() if w.panel_mode)
    for what, n in seed_panel(session, current, places, config, seed, now).items():
        summary.count(what, n)
    session.flush()
    summary.count("meeting agenda", seed_agendas(session, seed, now))
    summary.count("Charter case", seed_charter_cases(session, seed, now))
    apply_retention(session, config, now)
    return summary


def apply_retention(session: Session, config, now: datetime) -> dict[str, int]:
    """Run the retention schedule (`portal.privacy.retention.run_retention`, every rule) over what
    the demo holds, as the nightly job would have over the years the demo's history spans: the
    2010/11 era's contact details and the like are long past their periods. In `session`, so the
    demo loads in one transaction; returns the count removed per kind."""
    @contextmanager
    def in_this_session() -> Iterator[Session]:
        yield session
        session.flush()

    return run_retention(in_this_session, config, now)
