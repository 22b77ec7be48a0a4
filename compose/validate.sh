#!/usr/bin/env bash
# Validates every compose file without a Docker engine: `docker-compose config -q` parses, merges and
# checks each combination a user can run (the ensemble, the monitoring profile, each pattern). The
# conventions (pinned tags, healthchecks, depends_on healthy) are checked by compose/compose.unit.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then compose=(docker compose); elif command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose); else
  echo "compose/validate.sh needs docker-compose (apt-get install docker-compose) or the docker compose plugin" >&2
  exit 1
fi
run() {
  echo "compose config: $*"
  "${compose[@]}" "$@" config -q
}
run -f compose/zookeeper.yml
run -f compose/zookeeper.yml --profile monitoring
run -f compose/zookeeper.yml -f compose/pattern.example.yml
for file in examples/*/compose.yml; do
  [ -e "$file" ] || continue
  run -f compose/zookeeper.yml -f "$file"
done
echo "all compose files valid"
