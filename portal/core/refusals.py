"""One way to refuse an action: a `Refusal` carries a message for the person who asked, and
`refusals_to` commits the action's transaction or, on a refusal, rolls it back and puts the message
where the person will read it (a form field's errors, the form's errors, a list to flash).

Every domain error a person can cause (`IssueError`, `MeetingError`, `TransitionError`, `WaveError`,
`DatasetError`, `ReportError`, `ChoiceError`, ...) is a `Refusal`, so a view writes the
try / rollback / append-error / commit once, as GOV.UK Notify does with `autocommit` and
`InvalidRequest`. Anything else is a fault and propagates (the error page, and a rollback at the end
of the request).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session


class Refusal(Exception):
    """An action the portal will not do as asked; ``message`` says why, in words the person can
    act on (it is shown on the page as it stands, escaped)."""

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class Attempt:
    """What became of an action run under `refusals_to`: true when it was committed."""

    refusal: Refusal | None = None
    done: bool = False

    def __bool__(self) -> bool:
        return self.done


@contextmanager
def refusals_to(errors: Sequence[str], session: Session | None = None) -> Iterator[Attempt]:
    """Run the block as one transaction: commit when it finishes, or, when it raises a `Refusal`,
    roll back and append the refusal's message to `errors` (the refusal does not propagate).

    `session` defaults to the request's session (`portal.core.extensions.db.session`). The `Attempt`
    yielded is true after a commit, so the view goes on with ``if attempt: ... redirect``.
    """
    if session is None:
        from portal.core.extensions import db  # the request's session; imported late, not at app set-up

        session = db.session
    attempt = Attempt()
    try:
        yield attempt
    except Refusal as refusal:
        session.rollback()
        # A field's errors (WTForms types them as a Sequence; after validation they are its list).
        assert isinstance(errors, list)
        errors.append(refusal.message)
        attempt.refusal = refusal
    else:
        session.commit()
        attempt.done = True
