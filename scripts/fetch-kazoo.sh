#!/usr/bin/env bash
# Installs Kazoo from PyPI into a virtualenv of the project's, outside the repository, for the
# interop tests' "latest" leg (Debian's python3-kazoo serves the other):
#   scripts/fetch-kazoo.sh [VERSION]
# Virtualenv: ${ZK_COOKBOOK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zk-cookbook}/venv-kazoo-<version>.
# A virtualenv already complete is not touched again: a second run touches no network.
set -euo pipefail

# The newest Kazoo on PyPI.
KAZOO_PINNED=2.11.0

version="${1:-$KAZOO_PINNED}"
cache_root="${ZK_COOKBOOK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zk-cookbook}"
target="$cache_root/venv-kazoo-$version"

die() {
  echo "fetch-kazoo: $*" >&2
  exit 1
}

if [ -f "$target/.complete" ]; then
  echo "fetch-kazoo: kazoo $version cached in $target"
  exit 0
fi

python="$(command -v python3 || true)"
[ -n "$python" ] || die "needs python3 to create a virtualenv: apt-get install python3 python3-venv"

mkdir -p "$cache_root"
# A virtualenv records its own path, so it is built where it stays; the marker says it is whole.
rm -rf "$target"
started=$SECONDS
log="$(mktemp)"
if ! "$python" -m venv "$target" >"$log" 2>&1; then
  rm -rf "$target"
  cat "$log" >&2
  rm -f "$log"
  die "could not create a virtualenv with $python (Debian/Ubuntu: apt-get install python3-venv)"
fi
echo "fetch-kazoo: installing kazoo $version from PyPI into $target"
if ! "$target/bin/python" -m pip install --quiet --disable-pip-version-check "kazoo==$version" >"$log" 2>&1; then
  rm -rf "$target"
  echo "fetch-kazoo: could not install kazoo==$version from PyPI." >&2
  echo "  Is the registry reachable (or an index set in pip's configuration)? pip said:" >&2
  grep -E 'ERROR|Error' "$log" | head -5 | sed 's/^/  /' >&2 || tail -5 "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
installed="$("$target/bin/python" -c 'import kazoo.version; print(kazoo.version.__version__)')"
[ "$installed" = "$version" ] || die "asked for kazoo $version, the virtualenv has $installed"
touch "$target/.complete"
echo "fetch-kazoo: kazoo $version in $target ($(du -sh "$target" | cut -f1), $((SECONDS - started)) s)"
