#!/usr/bin/env bash
# Builds the end-to-end toolchain into a cache directory from the package registries only (Go
# module proxy, PyPI); docs/e2e.md says what it is made of and why.
#   <cache>/bin/tofu                 OpenTofu, from its Go module (state backends trimmed)
#   <cache>/bin/terraform            Terraform at the README's floor (1.5.x), from its Go module (same)
#   <cache>/bin/tofu-floor           OpenTofu at the README's floor (1.6.x), from its Go module (same)
#   <cache>/mirror/registry.opentofu.org/hashicorp/{aws,external}/...   filesystem mirror (tofu)
#   <cache>/mirror/registry.terraform.io/hashicorp/...                 the same files (terraform)
#   <cache>/providers.json           what each mirrored provider really is (module, version, sha256)
#   <cache>/tofurc, terraformrc      CLI configs: that mirror only, no network
#   <cache>/moto-venv                moto[server] (Route 53, Route 53 Domains, S3, STS)
#   <cache>/build-report.txt         versions, build times against the targets, sizes
#
# Idempotent: a step whose output is present and valid (same pinned source) skips itself, so a
# warm run takes seconds. A failed step exits non-zero naming the step.
# Environment knobs:
#   NSBRIDGE_TOOLS_DIR    cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools)
#   NSBRIDGE_STEPS        subset of: tofu terraform tofu-floor aws external mirror moto checks report (default all)
#   NSBRIDGE_CHECKS       auto (default: smoke tests when something was built) | always | never
# The Go module and build caches stay where Go keeps them (go env GOMODCACHE / GOCACHE), so a later
# build, e.g. in a fresh clone, reuses them; only the modules a build imports are downloaded.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="${NSBRIDGE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools}"
export NSBRIDGE_TOOLS_DIR="$TOOLS_DIR"

TARGET_COLD_S=1200 # issue #14: cold toolchain (empty Go caches) at most 20 min
TARGET_WARM_S=60   # warm at most 1 min

# ---- pinned versions --------------------------------------------------------
# OpenTofu: newest v1.11.x that the Go module proxy serves (checked 2026-12).
TOFU_MODULE="github.com/opentofu/opentofu"
TOFU_VERSION="v1.11.14"

# Terraform: the oldest engine the README promises (1.5: check blocks), at its last patch release.
TF_MODULE="github.com/hashicorp/terraform"
TF_VERSION="v1.5.7"

# OpenTofu at the README's floor (1.6: check blocks): the newest v1.6.x the proxy serves (it lists
# v1.6.3, then v1.8.0: no 1.7.x; checked 2026-12). Same trim as the others (trim-engine.js).
TOFU_FLOOR_VERSION="v1.6.3"

# AWS provider. The stacks pin hashicorp/aws 6.25.0 (@cdktf/provider-aws 21.22.1), but the proxy
# serves no 6.x of github.com/hashicorp/terraform-provider-aws (its tags lack /v6, and it refuses
# every pseudo-version of that path: 403 "not available", checked 2026-12). It serves Upbound's fork
# (Crossplane's source; go.mod still says github.com/hashicorp/terraform-provider-aws) at this
# commit, version/VERSION 6.34.0: the nearest served 6.x (the other one, 20251204202605-7049bcc1808e,
# is 6.13.0). The sum database has no entry for the fork, so its hash is pinned here.
AWS_MODULE="github.com/upbound/terraform-provider-aws"
AWS_MODVERSION="v0.0.0-20260305123303-f7691456b787"
AWS_MODSUM="h1:dJlp2eNgY/iVKTPINdguYlHbHc9CtXBZKmQmqYq0REs="
AWS_REAL_VERSION="6.34.0"
AWS_MIRROR_VERSION="6.25.0" # the directory the engines install from: what the stacks pin
# The service packages the provider registers (trim-aws-provider.js); every other one is left out.
# route53: zone, record, delegation set, KSK, hosted_zone_dnssec; kms: the KSK's key; sts:
# data aws_caller_identity (and the provider's credential check); meta: data aws_partition;
# route53domains: the registrar side of the route53domains adapter.
AWS_SERVICES="route53 route53domains kms sts meta"

# hashicorp/external, pinned 2.3.5 by @cdktf/provider-external 11.0.1 (the plan-time registrar
# read). Its go.mod says github.com/terraform-providers/terraform-provider-external, whose v2 tags
# lack /v2; the proxy serves that path only at v1.2.0 and refuses v2.x, pseudo-versions and the
# github.com/hashicorp path (checked 2026-12). So the 2.3.5 directory holds v1.2.0: the same
# `external` data source (program, query, working_dir -> result). Declared in providers.json and
# checked by __tests__/e2e/toolchain.e2e.test.ts.
EXT_MODULE="github.com/terraform-providers/terraform-provider-external"
EXT_MODVERSION="v1.2.0"
EXT_MODSUM="h1:qyy0zZHLOh2nLOT71KYLu8wWEBhluGHmgg7TtJaZ3T8="
EXT_REAL_VERSION="1.2.0"
EXT_MIRROR_VERSION="2.3.5"

MOTO_VERSION="5.2.5"          # newest 5.x on PyPI (2026-11); >= 5.0.3 has route53domains
PYTHON="${NSBRIDGE_PYTHON:-python3}"

# ---- derived paths -----------------------------------------------------------
BIN_DIR="$TOOLS_DIR/bin"
BUILD_DIR="$TOOLS_DIR/build"
STATE_DIR="$TOOLS_DIR/state"
MIRROR_DIR="$TOOLS_DIR/mirror"
OT_MIRROR="$MIRROR_DIR/registry.opentofu.org/hashicorp"
TF_MIRROR="$MIRROR_DIR/registry.terraform.io/hashicorp"
AWS_PLUGIN="$OT_MIRROR/aws/$AWS_MIRROR_VERSION/linux_amd64/terraform-provider-aws_v${AWS_MIRROR_VERSION}_x5"
EXT_PLUGIN="$OT_MIRROR/external/$EXT_MIRROR_VERSION/linux_amd64/terraform-provider-external_v${EXT_MIRROR_VERSION}_x5"
VENV="$TOOLS_DIR/moto-venv"
REPORT="$TOOLS_DIR/build-report.txt"

STEPS="${NSBRIDGE_STEPS:-tofu terraform tofu-floor aws external mirror moto checks report}"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "install-tools: go not found (Go >= 1.25 needed)" >&2; exit 1; }
# Never fetch another Go toolchain: only the module proxy is reachable.
export GOTOOLCHAIN=local CGO_ENABLED=0

mkdir -p "$BIN_DIR" "$BUILD_DIR" "$STATE_DIR"

RUN_T0=$(date +%s)
CURRENT_STEP=""
log() { printf '[install-tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR in step '${CURRENT_STEP:-?}': $*"; exit 1; }
want() { case " $STEPS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# state/<step>.seconds: wall time of the last real build of that step
record_time() { echo "$2" >"$STATE_DIR/$1.seconds"; }
recorded_time() { cat "$STATE_DIR/$1.seconds" 2>/dev/null || echo "?"; }
RUN_NOTES=()
note() { RUN_NOTES+=("$1: $2"); }
BUILT=0

# go mod download -json MODULE@VERSION; prints the module Dir; checks the pinned sum.
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

# A writable copy of a module (the module cache is read-only; some need patching, and modules
# with replace directives cannot be built with `go install mod@version`).
writable_copy() {
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  cp -R "$1" "$2"
  chmod -R u+w "$2"
}

# stamp files: the exact source a binary was built from; a changed pin rebuilds it
stamp_ok() { [ -x "$1" ] && [ "$(cat "$STATE_DIR/$2.stamp" 2>/dev/null)" = "$3" ]; }

# build_go STEP MODULE VERSION SUM OUT PKG LDFLAGS [prepare-command...]
build_go() {
  local step="$1" mod="$2" ver="$3" sum="$4" out="$5" pkg="$6" ldflags="$7"
  shift 7
  local t0 dir src
  t0=$(date +%s)
  log "$step: downloading $mod@$ver"
  dir="$(GONOSUMDB="$mod" go_mod_download "$mod" "$ver" "$sum")" ||
    die "the Go module proxy did not serve $mod@$ver (or its hash changed)"
  src="$BUILD_DIR/$step"
  writable_copy "$dir" "$src"
  if [ "$#" -gt 0 ]; then (cd "$src" && "$@") || die "preparing $mod failed"; fi
  log "$step: building (go $(go env GOVERSION), $(nproc) cores)"
  mkdir -p "$(dirname "$out")"
  # -mod=mod: some module zips ship a vendor/modules.txt that newer Go rejects as inconsistent
  (cd "$src" && nice -n 10 go build -mod=mod -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg") ||
    die "go build of $mod@$ver failed"
  mv -f "$out.tmp" "$out"
  rm -rf "$src"
  record_time "$step" $(($(date +%s) - t0))
  note "$step" "built in $(recorded_time "$step") s ($(du -h "$out" | cut -f1))"
  log "$step: built in $(recorded_time "$step") s"
  BUILT=1
}

plugin_ok() {
  local out
  out="$("$1" 2>&1 </dev/null || true)" # a plugin run directly prints this notice
  case "$out" in *"This binary is a plugin"*) return 0 ;; *) return 1 ;; esac
}

# ---- steps ---------------------------------------------------------------------
# The engines keep the state backends the suite can use (trim-engine.js: local, remote, cloud,
# http, inmem, s3): the others' cloud SDKs were most of their compile time.
ENGINE_TRIM="trim=$(sha256sum "$SCRIPT_DIR/trim-engine.js" | cut -c1-16)"

# engine_step STEP BINARY MODULE VERSION "FIRST LINE OF version" PKG LDFLAGS: build unless present
engine_step() {
  local step="$1" bin="$BIN_DIR/$2" mod="$3" ver="$4" want="$5" pkg="$6" ldflags="$7"
  local stamp="$mod@$ver $ENGINE_TRIM"
  engine_says() { env -u TF_CLI_CONFIG_FILE "$bin" version 2>/dev/null | sed -n 1p; }
  if stamp_ok "$bin" "$step" "$stamp" && [ "$(engine_says)" = "$want" ]; then
    note "$step" "present"
    return
  fi
  build_go "$step" "$mod" "$ver" "" "$bin" "$pkg" "$ldflags" node "$SCRIPT_DIR/trim-engine.js" .
  [ "$(engine_says)" = "$want" ] || die "$2 version prints '$(engine_says)', not '$want'"
  echo "$stamp" >"$STATE_DIR/$step.stamp"
}

TOFU_LDFLAGS="-X github.com/opentofu/opentofu/version.dev=no"
step_tofu() { engine_step tofu tofu "$TOFU_MODULE" "$TOFU_VERSION" "OpenTofu $TOFU_VERSION" ./cmd/tofu "$TOFU_LDFLAGS"; }
step_tofu_floor() { engine_step tofu-floor tofu-floor "$TOFU_MODULE" "$TOFU_FLOOR_VERSION" "OpenTofu $TOFU_FLOOR_VERSION" ./cmd/tofu "$TOFU_LDFLAGS"; }
step_terraform() { engine_step terraform terraform "$TF_MODULE" "$TF_VERSION" "Terraform $TF_VERSION" . ""; }

step_aws() {
  local stamp="$AWS_MODULE@$AWS_MODVERSION $AWS_MODSUM services=$AWS_SERVICES trim=$(sha256sum "$SCRIPT_DIR/trim-aws-provider.js" | cut -c1-16)"
  if stamp_ok "$AWS_PLUGIN" aws "$stamp" && plugin_ok "$AWS_PLUGIN"; then
    note aws "present"
    return
  fi
  # version.ProviderVersion (User-Agent, start-up log) defaults to "dev": say what it really is
  build_go aws "$AWS_MODULE" "$AWS_MODVERSION" "$AWS_MODSUM" "$AWS_PLUGIN" . \
    "-X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=$AWS_REAL_VERSION" \
    node "$SCRIPT_DIR/trim-aws-provider.js" . $AWS_SERVICES
  plugin_ok "$AWS_PLUGIN" || die "the built AWS provider does not start as a plugin"
  echo "$stamp" >"$STATE_DIR/aws.stamp"
}

step_external() {
  local stamp="$EXT_MODULE@$EXT_MODVERSION $EXT_MODSUM"
  if stamp_ok "$EXT_PLUGIN" external "$stamp" && plugin_ok "$EXT_PLUGIN"; then
    note external "present"
    return
  fi
  build_go external "$EXT_MODULE" "$EXT_MODVERSION" "$EXT_MODSUM" "$EXT_PLUGIN" . ""
  plugin_ok "$EXT_PLUGIN" || die "the built external provider does not start as a plugin"
  echo "$stamp" >"$STATE_DIR/external.stamp"
}

# Terraform's layout (registry.terraform.io) as symlinks to OpenTofu's, the two CLI configs, and
# providers.json: what each mirrored version really is.
step_mirror() {
  local p rel
  [ -x "$AWS_PLUGIN" ] && [ -x "$EXT_PLUGIN" ] || die "a provider is missing from the mirror (run the aws and external steps)"
  for p in "$AWS_PLUGIN" "$EXT_PLUGIN"; do
    rel="${p#"$OT_MIRROR"/}"
    mkdir -p "$(dirname "$TF_MIRROR/$rel")"
    ln -sfn "$p" "$TF_MIRROR/$rel"
  done
  local host
  for host in opentofu:registry.opentofu.org terraform:registry.terraform.io; do
    cat >"$TOOLS_DIR/${host%%:*}rc.tmp" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR_DIR"
    include = ["${host#*:}/hashicorp/*"]
  }
}
EOF
  done
  mv -f "$TOOLS_DIR/opentofurc.tmp" "$TOOLS_DIR/tofurc"
  mv -f "$TOOLS_DIR/terraformrc.tmp" "$TOOLS_DIR/terraformrc"
  cat >"$TOOLS_DIR/providers.json.tmp" <<EOF
{
  "aws": {
    "mirrorVersion": "$AWS_MIRROR_VERSION",
    "module": "$AWS_MODULE",
    "moduleVersion": "$AWS_MODVERSION",
    "moduleSum": "$AWS_MODSUM",
    "realVersion": "$AWS_REAL_VERSION",
    "services": "$AWS_SERVICES",
    "sha256": "$(sha256sum "$AWS_PLUGIN" | cut -d' ' -f1)"
  },
  "external": {
    "mirrorVersion": "$EXT_MIRROR_VERSION",
    "module": "$EXT_MODULE",
    "moduleVersion": "$EXT_MODVERSION",
    "moduleSum": "$EXT_MODSUM",
    "realVersion": "$EXT_REAL_VERSION",
    "sha256": "$(sha256sum "$EXT_PLUGIN" | cut -d' ' -f1)"
  }
}
EOF
  mv -f "$TOOLS_DIR/providers.json.tmp" "$TOOLS_DIR/providers.json"
  note mirror "$MIRROR_DIR (tofurc, terraformrc, providers.json)"
}

moto_ok() {
  [ -x "$VENV/bin/moto_server" ] &&
    [ "$("$VENV/bin/python" -c 'import moto, flask, flask_cors, boto3; print(moto.__version__)' 2>/dev/null)" = "$MOTO_VERSION" ]
}

install_moto() {
  local t0
  t0=$(date +%s)
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  moto_ok || return 1
  record_time moto $(($(date +%s) - t0))
}

# moto is network and disk, the Go builds are CPU: it installs in the background while they run.
MOTO_PID=""
trap '[ -z "$MOTO_PID" ] || kill "$MOTO_PID" 2>/dev/null || true' EXIT
start_moto_install() {
  if moto_ok; then return; fi
  log "moto $MOTO_VERSION: installing into $VENV (in the background) with $("$PYTHON" --version 2>&1)"
  install_moto >"$STATE_DIR/moto-install.log" 2>&1 &
  MOTO_PID=$!
}

step_moto() {
  if [ -n "$MOTO_PID" ]; then
    local rc=0
    wait "$MOTO_PID" || rc=$?
    MOTO_PID=""
    [ "$rc" = 0 ] || { cat "$STATE_DIR/moto-install.log" >&2; die "pip install moto[server]==$MOTO_VERSION failed"; }
    note moto "installed in $(recorded_time moto) s"
    BUILT=1
  elif moto_ok; then
    note moto "present"
  else
    install_moto || die "pip install moto[server]==$MOTO_VERSION failed"
    note moto "installed in $(recorded_time moto) s"
    BUILT=1
  fi
  ln -sfn "$VENV/bin/moto_server" "$BIN_DIR/moto_server"
}

step_checks() {
  local mode="${NSBRIDGE_CHECKS:-auto}" engine t0
  if [ "$mode" = never ] || { [ "$mode" = auto ] && [ "$BUILT" = 0 ]; }; then
    note checks "not run (nothing built; NSBRIDGE_CHECKS=always runs them)"
    return
  fi
  # one apply + destroy per engine: aws_route53_zone + terraform_data with provisioners vs moto
  for engine in tofu terraform tofu-floor; do
    t0=$(date +%s)
    "$SCRIPT_DIR/smoke-test.sh" "$engine" >"$STATE_DIR/smoke-$engine.out" 2>&1 ||
      { cat "$STATE_DIR/smoke-$engine.out" >&2; die "smoke test with $engine failed"; }
    note "smoke-$engine" "passed in $(($(date +%s) - t0)) s"
  done
}

du_h() { if [ -e "$1" ]; then du -shL "$1" 2>/dev/null | cut -f1; else echo "-"; fi; }
verdict() { if [ "$1" -le "$2" ]; then echo "within target ($2 s)"; else echo "OVER TARGET ($2 s)"; fi; }

step_report() {
  local total=$(($(date +%s) - RUN_T0)) kind target
  if [ "$BUILT" = 1 ]; then kind="build"; target=$TARGET_COLD_S; else kind="warm (all cached)"; target=$TARGET_WARM_S; fi
  {
    echo "nsbridge e2e tools: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -m), $(nproc) cores"
    echo "cache dir: $TOOLS_DIR"
    echo "targets (issue #14): cold build (empty Go caches) <= $TARGET_COLD_S s, warm <= $TARGET_WARM_S s"
    echo "this run: $kind, $total s: $(verdict "$total" "$target")"
    local n
    for n in "${RUN_NOTES[@]}"; do echo "  $n"; done
    echo "versions"
    echo "  go:        $(go env GOVERSION)"
    echo "  opentofu:  $(env -u TF_CLI_CONFIG_FILE "$BIN_DIR/tofu" version 2>/dev/null | sed -n 1p)  ($TOFU_MODULE@$TOFU_VERSION)"
    echo "  terraform: $(env -u TF_CLI_CONFIG_FILE "$BIN_DIR/terraform" version 2>/dev/null | sed -n 1p)  ($TF_MODULE@$TF_VERSION)"
    echo "  tofu-floor: $(env -u TF_CLI_CONFIG_FILE "$BIN_DIR/tofu-floor" version 2>/dev/null | sed -n 1p)  ($TOFU_MODULE@$TOFU_FLOOR_VERSION)"
    echo "  aws:       mirrored as hashicorp/aws $AWS_MIRROR_VERSION; really $AWS_MODULE@$AWS_MODVERSION (version $AWS_REAL_VERSION), services: $AWS_SERVICES"
    echo "  external:  mirrored as hashicorp/external $EXT_MIRROR_VERSION; really $EXT_MODULE@$EXT_MODVERSION"
    echo "  moto:      $("$VENV/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo missing)"
    echo "last build time per step (s): tofu $(recorded_time tofu), terraform $(recorded_time terraform), tofu-floor $(recorded_time tofu-floor), aws $(recorded_time aws), external $(recorded_time external), moto $(recorded_time moto)"
    echo "sizes: tofu $(du_h "$BIN_DIR/tofu"), terraform $(du_h "$BIN_DIR/terraform"), tofu-floor $(du_h "$BIN_DIR/tofu-floor"), aws $(du_h "$AWS_PLUGIN"), external $(du_h "$EXT_PLUGIN"), moto-venv $(du_h "$VENV"), cache dir $(du -sh "$TOOLS_DIR" | cut -f1)"
  } >"$REPORT.tmp"
  mv -f "$REPORT.tmp" "$REPORT"
  cat "$REPORT"
}

log "targets: cold build (empty Go caches) <= $((TARGET_COLD_S / 60)) min, warm <= $TARGET_WARM_S s"
if want moto; then start_moto_install; fi
for s in tofu terraform tofu-floor aws external mirror moto checks report; do
  if want "$s"; then
    CURRENT_STEP="$s"
    "step_${s//-/_}"
  fi
done
