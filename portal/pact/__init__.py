"""PACT engagement: residents raise local issues, coordinators triage, prioritise and close them,
and every neighbourhood sees "You said, we did".

Rules live in plain modules that tests and the reports call without HTTP:
- `workflow`: which statuses are open or closed, allowed transitions, `TransitionError`,
  `change_status` (the one place an issue's status changes; history, audit and resident email);
  the statuses and categories themselves are `IssueStatus` and `IssueCategory` (`portal.models`);
- `issues`: `raise_issue`, `acknowledge`, `assign`, `add_update`, `merge`, `close`;
- `meetings`: schedule, record, cancel, `agree_priority`, `review_priority`, priority updates;
- `agendas`: a meeting's agenda and PDF papers, publishing them, and the Service Charter's
  "published 5 working days ahead" (`agenda_outcome`, `agenda_standard`);
- `standards`: Policing Pledge breaches (`service_breaches`);
- `metrics`: `pact_metrics(records, start, end, now)` (pure) and `load_issue_records(session, ids)`;
- `references`: `PACT-7K3M-9Q` issue references; `notifications`: the plain-text emails;
- `follow_up`: "Was it resolved?", asked some weeks after an issue closed (`cli`: `follow-ups send`);
- `console` (the console's issue list and its CSV) and `pages` (what the public neighbourhood page
  shows). The Service Charter's figures beside the Pledge's are `portal.charter.figures`.
The blueprints are in `views`: the coordinator console (`/pact`), the concern mapping editor
(`/admin/concerns`) and the resident's issue pages (blueprint `issues`).
"""
