"""A neighbourhood's public activity as an Atom feed (RFC 4287, written by feedgen): new
priorities, public updates on them, "You said, we did" (completed priorities and issues resolved
locally) and published survey results. Only what the public pages show: staff-written public
text, an issue's category and place, never a resident's description or contact details.

Entry ids are tag URIs built from record ids, so they never change; the feed's `updated` is its
newest entry's, so an unchanged feed is byte-for-byte the same (and its ETag too). Stored text
goes in through `xml_text`: a control character saved before the forms removed them (Word's soft
line break) would otherwise make lxml refuse the whole feed.

The entries' fixed words go through gettext, so an alert digest written in a subscriber's language
(`portal.subscriptions.alerts.send_digests`) has them in it; the feed itself is one document for
every reader (cached, one ETag), built in English by its view. Staff's words go as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from feedgen.feed import FeedGenerator
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.core.clock import from_local
from portal.core.languages import translate
from portal.core.text import xml_text
from portal.models import IssueCategory, IssueStatus, Neighbourhood, PactIssue, Priority, PriorityStatus
from portal.pact.public_summary import you_said

MAX_ENTRIES = 50
EMPTY_FEED_UPDATED = datetime(2009, 1, 1, tzinfo=UTC)  # a fixed time, for a feed with no entries


@dataclass(frozen=True)
class Entry:
    key: str  # stable, unique within the neighbourhood
    at: datetime
    title: str
    text: str
    link: str


@dataclass(frozen=True)
class Links:
    """URL makers, so this module needs no request: page, issue(reference), results(wave)."""

    page: str
    feed: str
    issue: Callable[[str], str]
    results: Callable[[str], str]


def _priority_entries(session: Session, place: Neighbourhood, links: Links) -> list[Entry]:
    entries = []
    priorities = session.scalars(select(Priority).where(Priority.neighbourhood_id == place.id,
                                                        Priority.status != PriorityStatus.DROPPED)
                                 .options(selectinload(Priority.updates)))
    for p in priorities:
        entries.append(Entry(f"priority-{p.id}", p.created_at,
                             gettext("New priority: %(title)s", title=p.title),
                             p.description or gettext("Agreed at the PACT meeting."), links.page))
        entries += [Entry(f"priority-update-{u.id}", u.at, gettext("Update on %(title)s", title=p.title),
                          u.body, links.page) for u in p.updates if u.public]
        if p.status == PriorityStatus.COMPLETED and p.closed_at:
            entries.append(Entry(f"priority-{p.id}-completed", p.closed_at,
                                 gettext("You said, we did: %(title)s", title=p.title), p.outcome,
                                 links.page))
    return entries


def _issue_entries(session: Session, place: Neighbourhood, links: Links) -> list[Entry]:
    issues = session.scalars(select(PactIssue).where(PactIssue.neighbourhood_id == place.id,
                                                     PactIssue.status == IssueStatus.RESOLVED_LOCALLY,
                                                     PactIssue.closed_at.is_not(None)))
    entries = []
    for i in issues:
        assert i.closed_at is not None  # the query keeps only closed issues
        entries.append(Entry(f"issue-{i.id}-resolved", i.closed_at,
                             gettext("You said, we did: %(title)s",
                                     title=you_said(i, translate(IssueCategory.label_of(i.category)))),
                             i.outcome, links.issue(i.reference)))
    return entries


def _results_entries(waves, links: Links) -> list[Entry]:
    """A published wave's results appear the morning after its fieldwork closes."""
    return [Entry(f"survey-results-{w.slug}",
                  from_local(w.closes_on + timedelta(days=1), time(0)),
                  gettext("Survey results: %(wave)s", wave=w.name),
                  gettext("What residents told the Voicebox survey, with the whole area beside it."),
                  links.results(w.slug)) for w in waves]


def activity(session: Session, place: Neighbourhood, waves, links: Links) -> list[Entry]:
    """Newest first, at most MAX_ENTRIES."""
    entries = (_priority_entries(session, place, links) + _issue_entries(session, place, links)
               + _results_entries(waves, links))
    entries.sort(key=lambda e: (e.at, e.key), reverse=True)
    return entries[:MAX_ENTRIES]


def atom_feed(place: Neighbourhood, entries: list[Entry], host: str, links: Links,
              partnership: str) -> bytes:
    """The neighbourhood's Atom feed, its author the partnership."""
    feed = FeedGenerator()
    feed.id(f"tag:{host},2009:neighbourhood-{place.slug}")
    name = xml_text(place.name)
    feed.title(f"{name}: PACT and survey news")
    feed.subtitle(f"New priorities, updates, what was done and survey results for {name}.")
    feed.link(href=links.page, rel="alternate")
    feed.link(href=links.feed, rel="self")
    feed.language("en-GB")
    feed.author({"name": xml_text(partnership)})
    feed.updated(entries[0].at if entries else EMPTY_FEED_UPDATED)
    for e in reversed(entries):  # feedgen prepends each entry: add oldest first
        item = feed.add_entry()
        item.id(f"tag:{host},2009:neighbourhood-{place.slug}/{e.key}")
        title = xml_text(e.title)
        item.title(title)
        item.updated(e.at)
        item.published(e.at)
        item.link(href=e.link)
        item.content(xml_text(e.text or "") or title, type="text")
    return feed.atom_str(pretty=True)

