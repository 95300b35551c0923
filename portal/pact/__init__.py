"""PACT engagement: residents raise local issues, coordinators triage, prioritise and close them,
and every neighbourhood sees "You said, we did".

Rules live in plain modules that tests and the reports call without HTTP:
- `workflow`: statuses, categories, allowed transitions, `TransitionError`, `change_status` (the one
  place an issue's status changes; history, audit and resident email);
- `issues`: `raise_issue`, `acknowledge`, `assign`, `add_update`, `merge`, `close`;
- `meetings`: schedule, record, cancel, `agree_priority`, `review_priority`, priority updates;
- `agendas`: a meeting's agenda and PDF papers, publishing them, and the Service Charter's
  "published 5 working days ahead" (`agenda_outcome`, `agenda_standard`);
- `service_charter`: the Charter's figures (agendas, complaint clocks) beside the Pledge's;
- `standards`: Policing Pledge breaches (`service_breaches`);
- `metrics`: `pact_metrics(records, start, end, now)` (pure) and `load_issue_records(session, ids)`;
- `references`: `PACT-7K3M-9Q` issue references; `notifications`: the plain-text emails;
- `console` and `neighbourhood_page`: what the console list and the public page show.
The coordinator console blueprint is `views` (`/pact`); resident pages are in `portal.public`.
"""
