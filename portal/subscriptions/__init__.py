"""Subscriptions: following a neighbourhood without visiting it. PACT meetings as iCalendar feeds
(`calendar`), public activity as Atom feeds (`feed`) and e-mail alert digests (`alerts`, sent by
`flask --app portal alerts send`, `cli`); blueprint `subscriptions` (`views`)."""
