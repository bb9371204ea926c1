#!/usr/bin/env bash
# Start QGIS with the plugin installed from the built ZIP into an isolated profile (never the
# user's default one), with QGIS's own contributors.json loaded. Without a display it runs under
# Xvfb, saves a screenshot and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE_DIR=$(realpath -m "${PROFILE_DIR:-build/qgis-profiles}")
PROFILE=planet_bulk_tasking_dev
PROFILE_PATH="$PROFILE_DIR/profiles/$PROFILE"
PLUGINS="$PROFILE_PATH/python/plugins"
SAMPLE=/usr/share/qgis/resources/data/contributors.json
SHOT=${SHOT:-$PWD/build/qgis-screenshot.png}
ZIP=${ZIP:-$(ls -t dist/planet_bulk_tasking-*.zip | head -n 1)}

rm -rf "$PLUGINS/planet_bulk_tasking"
mkdir -p "$PLUGINS" "$PROFILE_PATH/QGIS" "$(dirname "$SHOT")"
/usr/bin/python3 -m zipfile -e "$ZIP" "$PLUGINS"
/usr/bin/python3 scripts/profile_settings.py "$PROFILE_PATH/QGIS/QGIS3.ini"

QGIS_ARGS=(--profiles-path "$PROFILE_DIR" --profile "$PROFILE" --nologo
           --code "$PWD/scripts/qgis_startup.py" "$SAMPLE")
echo "QGIS profile: $PROFILE_PATH (plugin installed from $ZIP)"

if [ -n "${DISPLAY:-}" ] && [ -z "${HEADLESS:-}" ]; then
  exec qgis "${QGIS_ARGS[@]}"
fi

# Headless: a virtual screen, QGIS on it, a screenshot once the plugin's dock is up.
#   PBT_SCENARIO=restart-1: no screenshot; QGIS quits by itself mid-run (exit code checked)
#   PBT_QUIT=1 (default): after the screenshot QGIS is asked to quit, and must exit cleanly
PBT_QUIT=${PBT_QUIT-1}
# Xvfb picks a free display itself (-displayfd): several runs at once (other checkouts, the
# QGIS 3.40 chroot, which shares the host's abstract X sockets) never take the same one.
display_file=$(mktemp /tmp/pbt-display.XXXXXX)
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$display_file" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do [ -s "$display_file" ] && break; sleep 0.1; done
display=:$(head -n 1 "$display_file")
rm -f "$display_file"
[ "$display" != ":" ] || { kill "$xvfb_pid" 2>/dev/null; echo "Xvfb did not start" >&2; exit 1; }
ready=$(mktemp -u /tmp/pbt-ready.XXXXXX)
cleanup() { kill "${qgis_pid:-}" 2>/dev/null || true; kill "$xvfb_pid" 2>/dev/null || true; rm -f "$ready" "$ready.quit"; }
trap cleanup EXIT
sleep 1
LOG=${LOG:-$PWD/build/qgis-run.log}
mkdir -p "$(dirname "$LOG")"
DISPLAY=$display PBT_READY_FILE=$ready QT_QPA_PLATFORM=xcb qgis "${QGIS_ARGS[@]}" >"$LOG" 2>&1 &
qgis_pid=$!

wait_for_exit() {  # $1 = seconds; QGIS's own exit code, or 124 when it did not exit
  for _ in $(seq 1 $(( $1 * 10 ))); do
    kill -0 "$qgis_pid" 2>/dev/null || { wait "$qgis_pid"; return $?; }
    sleep 0.1
  done
  return 124
}

if [ "${PBT_SCENARIO:-}" = "restart-1" ] || [ "${PBT_SCENARIO:-}" = "drip-quit" ]; then
  code=0; wait_for_exit 120 || code=$?
  qgis_pid=
  echo "QGIS exited with code $code at $(date +%s.%N)"
  exit "$code"
fi

for _ in $(seq 1 120); do
  [ -e "$ready" ] && break
  kill -0 "$qgis_pid" 2>/dev/null || { echo "QGIS exited early; see $LOG" >&2; exit 1; }
  sleep 1
done
[ -e "$ready" ] || { echo "QGIS did not show the plugin within 120 s; see $LOG" >&2; exit 1; }
sleep 2  # let the window finish painting
DISPLAY=$display import -window root "$SHOT"
echo "Screenshot: $SHOT"
if [ -n "${PBT_QUIT:-}" ]; then
  touch "$ready.quit"
  code=0; wait_for_exit 60 || code=$?
  qgis_pid=
  echo "QGIS exited with code $code"
  exit "$code"
fi
