#!/usr/bin/env bash
# Usage: start-moto.sh PORT
# Starts moto_server (from the cache's moto-venv) on 127.0.0.1:PORT in the
# background, waits until it answers HTTP, and prints its PID on stdout.
# Stop it with: kill <PID>. Its log goes to $MOTO_LOG (default
# ${TMPDIR:-/tmp}/nsbridge-moto-PORT.log).
set -euo pipefail

PORT="${1:?usage: start-moto.sh PORT}"
TOOLS_DIR="${NSBRIDGE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools}"
VENV="$TOOLS_DIR/moto-venv"
LOG="${MOTO_LOG:-${TMPDIR:-/tmp}/nsbridge-moto-$PORT.log}"
TIMEOUT_S="${MOTO_START_TIMEOUT:-30}"

[ -x "$VENV/bin/moto_server" ] ||
  { echo "start-moto: $VENV/bin/moto_server missing; run scripts/e2e/install-tools.sh" >&2; exit 1; }

nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 </dev/null &
pid=$!

deadline=$(( $(date +%s) + TIMEOUT_S ))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-moto: moto_server exited early (port $PORT in use?); log $LOG:" >&2
    tail -n 20 "$LOG" >&2 || true
    exit 1
  fi
  if "$VENV/bin/python" - "$PORT" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/moto-api/data.json" % sys.argv[1], timeout=2).read()
PY
    break
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "start-moto: moto_server did not answer on port $PORT within ${TIMEOUT_S}s; log $LOG:" >&2
    tail -n 20 "$LOG" >&2 || true
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done

echo "$pid"
