#!/usr/bin/env bash
# Run `make test` against another Debian's QGIS, in a chroot made with debootstrap (as root).
#   scripts/test_in_chroot.sh [trixie|sid] [make target...]
#     trixie (default): Debian 13, QGIS 3.40 LTR;  sid: Debian unstable, QGIS 3.44 (optional)
# The system is built once under build/chroot-<suite> and reused (override with TRIXIE_ROOT or
# SID_ROOT, e.g. /var/cache/pbt-trixie, so CI or a lead can share one). The checkout is
# bind-mounted at /src; the venv inside is build/venv-<suite>, never the host's .venv.
# Everything mounted is unmounted on exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD

SUITE=${1:-trixie}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(test)
case "$SUITE" in
  trixie) ROOT=${TRIXIE_ROOT:-$SRC/build/chroot-trixie} ;;
  sid)    ROOT=${SID_ROOT:-$SRC/build/chroot-sid} ;;
  *) echo "unknown suite: $SUITE (trixie or sid)" >&2; exit 2 ;;
esac
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the chroot needs besides what `make test` itself installs (scripts/install_deps.sh):
# make to run it, CA certificates for pip behind a TLS-inspecting proxy.
BASE_PACKAGES=(make ca-certificates python3-venv python3-pip qgis python3-qgis qgis-providers)

if [ "$(id -u)" -ne 0 ]; then
  echo "$0 needs root (debootstrap, chroot, mount)" >&2
  exit 1
fi

MOUNTS=()
unmount_all() {
  local i
  for (( i=${#MOUNTS[@]}-1; i>=0; i-- )); do
    umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  MOUNTS=()
}
trap unmount_all EXIT
trap 'exit 130' INT TERM

mount_bind() {  # $1 source, $2 target inside ROOT; a mount left there by a killed run goes first
  mkdir -p "$ROOT$2"
  while mountpoint -q "$ROOT$2"; do umount -l "$ROOT$2"; done
  mount --bind "$1" "$ROOT$2"
  MOUNTS+=("$ROOT$2")
}

in_root() { chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive PIP_CERT=/usr/local/share/pbt-host-ca/ca-certificates.crt "$@"; }

set_up_mounts() {
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  # pip's downloads go through a TLS proxy that the host's CA bundle trusts
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$ROOT/usr/local/share/pbt-host-ca"
    cp /etc/ssl/certs/ca-certificates.crt "$ROOT/usr/local/share/pbt-host-ca/ca-certificates.crt"
  fi
  mkdir -p "$ROOT/proc"
  while mountpoint -q "$ROOT/proc"; do umount -l "$ROOT/proc"; done
  mount -t proc proc "$ROOT/proc"
  MOUNTS+=("$ROOT/proc")
  mount_bind /dev /dev
  mount_bind /dev/pts /dev/pts
  mount_bind /dev/shm /dev/shm
  mount_bind "$SRC" /src
}

# One run at a time per system (a shared TRIXIE_ROOT): /src must be this checkout, and the
# other run's exit must not unmount it under us.
mkdir -p "$(dirname "$ROOT")"
exec 9>"$ROOT.lock"
flock 9

mounts_under_root() { awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r; }
# A run killed with SIGKILL leaves its mounts: take them down before anything touches ROOT
# (above all before an `rm -rf` that would otherwise walk into /dev and this checkout).
for stale in $(mounts_under_root); do umount -l "$stale" || true; done
if [ -n "$(mounts_under_root)" ]; then
  echo "still mounted under $ROOT: $(mounts_under_root | tr '\n' ' ')" >&2
  exit 1
fi

t0=$(date +%s)
if [ ! -e "$ROOT/.pbt-ready" ]; then
  command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; }
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    echo "== debootstrap $SUITE into $ROOT"
    rm -rf "$ROOT"
    mkdir -p "$(dirname "$ROOT")"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
      || { tail -n 30 "$ROOT.debootstrap.log" >&2; exit 1; }
  fi
  set_up_mounts
  if [ "$SUITE" = sid ]; then
    # the mirror reached here can serve an unstable Release file past its Valid-Until date;
    # a throwaway test system accepts it (trixie's is checked as usual)
    echo 'Acquire::Check-Valid-Until "false";' >"$ROOT/etc/apt/apt.conf.d/99pbt-valid-until"
  fi
  echo "== installing QGIS and the test tools in $SUITE (log: $ROOT.apt.log)"
  { in_root apt-get update -q &&
    in_root apt-get install -y -q --no-install-recommends "${BASE_PACKAGES[@]}" &&
    in_root bash -c 'cd /src && bash scripts/install_deps.sh'
  } >"$ROOT.apt.log" 2>&1 || { tail -n 30 "$ROOT.apt.log" >&2; exit 1; }
  touch "$ROOT/.pbt-ready"
  echo "== $SUITE system ready in $(( $(date +%s) - t0 )) s"
else
  set_up_mounts
fi

qgis_version=$(in_root /usr/bin/python3 -c 'from qgis.core import Qgis; print(Qgis.version())' 2>/dev/null || echo "?")
echo "== make ${TARGETS[*]} on QGIS $qgis_version (Debian $SUITE, chroot $ROOT)"
t1=$(date +%s)
code=0
in_root bash -c "cd /src && make ${TARGETS[*]} VENV=build/venv-$SUITE PYTEST_ARGS='${PYTEST_ARGS:-}'" \
  || code=$?
echo "== make ${TARGETS[*]} on QGIS $qgis_version: exit $code in $(( $(date +%s) - t1 )) s"
exit "$code"
