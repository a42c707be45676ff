#!/usr/bin/env bash
# Usage: smoke-test.sh [tofu|terraform|tofu-floor]
# Smoke test of the cached tools with one engine: starts its own moto on a free loopback port,
# then in a temp dir runs <engine> init (offline, filesystem mirror only), apply,
# reads the zone's name_servers output, and destroy, for a configuration with
# an aws_route53_zone and a terraform_data with create- and destroy-time
# local-exec provisioners. Prints how long the provider took to create the zone.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export NSBRIDGE_E2E_ENGINE="${1:-${NSBRIDGE_E2E_ENGINE:-tofu}}"
# shellcheck source=env.sh
. "$SCRIPT_DIR/env.sh"
ENGINE="$NSBRIDGE_TOOLS_DIR/bin/$NSBRIDGE_E2E_ENGINE"
tofu() { "$ENGINE" "$@"; }
VENV="$NSBRIDGE_TOOLS_DIR/moto-venv"

[ -x "$ENGINE" ] || { echo "smoke-test: $ENGINE not found; run scripts/e2e/install-tools.sh" >&2; exit 1; }
[ -f "$TF_CLI_CONFIG_FILE" ] || { echo "smoke-test: $TF_CLI_CONFIG_FILE missing" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/nsbridge-smoke.XXXXXX")"
MOTO_PID=""
cleanup() {
  if [ -n "$MOTO_PID" ]; then
    # not our child (start-moto.sh started it): poll until it has exited
    kill "$MOTO_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$MOTO_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "${KEEP_SMOKE_DIR:-0}" = 1 ]; then echo "smoke-test: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MOTO_PID="$(MOTO_LOG="$WORK/moto.log" "$SCRIPT_DIR/start-moto.sh" "$PORT")"
ENDPOINT="http://127.0.0.1:$PORT"
echo "moto pid $MOTO_PID on $ENDPOINT"

cat >"$WORK/main.tf" <<EOF
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = "true"
  skip_requesting_account_id  = true
  endpoints {
    route53        = "$ENDPOINT"
    route53domains = "$ENDPOINT"
    sts            = "$ENDPOINT"
  }
}

resource "aws_route53_zone" "smoke" {
  name          = "nsbridge-smoke.example.com"
  force_destroy = true
}

resource "terraform_data" "delegation" {
  input = { name_servers = aws_route53_zone.smoke.name_servers }
  provisioner "local-exec" {
    command = "echo \"\$NS\" > created.txt"
    environment = {
      NS = join(",", self.input.name_servers)
    }
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo \"\$NS\" > destroyed.txt"
    environment = {
      NS = join(",", self.input.name_servers)
    }
  }
}

check "zone_has_name_servers" {
  assert {
    condition     = length(aws_route53_zone.smoke.name_servers) == 4
    error_message = "the zone has no four name servers"
  }
}

output "name_servers" {
  value = aws_route53_zone.smoke.name_servers
}
EOF

export AWS_EC2_METADATA_DISABLED=true TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR AWS_PROFILE AWS_ENDPOINT_URL 2>/dev/null || true
cd "$WORK"

t() { local t0 t1 rc=0; t0=$(date +%s.%N); "$@" || rc=$?; t1=$(date +%s.%N); LAST_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'); return $rc; }

echo "+ $NSBRIDGE_E2E_ENGINE init -input=false -no-color"
t tofu init -input=false -no-color >init.log 2>&1 || { cat init.log; exit 1; }
grep -E 'Installing|Installed|Using' init.log || true
echo "  init: ${LAST_SECONDS}s"

echo "+ $NSBRIDGE_E2E_ENGINE apply -auto-approve -input=false -no-color"
t tofu apply -auto-approve -input=false -no-color >apply.log 2>&1 || { cat apply.log; exit 1; }
grep -E 'Creation complete|Apply complete' apply.log || true
APPLY_S=$LAST_SECONDS
CREATE_S="$(sed -n 's/^aws_route53_zone\.smoke: Creation complete after \([0-9ms]*\).*/\1/p' apply.log)"
echo "  apply: ${APPLY_S}s"

echo "+ $NSBRIDGE_E2E_ENGINE output -json name_servers"
NS_JSON="$(tofu output -no-color -json name_servers)"
echo "  $NS_JSON"
EXPECTED='["ns-2048.awsdns-64.com","ns-2049.awsdns-65.net","ns-2050.awsdns-66.org","ns-2051.awsdns-67.co.uk"]'
[ "$(echo "$NS_JSON" | tr -d ' \n')" = "$EXPECTED" ] ||
  { echo "smoke-test: unexpected name_servers $NS_JSON (expected $EXPECTED)" >&2; exit 1; }
[ "$(cat created.txt)" = "ns-2048.awsdns-64.com,ns-2049.awsdns-65.net,ns-2050.awsdns-66.org,ns-2051.awsdns-67.co.uk" ] ||
  { echo "smoke-test: create-time provisioner output wrong: $(cat created.txt 2>&1)" >&2; exit 1; }

echo "+ $NSBRIDGE_E2E_ENGINE destroy -auto-approve -input=false -no-color"
t tofu destroy -auto-approve -input=false -no-color >destroy.log 2>&1 || { cat destroy.log; exit 1; }
grep -E 'Destruction complete|Destroy complete' destroy.log || true
DESTROY_S=$LAST_SECONDS
echo "  destroy: ${DESTROY_S}s"
[ -s destroyed.txt ] || { echo "smoke-test: destroy-time provisioner did not run" >&2; exit 1; }

echo "zone create took ${CREATE_S:-?} (provider's own figure); apply ${APPLY_S}s, destroy ${DESTROY_S}s"
echo "+ $NSBRIDGE_E2E_ENGINE version"; tofu version | sed -n 1p
echo "smoke test passed ($NSBRIDGE_E2E_ENGINE)"
