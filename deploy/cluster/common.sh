# Shared by up.sh, down.sh and ctl.sh (sourced, not run): where the cluster lives and how each
# part starts and stops. Every process is found again through a pid file in $CLUSTER_DIR.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/cluster"
CLUSTER_DIR="${CLUSTER_DIR:-${TMPDIR:-/tmp}/sanctuary-cluster}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
VENV_BIN="$(dirname "$PYTHON")"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
# The machine's Redis, on a database number of the cluster's own (down.sh empties the cluster's keys).
CLUSTER_REDIS_URL="${CLUSTER_REDIS_URL:-redis://127.0.0.1:6379/14}"
MARKER="$CLUSTER_DIR/.sanctuary-cluster"

log() { printf '[cluster %3ds] %s\n' "$SECONDS" "$*" >&2; }

# initdb refuses to run as root: as root, PostgreSQL runs as the postgres user and nginx as
# www-data; as anyone else, everything runs as that user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_nginx() { if [ "$(id -u)" = 0 ]; then runuser -u www-data -- "$@"; else "$@"; fi; }
owned_by() { # owned_by postgres|www-data DIR...: hand folders to the user a part runs as
  local user="$1"; shift
  if [ "$(id -u)" = 0 ]; then chown -R "$user:" "$@"; fi
}

load_state() {
  if [ -f "$CLUSTER_DIR/cluster.env" ]; then
    # shellcheck disable=SC1091
    . "$CLUSTER_DIR/cluster.env"
  fi
}

psql_at() { # psql_at PORT DATABASE SQL: the answer, unadorned
  "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d "$2" -Atqc "$3"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

wait_http() { # wait_http URL SECONDS: until the address answers 200
  local url="$1" deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url")" = 200 ]; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# -- PostgreSQL --------------------------------------------------------------------------------

pg_data() { echo "$CLUSTER_DIR/pg/$1"; }

pg_start() { # pg_start primary|replica (from the cluster folder, which postgres can enter)
  (cd "$CLUSTER_DIR" && as_postgres "$PGBIN/pg_ctl" -D "$(pg_data "$1")" \
    -l "$CLUSTER_DIR/pg/$1.log" -w -t 30 start >/dev/null)
}

pg_stop() { # pg_stop primary|replica: fast shutdown; a cluster already stopped is fine
  local data
  data="$(pg_data "$1")"
  [ -f "$data/postmaster.pid" ] || return 0
  (cd "$CLUSTER_DIR" && as_postgres "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 30 stop) \
    >/dev/null 2>&1 && return 0
  local pid
  pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null)"
  if pid_alive "$pid"; then kill -KILL "$pid"; fi
}

# -- gunicorn ----------------------------------------------------------------------------------

app_env() { # the environment both app servers and every manage.py command get
  export DATABASE_URL REPLICA_DATABASE_URL REDIS_URL SECRET_KEY
  export DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost STATIC_ROOT="$CLUSTER_DIR/static"
  # nginx replaces X-Forwarded-For with the address it saw; the app trusts that one entry.
  export PROXY_COUNT=1
  # The drill and the benchmark come from one address, which the per-address limits would stop.
  export RATE_LIMITS="${CLUSTER_RATE_LIMITS:-false}"
  export GUNICORN_WORKERS="${CLUSTER_WORKERS:-2}"
}

app_start() { # app_start 1|2
  local port_var="APP$1_PORT"
  (
    app_env
    cd "$ROOT"
    "$VENV_BIN/gunicorn" --config gunicorn.conf.py --bind "127.0.0.1:${!port_var}" \
      --daemon --pid "$CLUSTER_DIR/run/app$1.pid" --name "sanctuary-app$1" \
      --control-socket "$CLUSTER_DIR/run/app$1.ctl" --capture-output \
      --error-logfile "$CLUSTER_DIR/log/app$1.log" \
      --access-logfile "$CLUSTER_DIR/log/app$1-access.log"
  )
  if ! wait_http "http://127.0.0.1:${!port_var}/" 60; then
    log "app server $1 did not answer; the end of $CLUSTER_DIR/log/app$1.log:"
    tail -n 20 "$CLUSTER_DIR/log/app$1.log" >&2
    return 1
  fi
}

app_workers() { # app_workers MASTER_PID: its workers' pids
  pgrep -P "$1" || true
}

app_stop() { # app_stop 1|2 [kill]: a quick shutdown (QUIT), or a crash (KILL, mid-request)
  local pidfile="$CLUSTER_DIR/run/app$1.pid" master workers pid
  master="$(cat "$pidfile" 2>/dev/null)"
  if ! pid_alive "$master"; then rm -f "$pidfile"; return 0; fi
  workers="$(app_workers "$master")"
  if [ "${2:-}" = kill ]; then
    kill -KILL "$master" $workers 2>/dev/null
  else
    kill -QUIT "$master"
  fi
  # The workers leave at once; gunicorn's master lingers for seconds after them, to no purpose.
  local deadline=$((SECONDS + 3))
  for pid in $master $workers; do
    while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
  done
  for pid in $master $workers; do
    if pid_alive "$pid"; then kill -KILL "$pid"; fi
  done
  rm -f "$pidfile" "$CLUSTER_DIR/run/app$1.ctl"
}

# -- nginx -------------------------------------------------------------------------------------

nginx_start() {
  as_nginx "$NGINX" -p "$CLUSTER_DIR/nginx/" -c "$CLUSTER_DIR/nginx/nginx.conf" \
    -e "$CLUSTER_DIR/nginx/logs/error.log"
}

nginx_stop() {
  local pid
  pid="$(cat "$CLUSTER_DIR/nginx/nginx.pid" 2>/dev/null)"
  pid_alive "$pid" || return 0
  kill -TERM "$pid"
  local deadline=$((SECONDS + 10))
  while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
  if pid_alive "$pid"; then kill -KILL "$pid"; fi
}

# -- Redis -------------------------------------------------------------------------------------

redis_forget() { # remove the cluster's cache keys (the app's KEY_PREFIX is "tracker")
  local url="${REDIS_URL:-$CLUSTER_REDIS_URL}"
  redis-cli -u "$url" --scan --pattern 'tracker:*' 2>/dev/null |
    xargs -r -n 500 redis-cli -u "$url" del >/dev/null 2>&1 || true
}
