"""The links in the demo's mail (the panel's "stop inviting me", the follow-up question's answers),
at the config's PUBLIC_BASE_URL.

The demo also runs on a bare session with no app (tests, benchmarks), so it cannot build links from
the routes as `portal.core.links.public_url` does (that needs the app's URL map). It keeps the two
paths its mail uses here instead; `tests/demo/test_links.py` checks each against `public_url`, so a
route that moves fails there rather than in a resident's inbox.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from urllib.parse import quote, urlencode

# endpoint -> its path, with the route's variables as {name}
PATHS = {
    "survey.leave_panel": "/survey/leave-the-panel/{token}",
    "issues.follow_up": "/issues/follow-up/{token}",
}


@dataclass(frozen=True)
class DemoLinks:
    base_url: str

    @classmethod
    def from_config(cls, config) -> DemoLinks:
        return cls(config["PUBLIC_BASE_URL"].rstrip("/"))

    def __call__(self, endpoint: str, **values) -> str:
        """The absolute address of `endpoint`, called as `public_url` is: the path's variables
        fill the path and any other values go in the query string."""
        path = PATHS[endpoint]
        names = {name for _, name, _, _ in string.Formatter().parse(path) if name}
        url = self.base_url + path.format(**{n: quote(str(values[n]), safe="") for n in names})
        query = {k: v for k, v in values.items() if k not in names}
        return url + ("?" + urlencode(query) if query else "")
