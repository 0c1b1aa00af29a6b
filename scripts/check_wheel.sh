#!/usr/bin/env bash
# Builds the wheel, installs it into a fresh virtual environment away from the checkout, and runs
# `xinfang init` and one letter through a real worker: the package an office installs must work on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

echo "==> building the wheel"
.venv/bin/pip wheel -q --no-deps -w "$tmp/dist" . 2>&1 | grep -v "^WARNING: Location" || true
wheel=$(ls "$tmp"/dist/xinfang-*.whl)
if unzip -Z1 "$wheel" | grep -vE '^(xinfang/|xinfang-[^/]+\.dist-info/)'; then
  echo "the wheel installs files outside the xinfang package (listed above)" >&2; exit 1
fi
echo "==> installing it into a fresh virtual environment"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "$wheel" 2>&1 | grep -v "^WARNING: Location" || true

cd "$tmp"   # away from the checkout, whose folders could otherwise shadow the installed package
export XINFANG_DATA_DIR="$tmp/var" REDIS_URL="${XINFANG_TEST_REDIS:-redis://127.0.0.1:6379/15}"
export XINFANG_QUEUE="wheel-check-$$" DATABASE_URL=""
"$tmp/venv/bin/python" - <<'PY'
import xinfang.intake, xinfang.web, xinfang.core
assert "/venv/" in xinfang.intake.__file__, xinfang.intake.__file__
for name in ("intake", "classifier", "models", "web", "samples", "core", "matching"):
    try:
        __import__(name)
    except ImportError:
        continue
    raise SystemExit(f"a top-level package {name!r} is importable: the wheel must install only xinfang")
PY
echo "==> xinfang init"
"$tmp/venv/bin/xinfang" init
printf '%s\n' '{"id": "wheel-1", "received": "2026-11-20", "text": "县信访局：我叫王建国，住清河县城关镇东关村。村里修路占了我家承包地两亩，至今没有补偿，请求政府督促镇政府依法补偿。王建国 电话13912345678"}' > one.jsonl
echo "==> one letter through a real worker"
timeout 600 "$tmp/venv/bin/xinfang" ingest one.jsonl --wait --workers 1   # starts and stops its own worker
"$tmp/venv/bin/xinfang" export --format jsonl --out out.jsonl
"$tmp/venv/bin/python" - <<'PY'
import json
records = [json.loads(line) for line in open("out.jsonl", encoding="utf-8")]
assert len(records) == 1, records
record = records[0]
assert record["status"] in ("review", "confirmed"), (record["status"], record.get("failure"))
assert record["external_id"] == "wheel-1"
print("wheel check: letter", record["id"], "reached", record["status"])
PY
