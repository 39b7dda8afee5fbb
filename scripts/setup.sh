#!/usr/bin/env bash
# Sets up Skiff from a checkout on Debian 12, as root:
#   scripts/setup.sh          what `skiff server` needs: Node.js deps, the build, `skiff` on PATH
#   scripts/setup.sh --test   also the real clients and peers the tests drive (skopeo, podman, dockerd, ...)
#   scripts/setup.sh --bench  also the peers of the benchmarks (CNCF distribution registry, hey)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_test=1; want_bench=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (use --test or --bench)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

# The engine runs containers with runc under conmon, networks them with the standard CNI
# plugins and iptables, and reads overlayfs xattrs with getfattr (attr).
packages=(ca-certificates curl python3 make g++ runc conmon containernetworking-plugins iptables iproute2 attr procps)
[ "$want_test" = 1 ] && packages+=(skopeo podman busybox-static docker.io etcd-server)
[ "$want_bench" = 1 ] && packages+=(docker-registry hey wrk)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then echo "setup.sh: run as root to install packages" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The Debian package starts its own registry on :5000, the port Skiff uses; the benchmarks
# start their own instance instead.
if [ "$want_bench" = 1 ] && command -v systemctl >/dev/null && systemctl is-active -q docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry
fi
# Likewise etcd-server starts a member on :2379; the tests start their own on free ports.
if [ "$want_test" = 1 ] && command -v systemctl >/dev/null && systemctl is-active -q etcd 2>/dev/null; then
  systemctl disable --now etcd
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup.sh: Skiff needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "          Install it (e.g. from https://deb.nodesource.com) and run this again." >&2
  exit 1
fi

step "installing Node.js dependencies and building (npm ci)"
npm ci --no-audit --no-fund

step "putting skiff on PATH (npm link)"
npm link --ignore-scripts --no-audit --no-fund >/dev/null
echo "skiff $(skiff --version) is ready: try 'skiff --help'"
