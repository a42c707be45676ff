#!/usr/bin/env bash
# Installs the end-to-end test toolchain into a cache directory, offline
# except for the package registries (Go module proxy, PyPI):
#   <cache>/bin/tofu                 OpenTofu built from its Go module
#   <cache>/mirror/...               the AWS provider built from its Go module,
#                                    laid out as a tofu filesystem mirror
#   <cache>/tofurc                   CLI config: filesystem_mirror only
#   <cache>/moto-venv                moto[server] (Route 53 + Route 53 Domains)
#   <cache>/build-report.txt         versions, build times, disk use
#
# Idempotent: each step skips itself when its output is present and valid.
# Environment knobs:
#   NSBRIDGE_TOOLS_DIR    cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools)
#   NSBRIDGE_STEPS        space-separated subset of: tofu aws tofurc moto checks report
#                         (default: all of them, in that order)
#   NSBRIDGE_SKIP_CHECKS  1 = skip the moto check and the tofu smoke test
#   NSBRIDGE_GO_P         parallelism for the AWS provider build (default 2; it
#                         retries once with 1 if the first attempt fails)
# The Go module cache and build cache stay in their default places (go env
# GOMODCACHE / GOCACHE) so that a re-build after a cache wipe is fast.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="${NSBRIDGE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools}"
export NSBRIDGE_TOOLS_DIR="$TOOLS_DIR"

# ---- pinned versions --------------------------------------------------------
# OpenTofu: newest v1.10.x/v1.11.x that the Go module proxy serves and that
# builds with Go 1.26 (v1.11.15+, v1.10.11+ are not served; checked 2026-11).
TOFU_MODULE="github.com/opentofu/opentofu"
TOFU_VERSION="v1.11.14"

# AWS provider. github.com/hashicorp/terraform-provider-aws has no /v6 suffix,
# so its release tags are no valid module versions, and the module proxy here
# refuses every pseudo-version of that path ("This module version is not
# available"). What it does serve is Upbound's fork (the one Crossplane's
# provider-upjet-aws builds from), whose go.mod still declares the module
# github.com/hashicorp/terraform-provider-aws. This commit carries
# version/VERSION = 6.34.0, the nearest served 6.x to 6.25.0 (the other served
# fork commit, 20251204202605-7049bcc1808e, is 6.13.0). The sum database has no
# entry for the fork, so its h1: hash is pinned here and checked by the script.
AWS_MODULE="github.com/upbound/terraform-provider-aws"
AWS_MODVERSION="v0.0.0-20260305123303-f7691456b787"
AWS_MODSUM="h1:dJlp2eNgY/iVKTPINdguYlHbHc9CtXBZKmQmqYq0REs="
# Version directory in the mirror: what @cdktf/provider-aws 21.22.1 pins.
# tofu does not check the binary's own version.
AWS_MIRROR_VERSION="6.25.0"

MOTO_VERSION="5.2.5"          # newest 5.x on PyPI (2026-11); >= 5.0.3 has route53domains
PYTHON="${NSBRIDGE_PYTHON:-python3}"

# ---- derived paths -----------------------------------------------------------
BIN_DIR="$TOOLS_DIR/bin"
BUILD_DIR="$TOOLS_DIR/build"
STATE_DIR="$TOOLS_DIR/state"
MIRROR_DIR="$TOOLS_DIR/mirror"
AWS_PLUGIN_DIR="$MIRROR_DIR/registry.opentofu.org/hashicorp/aws/$AWS_MIRROR_VERSION/linux_amd64"
AWS_PLUGIN="$AWS_PLUGIN_DIR/terraform-provider-aws_v${AWS_MIRROR_VERSION}_x5"
TOFURC="$TOOLS_DIR/tofurc"
VENV="$TOOLS_DIR/moto-venv"
REPORT="$TOOLS_DIR/build-report.txt"

STEPS="${NSBRIDGE_STEPS:-tofu aws tofurc moto checks report}"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

mkdir -p "$BIN_DIR" "$BUILD_DIR" "$STATE_DIR"

log() { printf '[install-tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
want() { case " $STEPS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# state files: <step>.seconds (wall time of the last real build), <step>.stamp
# <step>.seconds: last real build; <step>.first-seconds: first (cold) build
record_time() {
  echo "$2" >"$STATE_DIR/$1.seconds"
  [ -f "$STATE_DIR/$1.first-seconds" ] || echo "$2" >"$STATE_DIR/$1.first-seconds"
}
recorded_time() { cat "$STATE_DIR/$1.seconds" 2>/dev/null || echo "?"; }
first_time() { cat "$STATE_DIR/$1.first-seconds" 2>/dev/null || echo "?"; }
RUN_NOTES=()
note() { RUN_NOTES+=("$1: $2"); }

# go mod download -json MODULE@VERSION, print the module Dir; check the sum
# when one is given.
go_mod_download() {
  local mod="$1" ver="$2" want_sum="${3:-}" json dir sum
  json="$(go mod download -json "$mod@$ver" 2>&1)" || true
  if printf '%s' "$json" | grep -q '"Error"'; then
    printf '%s\n' "$json" >&2
    return 1
  fi
  dir="$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  sum="$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",\{0,1\}$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || { printf '%s\n' "$json" >&2; return 1; }
  if [ -n "$want_sum" ] && [ "$sum" != "$want_sum" ]; then
    log "checksum mismatch for $mod@$ver: got $sum, pinned $want_sum"
    return 1
  fi
  printf '%s\n' "$dir"
}

# copy a module from the (read-only) module cache to a writable build dir
writable_copy() {
  local src="$1" dst="$2"
  rm -rf "$dst"
  mkdir -p "$(dirname "$dst")"
  cp -R "$src" "$dst"
  chmod -R u+w "$dst"
}

# ---- 1. OpenTofu -------------------------------------------------------------
tofu_valid() {
  [ -x "$BIN_DIR/tofu" ] &&
    [ "$("$BIN_DIR/tofu" version 2>/dev/null | head -n1)" = "OpenTofu ${TOFU_VERSION}" ]
}

step_tofu() {
  if tofu_valid; then
    log "tofu ${TOFU_VERSION}: present, skipping"
    note tofu "cached (built in $(recorded_time tofu) s)"
    return
  fi
  log "tofu ${TOFU_VERSION}: downloading module and dependencies"
  local t0 t1 dir src
  t0=$(date +%s)
  dir="$(go_mod_download "$TOFU_MODULE" "$TOFU_VERSION")" ||
    die "the Go module proxy did not serve $TOFU_MODULE@$TOFU_VERSION"
  src="$BUILD_DIR/opentofu@$TOFU_VERSION"
  writable_copy "$dir" "$src"
  (cd "$src" && go mod download) || die "go mod download of OpenTofu's dependencies failed"
  log "tofu ${TOFU_VERSION}: building (go $(go env GOVERSION))"
  (cd "$src" && CGO_ENABLED=0 nice -n 15 go build -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$BIN_DIR/tofu.tmp" ./cmd/tofu) || die "building OpenTofu failed"
  mv -f "$BIN_DIR/tofu.tmp" "$BIN_DIR/tofu"
  rm -rf "$src"
  t1=$(date +%s)
  tofu_valid || die "tofu version does not print 'OpenTofu ${TOFU_VERSION}': $("$BIN_DIR/tofu" version | head -n1)"
  record_time tofu $((t1 - t0))
  note tofu "built in $((t1 - t0)) s"
  log "tofu ${TOFU_VERSION}: built in $((t1 - t0)) s"
}

# ---- 2. AWS provider ---------------------------------------------------------
AWS_STAMP_CONTENT="$AWS_MODULE@$AWS_MODVERSION $AWS_MODSUM ldflags-v2"

aws_valid() {
  local out
  [ -x "$AWS_PLUGIN" ] &&
    [ "$(cat "$AWS_PLUGIN.source" 2>/dev/null)" = "$AWS_STAMP_CONTENT" ] || return 1
  # run directly, a plugin prints its "not meant to be executed" notice (exit 1)
  out="$("$AWS_PLUGIN" 2>&1 </dev/null || true)"
  case "$out" in *"This binary is a plugin"*) return 0 ;; *) return 1 ;; esac
}

step_aws() {
  if aws_valid; then
    log "AWS provider: present, skipping"
    note aws "cached (built in $(recorded_time aws) s)"
    return
  fi
  log "AWS provider: downloading $AWS_MODULE@$AWS_MODVERSION"
  local t0 t1 dir src p upstream_version ok=0
  t0=$(date +%s)
  # The sum database has no entry for the fork: skip it for this one module
  # and compare with the pinned hash instead.
  dir="$(GONOSUMDB="$AWS_MODULE" go_mod_download "$AWS_MODULE" "$AWS_MODVERSION" "$AWS_MODSUM")" ||
    die "the Go module proxy did not serve $AWS_MODULE@$AWS_MODVERSION (or its hash changed)"
  src="$BUILD_DIR/terraform-provider-aws@$AWS_MODVERSION"
  writable_copy "$dir" "$src"
  (cd "$src" && go mod download) || die "go mod download of the AWS provider's dependencies failed"
  mkdir -p "$AWS_PLUGIN_DIR"
  # version.ProviderVersion (User-Agent, start-up log line) defaults to "dev"
  upstream_version="$(tr -d '[:space:]' <"$src/version/VERSION")"
  for p in "${NSBRIDGE_GO_P:-2}" 1; do
    log "AWS provider: building upstream $upstream_version with -p $p (this takes a long time)"
    if (cd "$src" && CGO_ENABLED=0 GOMAXPROCS=2 nice -n 15 go build -p "$p" -trimpath \
      -ldflags "-s -w -X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=$upstream_version" \
      -o "$AWS_PLUGIN.tmp" .); then
      ok=1
      break
    fi
    log "AWS provider: build with -p $p failed"
    [ "$p" = 1 ] && break
  done
  [ "$ok" = 1 ] || die "building the AWS provider failed"
  mv -f "$AWS_PLUGIN.tmp" "$AWS_PLUGIN"
  printf '%s\n' "$AWS_STAMP_CONTENT" >"$AWS_PLUGIN.source"
  rm -rf "$src"
  t1=$(date +%s)
  aws_valid || die "the built AWS provider does not behave like a plugin"
  record_time aws $((t1 - t0))
  note aws "built in $((t1 - t0)) s"
  log "AWS provider: built in $((t1 - t0)) s"
}

# ---- 3. CLI config -------------------------------------------------------------
step_tofurc() {
  local want
  want="provider_installation {
  filesystem_mirror {
    path    = \"$MIRROR_DIR\"
    include = [\"registry.opentofu.org/hashicorp/*\"]
  }
}"
  if [ -f "$TOFURC" ] && [ "$(cat "$TOFURC")" = "$want" ]; then
    log "tofurc: present, skipping"
  else
    printf '%s\n' "$want" >"$TOFURC"
    log "tofurc: written"
  fi
  note tofurc "$TOFURC"
}

# ---- 4. moto ---------------------------------------------------------------------
moto_valid() {
  [ -x "$VENV/bin/moto_server" ] &&
    [ "$("$VENV/bin/python" -c 'import moto, flask, flask_cors, boto3; print(moto.__version__)' 2>/dev/null)" = "$MOTO_VERSION" ]
}

step_moto() {
  if moto_valid; then
    log "moto $MOTO_VERSION: present, skipping"
    note moto "cached (installed in $(recorded_time moto) s)"
  else
    local t0 t1
    t0=$(date +%s)
    log "moto $MOTO_VERSION: creating venv with $("$PYTHON" --version 2>&1)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    t1=$(date +%s)
    moto_valid || die "moto $MOTO_VERSION did not install correctly"
    record_time moto $((t1 - t0))
    note moto "installed in $((t1 - t0)) s"
    log "moto $MOTO_VERSION: installed in $((t1 - t0)) s"
  fi
  ln -sfn "$VENV/bin/moto_server" "$BIN_DIR/moto_server"
}

# ---- 5. checks --------------------------------------------------------------------
check_moto() {
  local port pid rc=0
  port="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  pid="$(MOTO_LOG="$STATE_DIR/moto-check.log" "$SCRIPT_DIR/start-moto.sh" "$port")"
  "$VENV/bin/python" - "http://127.0.0.1:$port" <<'PY' || rc=$?
import sys, uuid
import boto3

endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
r53 = boto3.client("route53", **kw)
zone = r53.create_hosted_zone(Name="moto-check.example.com",
                              CallerReference=str(uuid.uuid4()))
zone_id = zone["HostedZone"]["Id"]
ns = r53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
assert len(ns) == 4, ns
change = r53.get_change(Id=zone["ChangeInfo"]["Id"])["ChangeInfo"]["Status"]
assert change == "INSYNC", change
print("route53: zone", zone_id, "name servers", ns, "change", change)
sys.stdout.flush()

dom = boto3.client("route53domains", **kw)
contact = {
    "FirstName": "Test", "LastName": "User", "ContactType": "PERSON",
    "AddressLine1": "1 Main St", "City": "Seattle", "State": "WA",
    "CountryCode": "US", "ZipCode": "98101", "PhoneNumber": "+1.2065550100",
    "Email": "test@example.com",
}
# DurationInYears=1 fails in moto 5.2.5 ("ExpirationDate must by between 1
# and 10 years from now"): it adds 365 days, then checks against a later now.
dom.register_domain(DomainName="moto-check-domain.com", DurationInYears=2,
                    AdminContact=contact, RegistrantContact=contact,
                    TechContact=contact)
dom.update_domain_nameservers(DomainName="moto-check-domain.com",
                              Nameservers=[{"Name": n} for n in ns])
detail = dom.get_domain_detail(DomainName="moto-check-domain.com")
got = [n["Name"] for n in detail["Nameservers"]]
assert got == ns, (got, ns)
print("route53domains: register_domain + update_domain_nameservers + get_domain_detail ->", got)
PY
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  return "$rc"
}

step_checks() {
  if [ "${NSBRIDGE_SKIP_CHECKS:-0}" = 1 ]; then
    log "checks: skipped (NSBRIDGE_SKIP_CHECKS=1)"
    note checks "skipped"
    return
  fi
  local t0 t1
  log "checks: moto (boto3 route53 + route53domains)"
  t0=$(date +%s)
  check_moto || die "moto check failed"
  t1=$(date +%s)
  note moto-check "passed in $((t1 - t0)) s"
  log "checks: tofu smoke test (terraform_data + aws_route53_zone against moto)"
  t0=$(date +%s)
  "$SCRIPT_DIR/smoke-test.sh" | tee "$STATE_DIR/smoke-test.out" >&2 || die "smoke test failed"
  t1=$(date +%s)
  note smoke-test "passed in $((t1 - t0)) s; $(grep -m1 '^zone create took' "$STATE_DIR/smoke-test.out" || true)"
}

# ---- 6. report ----------------------------------------------------------------------
du_h() { if [ -e "$1" ]; then du -sh "$1" 2>/dev/null | cut -f1; else echo "-"; fi; }

step_report() {
  local tofu_v moto_v go_v
  tofu_v="$("$BIN_DIR/tofu" version 2>/dev/null | head -n1 || echo missing)"
  moto_v="$("$VENV/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo missing)"
  go_v="$(go env GOVERSION)"
  {
    echo "nsbridge e2e tools — $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(nproc) cores"
    echo "cache dir: $TOOLS_DIR"
    echo
    echo "versions"
    echo "  go:           $go_v"
    echo "  opentofu:     $tofu_v  ($TOFU_MODULE@$TOFU_VERSION)"
    echo "  aws provider: $AWS_MODULE@$AWS_MODVERSION (version/VERSION 6.34.0), mirrored as hashicorp/aws $AWS_MIRROR_VERSION"
    echo "  moto:         $moto_v  (python $("$VENV/bin/python" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo ?))"
    echo
    echo "wall time in seconds: first (cold) build / last build (warm Go caches)"
    echo "  opentofu:     $(first_time tofu) / $(recorded_time tofu)"
    echo "  aws provider: $(first_time aws) / $(recorded_time aws)"
    echo "  moto venv:    $(first_time moto) / $(recorded_time moto)"
    echo
    echo "this run"
    local n
    for n in "${RUN_NOTES[@]}"; do echo "  $n"; done
    echo
    echo "disk use (du -sh)"
    echo "  bin/tofu:            $(du_h "$BIN_DIR/tofu")"
    echo "  mirror (aws plugin): $(du_h "$MIRROR_DIR")"
    echo "  moto-venv:           $(du_h "$VENV")"
    echo "  whole cache dir:     $(du_h "$TOOLS_DIR")"
    echo "  go module cache:     $(du_h "$(go env GOMODCACHE)")  ($(go env GOMODCACHE), shared)"
    echo "  go build cache:      $(du_h "$(go env GOCACHE)")  ($(go env GOCACHE), shared)"
  } >"$REPORT.tmp"
  mv -f "$REPORT.tmp" "$REPORT"
  cat "$REPORT"
}

for s in tofu aws tofurc moto checks report; do
  if want "$s"; then "step_$s"; fi
done
