#!/usr/bin/env bash
# The production topology on one machine, from Debian's packages and this repo: NGINX with a
# locally generated CA and certificate in front of two `hbnb serve` processes, `hbnb worker`,
# `hbnb beat`, the machine's MariaDB (127.0.0.1:3306, database hbnb_stack), a Redis of its own and
# the machine's RabbitMQ (vhost hbnb_stack). See docs/operations.md, "A production stack on one machine".
#
#   scripts/stack.sh up       start what is not running (fine to run again)
#   scripts/stack.sh status   what runs, and whether it answers
#   scripts/stack.sh down     stop what `up` started (by the PIDs it wrote), nothing else
#
# Settings (environment): HBNB_STACK_DIR (state, logs, PID files; default .stack in the repo),
# HBNB_STACK_HTTPS_PORT (8443), HBNB_STACK_HTTP_PORT (8080), HBNB_STACK_API_PORTS ("3101 3102"),
# HBNB_STACK_REDIS_PORT (6391), HBNB_STACK_WORKERS (API workers per `hbnb serve`, 1),
# HBNB_STACK_MYSQL (mysql://root@127.0.0.1:3306), HBNB_STACK_DATABASE (hbnb_stack),
# HBNB_STACK_API_RATE and HBNB_STACK_AUTH_RATE (NGINX's per-address limits, 50r/s and 10r/m; a load
# test from one address raises them).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${HBNB_STACK_DIR:-$REPO/.stack}
HTTPS_PORT=${HBNB_STACK_HTTPS_PORT:-8443}
HTTP_PORT=${HBNB_STACK_HTTP_PORT:-8080}
read -r -a API_PORTS <<<"${HBNB_STACK_API_PORTS:-3101 3102}"
REDIS_PORT=${HBNB_STACK_REDIS_PORT:-6391}
WORKERS=${HBNB_STACK_WORKERS:-1}
MYSQL=${HBNB_STACK_MYSQL:-mysql://root@127.0.0.1:3306}
DATABASE=${HBNB_STACK_DATABASE:-hbnb_stack}
API_RATE=${HBNB_STACK_API_RATE:-50r/s}
AUTH_RATE=${HBNB_STACK_AUTH_RATE:-10r/m}
VHOST=hbnb_stack
HBNB=("$(command -v node)" "$REPO/server/bin/hbnb.js")
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

say() { echo "== $*"; }

# Whether the process of PID file $1 runs.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to $2 seconds for command $1... to succeed.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq 1 "$((seconds * 2))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# The apps' settings: the stack's, its secrets, then the operator's own (.stack/local.env, if any).
load_env() {
  set -a
  . "$DIR/hbnb.env"
  . "$DIR/secrets.env"
  if [ -f "$DIR/local.env" ]; then . "$DIR/local.env"; fi
  set +a
}

# Starts `hbnb $2...` as role $1 in the background, with the stack's settings plus extra ones
# (NAME=value words before `--`), unless it already runs.
start_hbnb() {
  local role=$1
  shift
  local extra=()
  while [ "$1" != "--" ]; do
    extra+=("$1")
    shift
  done
  shift
  if alive "$DIR/$role.pid"; then
    say "$role runs (pid $(cat "$DIR/$role.pid"))"
    return
  fi
  (
    load_env
    exec env "${extra[@]}" setsid "${HBNB[@]}" "$@" >>"$DIR/logs/$role.log" 2>&1 </dev/null
  ) &
  echo $! >"$DIR/$role.pid"
  say "$role started (pid $!, log $DIR/logs/$role.log)"
}

certificates() {
  local tls=$DIR/tls
  [ -s "$tls/server.pem" ] && return
  say "a local CA and a certificate for localhost and 127.0.0.1 (in $tls)"
  mkdir -p "$tls"
  chmod 700 "$tls"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  (
    cd "$tls"
    openssl req -x509 "${ec[@]}" -days 825 -subj "/CN=HBNB local stack CA" -keyout ca.key -out ca.pem 2>/dev/null
    openssl req "${ec[@]}" -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
    echo "subjectAltName=DNS:localhost,IP:127.0.0.1" >san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
      -extfile san.ext -out server.pem 2>/dev/null
    chmod 644 ca.pem server.pem
  )
}

settings() {
  [ -s "$DIR/secrets.env" ] || {
    say "new secrets in $DIR/secrets.env (mode 600; the admin password is there)"
    (
      umask 077
      printf 'HBNB_JWT_SECRET=%s\nHBNB_ADMIN_PASSWORD=%s\n' \
        "$(openssl rand -base64 48 | tr -d '\n')" "$(openssl rand -base64 24 | tr -d '\n/+=')" >"$DIR/secrets.env"
    )
  }
  cat >"$DIR/hbnb.env" <<EOF
HBNB_ENV=production
HBNB_HOST=127.0.0.1
HBNB_DATA_DIR=$DIR/data
HBNB_DATABASE_URL=$MYSQL/$DATABASE
HBNB_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
HBNB_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/$VHOST
HBNB_TRUST_PROXY=127.0.0.1
HBNB_PUBLIC_URL=https://localhost:$HTTPS_PORT
HBNB_OPS_ALLOW=loopback
HBNB_LOG_FORMAT=json
EOF
}

mariadb_up() {
  if ! mariadb-admin --host=127.0.0.1 --user=root ping >/dev/null 2>&1; then
    say "MariaDB is not answering: starting the machine's mariadbd"
    start-stop-daemon --start --background --make-pidfile --pidfile "$DIR/mariadb.pid" --exec /usr/sbin/mariadbd
    wait_for 30 mariadb-admin --host=127.0.0.1 --user=root ping || { echo "MariaDB did not start" >&2; exit 1; }
  fi
  mariadb --host=127.0.0.1 --user=root -e "CREATE DATABASE IF NOT EXISTS \`$DATABASE\`"
  say "MariaDB: database $DATABASE"
}

rabbitmq_up() {
  if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    say "RabbitMQ is not answering: starting it"
    rabbitmq-server -detached
    touch "$DIR/rabbitmq.started"
    wait_for 60 rabbitmq-diagnostics -q ping || { echo "RabbitMQ did not start" >&2; exit 1; }
  fi
  # A vhost of its own: the stack's workers never take another user's tasks.
  rabbitmqctl -q add_vhost "$VHOST" 2>/dev/null || true
  rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
  say "RabbitMQ: vhost $VHOST"
}

redis_up() {
  if alive "$DIR/redis.pid"; then
    say "redis runs (pid $(cat "$DIR/redis.pid"))"
    return
  fi
  mkdir -p "$DIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --daemonize yes \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/logs/redis.log" --save 60 1000
  wait_for 10 redis-cli -p "$REDIS_PORT" ping || { echo "Redis did not start" >&2; exit 1; }
  say "redis started on 127.0.0.1:$REDIS_PORT"
}

nginx_up() {
  local run=$DIR/nginx
  if alive "$run/nginx.pid"; then
    say "nginx runs (pid $(cat "$run/nginx.pid"))"
    return
  fi
  mkdir -p "$run" "$DIR/data/storage/media"
  local upstreams
  upstreams=$(printf '"127.0.0.1:%s",' "${API_PORTS[@]}")
  cat >"$run/settings.json" <<EOF
{
  "runDir": "$run",
  "httpListen": "127.0.0.1:$HTTP_PORT",
  "httpsListen": "127.0.0.1:$HTTPS_PORT",
  "serverName": "localhost",
  "tlsCert": "$DIR/tls/server.pem",
  "tlsKey": "$DIR/tls/server.key",
  "upstreams": [${upstreams%,}],
  "apiRate": "$API_RATE",
  "authRate": "$AUTH_RATE",
  "webRoot": "$REPO/web/dist",
  "storageDir": "$DIR/data/storage"
}
EOF
  node "$REPO/scripts/render-nginx.mjs" "$run/settings.json" >"$run/nginx.conf"
  "$NGINX" -q -p "$run" -c "$run/nginx.conf" -e "$run/error.log"
  wait_for 10 test -s "$run/nginx.pid"
  say "nginx started (pid $(cat "$run/nginx.pid")): https://localhost:$HTTPS_PORT/ (CA: $DIR/tls/ca.pem)"
}

up() {
  mkdir -p "$DIR/logs" "$DIR/data"
  chmod 755 "$DIR"
  command -v "$NGINX" >/dev/null || [ -x "$NGINX" ] || {
    echo "nginx is missing: apt-get install -y --no-install-recommends nginx" >&2
    exit 1
  }
  [ -d "$REPO/server/dist" ] || (cd "$REPO" && npm run build --workspace server)
  [ -f "$REPO/web/dist/index.html" ] || (cd "$REPO" && npm run build --workspace web)
  certificates
  settings
  mariadb_up
  rabbitmq_up
  redis_up
  say "migrations"
  (load_env && "${HBNB[@]}" migrate up) >>"$DIR/logs/migrate.log" 2>&1 ||
    { echo "migrations failed: see $DIR/logs/migrate.log" >&2; exit 1; }
  if [ ! -f "$DIR/seeded" ]; then
    (load_env && "${HBNB[@]}" seed --no-demo) >>"$DIR/logs/migrate.log" 2>&1 &&
      touch "$DIR/seeded"
  fi
  local i=0
  for port in "${API_PORTS[@]}"; do
    i=$((i + 1))
    start_hbnb "serve$i" "HBNB_PORT=$port" -- serve --workers "$WORKERS"
  done
  start_hbnb worker -- worker
  start_hbnb beat -- beat
  for port in "${API_PORTS[@]}"; do
    wait_for 90 curl -fsS "http://127.0.0.1:$port/healthz" ||
      { echo "hbnb serve on $port did not answer: see $DIR/logs" >&2; exit 1; }
  done
  nginx_up
  wait_for 20 curl -fsS --cacert "$DIR/tls/ca.pem" "https://localhost:$HTTPS_PORT/readyz" ||
    { echo "https://localhost:$HTTPS_PORT/readyz did not answer: see $DIR/logs" >&2; exit 1; }
  say "up: https://localhost:$HTTPS_PORT/ (curl --cacert $DIR/tls/ca.pem; admin password in $DIR/secrets.env)"
}

# Stops the process of PID file $1 with SIGTERM (SIGKILL after 30 s) and removes the file.
stop_pid() {
  local file=$1 name=$2
  if alive "$file"; then
    local pid
    pid=$(cat "$file")
    kill -TERM "$pid"
    wait_for 30 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
    say "$name stopped (pid $pid)"
  fi
  rm -f "$file"
}

down() {
  [ -d "$DIR" ] || { say "nothing to stop ($DIR does not exist)"; return; }
  if alive "$DIR/nginx/nginx.pid"; then
    local pid
    pid=$(cat "$DIR/nginx/nginx.pid")
    kill -QUIT "$pid"
    wait_for 30 sh -c "! kill -0 $pid 2>/dev/null" || true
    say "nginx stopped (pid $pid)"
  fi
  local i=0
  for _ in "${API_PORTS[@]}"; do
    i=$((i + 1))
    stop_pid "$DIR/serve$i.pid" "serve$i"
  done
  stop_pid "$DIR/worker.pid" worker
  stop_pid "$DIR/beat.pid" beat
  stop_pid "$DIR/redis.pid" redis
  if [ -f "$DIR/rabbitmq.started" ]; then
    rabbitmqctl -q stop && say "RabbitMQ stopped (the stack had started it)"
    rm -f "$DIR/rabbitmq.started"
  fi
  stop_pid "$DIR/mariadb.pid" "MariaDB (the stack had started it)"
  say "down (data, certificates and secrets stay in $DIR)"
}

status() {
  local row
  row() { printf '%-8s %-10s %s\n' "$1" "$2" "$3"; }
  row ROLE STATE DETAIL
  if alive "$DIR/nginx/nginx.pid"; then
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$DIR/tls/ca.pem" "https://localhost:$HTTPS_PORT/readyz" || true)
    row nginx running "pid $(cat "$DIR/nginx/nginx.pid"), https://localhost:$HTTPS_PORT/readyz -> $code"
  else
    row nginx stopped ""
  fi
  local i=0
  for port in "${API_PORTS[@]}"; do
    i=$((i + 1))
    if alive "$DIR/serve$i.pid"; then
      row "serve$i" running "pid $(cat "$DIR/serve$i.pid"), :$port/healthz -> $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)"
    else
      row "serve$i" stopped ""
    fi
  done
  for role in worker beat redis; do
    if alive "$DIR/$role.pid"; then row "$role" running "pid $(cat "$DIR/$role.pid")"; else row "$role" stopped ""; fi
  done
  if mariadb-admin --host=127.0.0.1 --user=root ping >/dev/null 2>&1; then
    row mariadb running "127.0.0.1:3306, database $DATABASE$([ -f "$DIR/mariadb.pid" ] && echo ', started by the stack')"
  else
    row mariadb stopped ""
  fi
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    row rabbitmq running "vhost $VHOST$([ -f "$DIR/rabbitmq.started" ] && echo ', started by the stack')"
  else
    row rabbitmq stopped ""
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: scripts/stack.sh up|down|status" >&2
    exit 2
    ;;
esac
