#!/usr/bin/env bash
# Install the portal into .venv, load the synthetic demo (SQLite in instance/ unless DATABASE_URL is
# set) and serve it at http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
.venv/bin/flask --app portal demo
exec .venv/bin/flask --app portal run --host 127.0.0.1 --port "${PORT:-5000}"
