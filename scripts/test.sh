#!/usr/bin/env bash
# Command two: install the test dependencies and run the whole test suite (lint included).
# With CI=true, tests that need PostgreSQL, Redis or Chromium fail instead of skipping when one is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

if [ "${CI:-}" = "true" ]; then
  # In CI the services are part of the machine: say clearly which one is missing, before any test runs.
  problems=()
  .venv/bin/python - <<'PY' || problems+=("PostgreSQL at ${XINFANG_TEST_PG:-127.0.0.1:5432}")
import os, sqlalchemy
url = os.environ.get("XINFANG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
sqlalchemy.create_engine(url).connect().close()
PY
  .venv/bin/python -c 'import os, redis; redis.Redis.from_url(os.environ.get("XINFANG_TEST_REDIS", "redis://127.0.0.1:6379/15")).ping()' \
    || problems+=("Redis at ${XINFANG_TEST_REDIS:-127.0.0.1:6379}")
  command -v chromium >/dev/null || problems+=("chromium")
  command -v tesseract >/dev/null || problems+=("tesseract")
  if [ ${#problems[@]} -gt 0 ]; then
    echo "CI needs these services, and they are missing: ${problems[*]}" >&2
    exit 1
  fi
fi

echo "==> ruff"
.venv/bin/ruff check .
echo "==> mypy (strict on core and models)"
.venv/bin/mypy
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"
