# Source this file (". scripts/e2e/env.sh") to use the tools that
# scripts/e2e/install-tools.sh put into the cache directory.
NSBRIDGE_TOOLS_DIR="${NSBRIDGE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools}"
export NSBRIDGE_TOOLS_DIR
case ":$PATH:" in
  "$NSBRIDGE_TOOLS_DIR/bin:"*) ;;
  *) PATH="$NSBRIDGE_TOOLS_DIR/bin:$PATH" ;;
esac
export PATH
# tofu reads only TF_CLI_CONFIG_FILE (there is no TOFU_CLI_CONFIG_FILE).
export TF_CLI_CONFIG_FILE="$NSBRIDGE_TOOLS_DIR/tofurc"
# cdktf: run tofu instead of terraform, no telemetry, no npm version check.
export TERRAFORM_BINARY_NAME=tofu
export CHECKPOINT_DISABLE=1
export DISABLE_VERSION_CHECK=true
