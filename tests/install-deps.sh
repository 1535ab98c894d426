#!/bin/sh
# Installs the Debian packages snnc needs to build and test, if any is
# missing (run as root on Debian 12 or later).
set -e
PKGS="gcc clang libclang-rt-dev flex bison libtcc-dev check meson ninja-build pkg-config librandom123-dev libcairo2-dev nettle-dev valgrind groff-base python3-numpy tcc python3-pytest python3-venv python3-setuptools libopenmpi-dev openmpi-bin"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
fi
