#!/usr/bin/env bash
# Install the portal with its test tools into .venv and run the whole test suite.
# TEST_DATABASE_URL=postgresql://... runs it on PostgreSQL instead of SQLite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh --with-browser
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[test]"
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
