"""Following a neighbourhood without visiting it: PACT meetings as iCalendar feeds and public
activity as Atom feeds (and, later, e-mail alerts)."""
