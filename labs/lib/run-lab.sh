# Sourced by labs/<scenario>/run-test.sh: checks prerequisites, builds Herald when dist/ is older
# than src/, runs the lab's TypeScript driver (lab.ts, with npx tsx) and guarantees cleanup.
#
# The driver builds its namespaces with the interop harness, which names them hr<pid>x<n><suffix>
# after the driver's own pid (a prefix no other process uses) and already removes them on a normal
# end, on SIGINT/SIGTERM/SIGHUP and, through a watchdog, when it is killed. The trap here is the
# last line of defence: it stops the driver and removes whatever still carries its prefix
# (processes inside those namespaces, the namespaces, the harness's temp dirs).
#
# usage: run_lab <driver.ts> <daemon kinds: frr bird …>

set -u

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_STATE_FILE=""
LAB_DRIVER_PID=""

lab_fail() {
  echo "FAIL $1: $2"
  exit 1
}

lab_prerequisites() {
  [ "$(id -u)" = 0 ] || lab_fail prerequisites "needs root (network namespaces need CAP_NET_ADMIN)"
  local missing=""
  local bin
  for bin in ip nft node npx sysctl "$@"; do
    case "$bin" in
      frr) for b in /usr/lib/frr/zebra /usr/lib/frr/bgpd /usr/lib/frr/bfdd /usr/bin/vtysh; do
             [ -x "$b" ] || missing="$missing $b"; done ;;
      bird) for b in bird birdc; do command -v "$b" >/dev/null || missing="$missing $b"; done ;;
      *) command -v "$bin" >/dev/null || missing="$missing $bin" ;;
    esac
  done
  [ -z "$missing" ] || lab_fail prerequisites "missing$missing (see scripts/install-test-deps.sh)"
  [ -d "$LAB_ROOT/node_modules" ] || lab_fail prerequisites "no node_modules: run npm install in $LAB_ROOT"
}

# dist/ is stale when any src/*.ts is newer than the compiled CLI (tsc rewrites every output).
lab_build() {
  local stamp="$LAB_ROOT/dist/cli/main.js"
  if [ ! -f "$stamp" ] || [ -n "$(find "$LAB_ROOT/src" -name '*.ts' -newer "$stamp" -print -quit)" ]; then
    echo "# building Herald (dist/ is older than src/)"
    (cd "$LAB_ROOT" && npm run -s build >&2) || lab_fail build "npm run build failed"
  fi
}

lab_cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  local pid=""
  [ -n "$LAB_STATE_FILE" ] && [ -s "$LAB_STATE_FILE" ] && pid=$(head -n1 "$LAB_STATE_FILE")
  # the driver (node) first: its own handlers remove what it made
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  fi
  # npx and the tsx launcher in between
  if [ -n "$LAB_DRIVER_PID" ] && kill -0 "$LAB_DRIVER_PID" 2>/dev/null; then
    pkill -TERM -P "$LAB_DRIVER_PID" 2>/dev/null
    kill -TERM "$LAB_DRIVER_PID" 2>/dev/null
    sleep 0.2
    pkill -KILL -P "$LAB_DRIVER_PID" 2>/dev/null
    kill -KILL "$LAB_DRIVER_PID" 2>/dev/null
  fi
  if [ "${KEEP_NETNS:-}" = 1 ]; then
    echo "# KEEP_NETNS=1: namespaces hr${pid}x* left in place" >&2
  elif [ -n "$pid" ]; then
    local ns
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^hr${pid}x[0-9]+[a-z0-9]*$"); do
      local inside
      inside=$(ip netns pids "$ns" 2>/dev/null)
      # shellcheck disable=SC2086
      [ -n "$inside" ] && kill -KILL $inside 2>/dev/null
      ip netns del "$ns" 2>/dev/null && echo "# removed leftover namespace $ns" >&2
    done
    rm -rf /tmp/herald-interop-hr"${pid}"x* 2>/dev/null
  fi
  [ -n "$LAB_STATE_FILE" ] && rm -f "$LAB_STATE_FILE"
  exit "$rc"
}

run_lab() {
  local driver=$1
  shift
  lab_prerequisites "$@"
  LAB_STATE_FILE=$(mktemp /tmp/herald-lab-XXXXXX.pid)
  export LAB_STATE_FILE
  # Traps before the build: a signal while dist/ is rebuilt ends the lab there (once the build
  # step returns), instead of being ignored.
  trap lab_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  lab_build
  cd "$LAB_ROOT" || exit 1
  npx --no-install tsx "$driver" &
  LAB_DRIVER_PID=$!
  wait "$LAB_DRIVER_PID"
  local rc=$?
  LAB_DRIVER_PID=""
  return "$rc"
}
