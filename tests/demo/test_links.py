"""The demo's mail links are the routes' own addresses."""

from __future__ import annotations

import pytest

from demo.links import PATHS, DemoLinks
from portal.core.links import public_url


@pytest.mark.parametrize("base", ["http://127.0.0.1:5000", "https://voicebox.example.org/partnership/"])
@pytest.mark.parametrize("endpoint", sorted(PATHS))
def test_each_link_is_the_one_the_app_builds(app, endpoint, base):
    app.config["PUBLIC_BASE_URL"] = base
    values = {"token": "IjEyMyI.abc-_d", "answer": "partly"}
    with app.app_context():
        assert DemoLinks.from_config(app.config)(endpoint, **values) == public_url(endpoint, **values)
