#!/usr/bin/env bash
# `npm run test:stress`: `npm test` with two CPU burners keeping both cores busy while jest runs, as on a
# loaded CI machine, where races between a pool and its workers show up. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
burners=()
stop_burners() {
  if ((${#burners[@]})); then kill "${burners[@]}" 2>/dev/null || true; fi
}
trap stop_burners EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Build, type-check and lint first, unloaded; only the suite runs under load.
npm run pretest
for _ in 1 2; do
  node -e 'for (;;);' &
  burners+=("$!")
done
# --ignore-scripts: pretest has run already.
npm test --ignore-scripts -- "$@"
