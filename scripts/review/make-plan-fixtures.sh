#!/usr/bin/env bash
# Makes the plan JSON fixtures of __tests__/review/fixtures with a real engine: OpenTofu (or
# $ENGINE), the AWS provider and moto from the e2e tools cache (scripts/e2e/install-tools.sh).
#
#   bash scripts/review/make-plan-fixtures.sh            # tofu
#   ENGINE=terraform bash scripts/review/make-plan-fixtures.sh
#
# The configuration (scripts/review/fixture-config.py) has nsbridge's shapes and addresses: zones,
# records referring to their zone, bridges (terraform_data with triggers_replace domain /
# registrar / name_servers / repair), release guards, the holder, and one resource that is not DNS.
# Version 1 is applied against moto, then the fixtures are `show -json` of saved plans:
#   changes.plan.json   version 2: records added/changed/removed, a zone created, a zone deleted
#                       with its release guard (restore), a zone deleted with no release, a zone
#                       replaced, a drift repair (the read says in_sync false), DNSSEC key, not-DNS
#   noop.plan.json      version 1 again, in sync: no change at all
# Zone ids and the moto port differ per run; the tests do not depend on them.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
TOOLS="${NSBRIDGE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools}"
ENGINE="${ENGINE:-tofu}"
BIN="$TOOLS/bin/$ENGINE"
OUT="${OUT:-$REPO/__tests__/review/fixtures}"
WORK="$(mktemp -d)"
trap 'kill $MOTO_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

export TF_CLI_CONFIG_FILE="$TOOLS/tofurc"
[ "$ENGINE" = terraform ] && export TF_CLI_CONFIG_FILE="$TOOLS/terraformrc"
export CHECKPOINT_DISABLE=1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$TOOLS/moto-venv/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/moto-api/data.json" >/dev/null && break; sleep 0.5; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"

cd "$WORK"
python3 "$HERE/fixture-config.py" 1 >main.tf.json
"$BIN" init -no-color -input=false >/dev/null
"$BIN" apply -no-color -input=false -auto-approve -var in_sync=true >/dev/null
"$BIN" plan -no-color -input=false -var in_sync=true -out=noop.tfplan >/dev/null
"$BIN" show -json noop.tfplan | python3 -m json.tool --indent 1 >"$OUT/noop.plan.json"
python3 "$HERE/fixture-config.py" 2 >main.tf.json
# moved.com gets a new zone (as a new delegation set would): the bridge follows its new name servers.
"$BIN" plan -no-color -input=false -var in_sync=false -replace=aws_route53_zone.movedcom_zone_BBBB2222 -out=changes.tfplan >/dev/null
"$BIN" show -json changes.tfplan | python3 -m json.tool --indent 1 >"$OUT/changes.plan.json"
echo "wrote $OUT/noop.plan.json and $OUT/changes.plan.json with $("$BIN" version | head -1)"
