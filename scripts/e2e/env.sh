# Source this file (". scripts/e2e/env.sh") to use the tools that scripts/e2e/install-tools.sh put
# into the cache directory. NSBRIDGE_E2E_ENGINE=tofu (default), terraform or tofu-floor picks the engine.
NSBRIDGE_TOOLS_DIR="${NSBRIDGE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbridge-tools}"
export NSBRIDGE_TOOLS_DIR
case ":$PATH:" in
  "$NSBRIDGE_TOOLS_DIR/bin:"*) ;;
  *) PATH="$NSBRIDGE_TOOLS_DIR/bin:$PATH" ;;
esac
export PATH
NSBRIDGE_E2E_ENGINE="${NSBRIDGE_E2E_ENGINE:-tofu}"
export NSBRIDGE_E2E_ENGINE
# cdktf runs $TERRAFORM_BINARY_NAME; both engines read TF_CLI_CONFIG_FILE (a filesystem mirror
# under their own registry host: registry.opentofu.org or registry.terraform.io).
export TERRAFORM_BINARY_NAME="$NSBRIDGE_E2E_ENGINE"
if [ "$NSBRIDGE_E2E_ENGINE" = terraform ]; then
  export TF_CLI_CONFIG_FILE="$NSBRIDGE_TOOLS_DIR/terraformrc"
else
  export TF_CLI_CONFIG_FILE="$NSBRIDGE_TOOLS_DIR/tofurc"
fi
export CHECKPOINT_DISABLE=1
export DISABLE_VERSION_CHECK=true
