#!/usr/bin/env bash
# Makes sure librdkafka >= 2.8.0 is installed where pkg-config and the dynamic linker find it.
# Debian 12 ships 2.0.2, which is too old; this builds 2.8.0 from Debian 13's source package,
# fetched through apt from the Debian mirror this machine is already configured to use.
set -euo pipefail

REQUIRED=2.8.0
PREFIX=${LIBRDKAFKA_PREFIX:-/usr/local}
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

if pkg-config --atleast-version="$REQUIRED" rdkafka 2>/dev/null; then
    exit 0
fi

echo "librdkafka >= $REQUIRED not found (have: $(pkg-config --modversion rdkafka 2>/dev/null || echo none)); building it from Debian 13's source package"
if [ "$(id -u)" -ne 0 ]; then
    echo "error: installing librdkafka needs root (apt-get and 'make install' into $PREFIX); run 'make' as root or install librdkafka >= $REQUIRED yourself" >&2
    exit 1
fi

# Reuse the mirror this machine already uses for Debian packages.
MIRROR=$(grep -hoE '^URIs:[[:space:]]*\S+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}' || true)
if [ -z "$MIRROR" ]; then
    MIRROR=$(grep -hoE '^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?\S+/debian/?[[:space:]]' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $NF}' || true)
fi
if [ -z "$MIRROR" ]; then
    echo "error: could not find the configured Debian mirror in /etc/apt/sources.list(.d); install librdkafka >= $REQUIRED yourself" >&2
    exit 1
fi

SRC_LIST=/etc/apt/sources.list.d/campaign-worker-trixie-src.sources
cat > "$SRC_LIST" <<SOURCES
Types: deb-src
URIs: $MIRROR
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    dpkg-dev build-essential pkg-config python3 \
    libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev >/dev/null

WORK=$(mktemp -d)
chmod 755 "$WORK"   # apt downloads as the _apt user
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
apt-get source --download-only -qq "librdkafka=2.8.0*" 2>/dev/null || apt-get source --download-only -qq librdkafka
dpkg-source --no-check -x ./librdkafka_*.dsc src >/dev/null
cd src
./configure --prefix="$PREFIX" --disable-curl --disable-gssapi >/dev/null
make -j"$(nproc)" libs >/dev/null
make install-subdirs >/dev/null 2>&1 || make -C src install >/dev/null
ldconfig

# Leave apt as it was: the source list was only needed for the download.
rm -f "$SRC_LIST"
apt-get update -qq || true

echo "installed librdkafka $(pkg-config --modversion rdkafka) into $PREFIX"
