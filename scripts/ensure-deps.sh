#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks for one purpose, then the npm packages.
#   scripts/ensure-deps.sh demo   Java + ZooKeeper (skipped when ZK_CONNECT names an existing ensemble)
#   scripts/ensure-deps.sh test   everything the test suite uses: JDK, ZooKeeper, Curator, Kazoo,
#                                 Chromium (dashboard end-to-end test), Docker Compose (compose file
#                                 checks), Maven and python3-venv, then the version matrix's newer
#                                 ZooKeeper and Curator and a Kafka 3.9 broker (Maven Central) and
#                                 Kazoo (PyPI), fetched once into a cache outside the repository
#                                 (scripts/fetch-maven.sh, scripts/fetch-kazoo.sh)
#   scripts/ensure-deps.sh bench  JDK, ZooKeeper, Curator
# System packages come from apt-get (as root, or through passwordless sudo). Where that is not possible
# it prints exactly what to install and exits non-zero. Every check is cheap, and the fetches touch the
# network only the first time, so it runs before each demo, test and bench command.
set -euo pipefail
purpose="${1:-demo}"
cd "$(dirname "$0")/.."

missing=()
need() { missing+=("$@"); }
have_jar() { [ -f "/usr/share/java/$1" ]; }

want_zookeeper=yes
if [ "$purpose" = demo ] && [ -n "${ZK_CONNECT:-}" ]; then want_zookeeper=no; fi

if [ "$want_zookeeper" = yes ]; then
  command -v java >/dev/null 2>&1 || need default-jre-headless
  # A release named by ZOOKEEPER_HOME brings its own logging binding; Debian's jar needs slf4j-simple.
  if [ -z "${ZOOKEEPER_HOME:-}" ]; then
    have_jar zookeeper.jar || need zookeeper
    have_jar slf4j-simple.jar || need libslf4j-java
  fi
fi
case "$purpose" in
  test|bench)
    command -v javac >/dev/null 2>&1 || need default-jdk-headless
    for pkg in recipes framework client discovery; do
      have_jar "curator-${pkg/discovery/x-discovery}.jar" || need "libcurator-${pkg}-java"
    done
    have_jar slf4j-nop.jar || need libslf4j-java
    ;;
esac
if [ "$purpose" = test ]; then
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import kazoo' >/dev/null 2>&1 || need python3 python3-kazoo
  # The dashboard test runs the browser CHROMIUM_PATH names, else Debian's.
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need chromium
  # compose/validate.sh takes the Compose V2 plugin (docker compose) first, else docker-compose.
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || need docker-compose
  # The version matrix: Maven fetches the newer ZooKeeper and Curator (and the Kafka broker the kafka
  # tests run), a virtualenv holds the newer Kazoo.
  command -v mvn >/dev/null 2>&1 || need maven
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need python3-venv
fi

if [ ${#missing[@]} -gt 0 ]; then
  # shellcheck disable=SC2207
  packages=($(printf '%s\n' "${missing[@]}" | sort -u))
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "zk-cookbook needs: ${packages[*]} (Debian/Ubuntu package names)." >&2
    echo "Install the equivalents for your system, or set ZK_CONNECT=host:port to use an existing ZooKeeper for the demo." >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif sudo -n true >/dev/null 2>&1; then sudo=(sudo); else
    echo "zk-cookbook needs these system packages: ${packages[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    echo "(or, for the demo, set ZK_CONNECT=host:port to use an existing ZooKeeper)" >&2
    exit 1
  fi
  echo "Installing system packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

if [ "$purpose" = test ]; then
  bash scripts/fetch-maven.sh
  bash scripts/fetch-kazoo.sh
fi

# npm packages: install when missing or when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
