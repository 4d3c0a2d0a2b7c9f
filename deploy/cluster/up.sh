#!/usr/bin/env bash
# The tracker grown past one machine, on this one: a PostgreSQL primary and a streaming read
# replica (pg_basebackup -R), migrated and seeded; two gunicorn app servers sharing the machine's
# Redis; nginx balancing between them. Everything lives in $CLUSTER_DIR (default
# ${TMPDIR:-/tmp}/sanctuary-cluster) and deploy/cluster/down.sh removes it all.
#
#   bash deploy/cluster/up.sh          # prints the address
#   bash deploy/cluster/ctl.sh status  # what runs where; ctl.sh stops and starts single parts
#   bash deploy/cluster/down.sh
#
# Needs PostgreSQL 15's binaries ($PGBIN), nginx, curl, a Redis at $CLUSTER_REDIS_URL and the
# project's virtualenv ($PYTHON). As root, PostgreSQL runs as postgres and nginx as www-data.
set -euo pipefail
. "$(dirname "$0")/common.sh"

for tool in "$PGBIN/initdb" "$PGBIN/pg_basebackup" "$NGINX" "$VENV_BIN/gunicorn" curl redis-cli; do
  if ! command -v "$tool" >/dev/null; then
    log "missing $tool (PostgreSQL 15 server binaries, apt-get install -y nginx, make install)"
    exit 2
  fi
done
if ! redis-cli -u "$CLUSTER_REDIS_URL" ping >/dev/null 2>&1; then
  log "no Redis answers at $CLUSTER_REDIS_URL (redis-server deploy/redis.conf --daemonize yes)"
  exit 2
fi
if [ -e "$CLUSTER_DIR" ] && [ -n "$(ls -A "$CLUSTER_DIR")" ]; then
  log "$CLUSTER_DIR is in use; stop that cluster first: CLUSTER_DIR=$CLUSTER_DIR bash $HERE/down.sh"
  exit 2
fi

started=$SECONDS
mkdir -p "$CLUSTER_DIR"
touch "$MARKER"
# Let postgres and www-data reach their folders inside (mktemp makes it private).
chmod 755 "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"/{pg,run,log,static} "$CLUSTER_DIR"/nginx/{logs,tmp}
chmod 700 "$CLUSTER_DIR/run"
up=0
stop_if_failed() {
  if [ "$up" != 1 ]; then
    log "start-up failed; stopping what did start"
    bash "$HERE/down.sh" >&2 || true
  fi
}
trap stop_if_failed EXIT

# Five free loopback ports, chosen at once so that no two are the same.
read -r PRIMARY_PORT REPLICA_PORT APP1_PORT APP2_PORT NGINX_PORT < <("$PYTHON" - <<'EOF'
import socket
sockets = [socket.socket() for _ in range(5)]
for sock in sockets:
    sock.bind(("127.0.0.1", 0))
print(*(sock.getsockname()[1] for sock in sockets))
EOF
)
DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/tracker"
REPLICA_DATABASE_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/tracker"
REDIS_URL="$CLUSTER_REDIS_URL"
SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')"
ADDRESS="http://127.0.0.1:$NGINX_PORT/"
# What ctl.sh, down.sh and the drill (tests/cluster) read back; KEY=value, nothing to quote.
cat >"$CLUSTER_DIR/cluster.env" <<EOF
CLUSTER_DIR=$CLUSTER_DIR
PRIMARY_PORT=$PRIMARY_PORT
REPLICA_PORT=$REPLICA_PORT
APP1_PORT=$APP1_PORT
APP2_PORT=$APP2_PORT
NGINX_PORT=$NGINX_PORT
DATABASE_URL=$DATABASE_URL
REPLICA_DATABASE_URL=$REPLICA_DATABASE_URL
REDIS_URL=$REDIS_URL
SECRET_KEY=$SECRET_KEY
ADDRESS=$ADDRESS
EOF
chmod 600 "$CLUSTER_DIR/cluster.env"
redis_forget

log "PostgreSQL primary on port $PRIMARY_PORT"
cp "$HERE/postgresql.conf" "$CLUSTER_DIR/pg/cluster.conf"
owned_by postgres "$CLUSTER_DIR/pg"
primary="$(pg_data primary)"
(cd "$CLUSTER_DIR" && as_postgres "$PGBIN/initdb" -D "$primary" -U postgres --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/log/initdb.log")
cp "$HERE/pg_hba.conf" "$primary/pg_hba.conf"
cat >>"$primary/postgresql.conf" <<EOF

include '$CLUSTER_DIR/pg/cluster.conf'
port = $PRIMARY_PORT
unix_socket_directories = '$CLUSTER_DIR/pg'
EOF
owned_by postgres "$primary"
pg_start primary
psql_at "$PRIMARY_PORT" postgres "CREATE DATABASE tracker"

log "PostgreSQL replica on port $REPLICA_PORT (pg_basebackup -R, streaming)"
replica="$(pg_data replica)"
(cd "$CLUSTER_DIR" && as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" \
  -U postgres -D "$replica" -R -X stream -c fast)
# The copied postgresql.conf names the primary's port; the last setting wins.
echo "port = $REPLICA_PORT" >>"$replica/postgresql.conf"
owned_by postgres "$replica"
pg_start replica

log "migrating and seeding the primary (the replica follows) and collecting static files"
manage() { # manage LOGNAME ARGS...: a manage.py command in the app servers' environment
  local name="$1"
  shift
  (app_env && cd "$ROOT" && LOG_LEVEL=WARNING "$PYTHON" manage.py "$@" \
    >"$CLUSTER_DIR/log/$name.log" 2>&1) || {
    log "manage.py $* failed; the end of $CLUSTER_DIR/log/$name.log:"
    tail -n 20 "$CLUSTER_DIR/log/$name.log" >&2
    return 1
  }
}
manage collectstatic collectstatic --no-input &
static=$!
manage migrate migrate --no-input
log "seeding"
manage seed load_seed
wait "$static"
position="$(psql_at "$PRIMARY_PORT" tracker "SELECT pg_current_wal_lsn()")"
deadline=$((SECONDS + 30))
until [ "$(psql_at "$REPLICA_PORT" tracker \
  "SELECT pg_last_wal_replay_lsn() >= '$position'::pg_lsn")" = t ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "the replica did not catch up; see $CLUSTER_DIR/pg/replica.log"
    false
  fi
  sleep 0.1
done

log "app servers on ports $APP1_PORT and $APP2_PORT"
app_start 1 &
first=$!
app_start 2
wait "$first"

log "nginx on port $NGINX_PORT"
sed -e "s|@PREFIX@|$CLUSTER_DIR/nginx|g" -e "s|@APP1_PORT@|$APP1_PORT|g" \
  -e "s|@APP2_PORT@|$APP2_PORT|g" -e "s|@NGINX_PORT@|$NGINX_PORT|g" \
  "$HERE/nginx.conf" >"$CLUSTER_DIR/nginx/nginx.conf"
owned_by www-data "$CLUSTER_DIR/nginx"
nginx_start
wait_http "$ADDRESS" 20

up=1
log "up in $((SECONDS - started)) s; stop it with: CLUSTER_DIR=$CLUSTER_DIR bash $HERE/down.sh"
echo "Sanctuary Tracker cluster at $ADDRESS"
echo "  app servers http://127.0.0.1:$APP1_PORT/ and http://127.0.0.1:$APP2_PORT/"
echo "  PostgreSQL primary 127.0.0.1:$PRIMARY_PORT, replica 127.0.0.1:$REPLICA_PORT; Redis $REDIS_URL"
echo "  state and logs in $CLUSTER_DIR"
