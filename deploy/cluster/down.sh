#!/usr/bin/env bash
# Stop everything deploy/cluster/up.sh started in $CLUSTER_DIR (nginx, both app servers, the
# replica, the primary), forget the cluster's keys in Redis, and delete the folder. Safe to run
# on a cluster that is partly up, partly stopped, or already gone.
set -uo pipefail
. "$(dirname "$0")/common.sh"

if [ ! -e "$CLUSTER_DIR" ]; then
  log "no cluster at $CLUSTER_DIR"
  exit 0
fi
if [ -z "$(ls -A "$CLUSTER_DIR")" ]; then
  rmdir "$CLUSTER_DIR" # made for a cluster that never started
  exit 0
fi
if [ ! -f "$MARKER" ]; then
  log "$CLUSTER_DIR was not made by up.sh; leaving it alone"
  exit 1
fi
load_state
nginx_stop
log "nginx stopped"
app_stop 1 &
app_stop 2
wait
log "app servers stopped"
pg_stop replica &
pg_stop primary
wait
log "PostgreSQL stopped"
redis_forget
rm -rf "$CLUSTER_DIR"
log "removed $CLUSTER_DIR"
