#!/usr/bin/env bash
# Makes sure python3 with PyYAML is available for scripts/check-deploy.py (Debian: python3-yaml).
set -euo pipefail
if python3 -c 'import yaml' 2>/dev/null; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "error: the deploy checks need python3 with PyYAML; install python3-yaml (apt-get install python3-yaml) or run make as root" >&2
    exit 1
fi
echo "python3 with PyYAML not found; installing python3-yaml"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-yaml >/dev/null
python3 -c 'import yaml'
