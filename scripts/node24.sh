# Source this file (`. scripts/node24.sh`) to run the rest of a shell script on Node 24 LTS.
#
# When the machine's node is not 24, it installs the exact version below from the npm registry (the
# binary package node-linux-<arch>, headers included) once into HBNB_NODE24_DIR (default: a cache
# directory outside the repository), puts its bin first on PATH, and points npm_config_nodedir at it
# so that native addons build against Node 24's headers rather than those of the machine's node.
# The machine's npm runs unchanged: it starts with whichever node comes first on PATH.

HBNB_NODE24_VERSION=24.22.3

hbnb_use_node24() {
  local current
  current=$(node --version 2>/dev/null || true)
  if [[ "$current" == v24.* ]]; then
    echo "== node $current (first on PATH)"
    return 0
  fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *)
      echo "== no Node 24 package for $(uname -m): install Node 24 yourself" >&2
      return 1
      ;;
  esac
  local prefix="${HBNB_NODE24_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hbnb/node-v$HBNB_NODE24_VERSION}"
  local package="$prefix/node_modules/node-linux-$arch"
  if [[ "$("$package/bin/node" --version 2>/dev/null)" != "v$HBNB_NODE24_VERSION" ]]; then
    echo "== installing node-linux-$arch@$HBNB_NODE24_VERSION from the npm registry into $prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-$arch@$HBNB_NODE24_VERSION"
  fi
  if [[ "$("$package/bin/node" --version 2>/dev/null)" != "v$HBNB_NODE24_VERSION" ]]; then
    echo "== could not install Node $HBNB_NODE24_VERSION into $prefix" >&2
    return 1
  fi
  export PATH="$package/bin:$PATH"
  export npm_config_nodedir="$package"
  hash -r
  echo "== node $(node --version) from $package (the machine has ${current:-no node})"
}

hbnb_use_node24
