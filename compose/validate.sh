#!/usr/bin/env bash
# Validates every compose combination without a Docker engine, through the package: the ensemble, the
# monitoring profile, the pattern template and each examples/*/compose.yml, resolved by compose
# (`config`: the Compose V2 plugin, else docker-compose) with the layering checked. CI runs this.
# The conventions (pinned tags, healthchecks, depends_on healthy) are checked by compose/compose.unit.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node shared/bin/zk-cookbook.js compose validate
