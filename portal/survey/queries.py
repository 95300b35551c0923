"""Named reads of survey waves for the other packages: a wave chosen by slug (or the latest with
responses), and the waves that have responses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.clock import today
from portal.models import Response, Wave
from portal.survey.frames import DatasetError


def waves_with_responses(session: Session) -> list[Wave]:
    """Waves with at least one response, oldest first (by opening date)."""
    answered = select(Response.id).where(Response.wave_id == Wave.id).exists()
    return list(session.scalars(select(Wave).where(answered).order_by(Wave.opens_on, Wave.id)))


def find_wave(session: Session, slug: str | None) -> Wave:
    """The wave with this slug, or (slug None) the latest wave that has responses, preferring one
    whose fieldwork has closed: a wave still in the field has a handful of answers that cannot yet
    be weighted, and analysts report on finished waves (they can still choose an open one)."""
    if slug is None:
        answered = waves_with_responses(session)
        if not answered:
            raise DatasetError("No wave has any responses yet.")
        closed = [w for w in answered if w.closes_on < today()]
        return (closed or answered)[-1]
    wave = session.scalar(select(Wave).where(Wave.slug == slug))
    if wave is None:
        slugs = session.scalars(select(Wave.slug).order_by(Wave.opens_on))
        raise DatasetError(f"Unknown wave {slug!r}. Choose from: {', '.join(slugs)}")
    return wave
