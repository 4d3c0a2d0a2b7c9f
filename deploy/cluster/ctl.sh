#!/usr/bin/env bash
# Stop, crash or start one part of a running cluster, for drills by hand or by tests/cluster:
#
#   bash deploy/cluster/ctl.sh stop replica     # pg_ctl stop -m fast (likewise primary)
#   bash deploy/cluster/ctl.sh kill app1        # SIGKILL the gunicorn master and its workers
#   bash deploy/cluster/ctl.sh stop app1        # quick shutdown (SIGQUIT)
#   bash deploy/cluster/ctl.sh start app1       # likewise replica, primary, app2, nginx
#   bash deploy/cluster/ctl.sh status
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ ! -f "$CLUSTER_DIR/cluster.env" ]; then
  log "no cluster at $CLUSTER_DIR (bash deploy/cluster/up.sh)"
  exit 2
fi
load_state

running() { if "$@" >/dev/null 2>&1; then echo up; else echo down; fi; }

case "${1:-status} ${2:-}" in
  "stop primary" | "stop replica") pg_stop "$2" ;;
  "start primary" | "start replica") pg_start "$2" ;;
  "stop app1" | "stop app2") app_stop "${2#app}" ;;
  "kill app1" | "kill app2") app_stop "${2#app}" kill ;;
  "start app1" | "start app2") app_start "${2#app}" ;;
  "stop nginx") nginx_stop ;;
  "start nginx") nginx_start ;;
  "status "*)
    echo "nginx    $ADDRESS $(running curl -sf -o /dev/null "$ADDRESS")"
    echo "app1     :$APP1_PORT $(running curl -sf -o /dev/null "http://127.0.0.1:$APP1_PORT/")"
    echo "app2     :$APP2_PORT $(running curl -sf -o /dev/null "http://127.0.0.1:$APP2_PORT/")"
    echo "primary  :$PRIMARY_PORT $(running "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PRIMARY_PORT")"
    echo "replica  :$REPLICA_PORT $(running "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$REPLICA_PORT")"
    ;;
  *)
    echo "usage: ctl.sh {start|stop} {primary|replica|app1|app2|nginx} | kill {app1|app2} | status" >&2
    exit 2
    ;;
esac
