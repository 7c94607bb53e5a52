#!/usr/bin/env bash
# The production topology on one machine, from Debian's packages and this repo: NGINX with a
# locally generated CA and certificate in front of two `hbnb serve` processes, `hbnb worker`,
# `hbnb beat`, a MariaDB primary and a replica of its own (scripts/mariadb-replicas.sh, database
# hbnb_stack; the API reads from the replica), a Redis of its own and a RabbitMQ node of its own.
# The machine's MariaDB (3306) and RabbitMQ (rabbit@localhost, 5672) are left alone. See
# docs/operations.md, "A production stack on one machine". Run as root (RabbitMQ's Debian scripts
# run the node as the rabbitmq user, and only root or rabbitmq may start them).
#
#   scripts/stack.sh up                 start what is not running (fine to run again)
#   scripts/stack.sh status             what runs, and whether it answers
#   scripts/stack.sh down [--keep-data] stop what `up` started (by the PIDs it wrote), nothing else,
#                                       and delete the stack's databases, queues, Redis data and
#                                       uploads (kept with --keep-data; certificates, secrets and
#                                       logs always stay)
#   scripts/stack.sh rabbitmq stop|start    stop or start the stack's RabbitMQ node alone
#   scripts/stack.sh mariadb ARGS...        scripts/mariadb-replicas.sh ARGS on the stack's servers
#                                           (status, stop-replica 1, start-replica 1, ...)
#
# Settings (environment): HBNB_STACK_DIR (state, logs, PID files; default .stack in the repo),
# HBNB_STACK_HTTPS_PORT (8443), HBNB_STACK_HTTP_PORT (8080), HBNB_STACK_API_PORTS ("3101 3102"),
# HBNB_STACK_REDIS_PORT (6391), HBNB_STACK_WORKERS (API workers per `hbnb serve`, 1),
# HBNB_STACK_MARIADB_PORTS ("3320 3321": the primary, then each replica), HBNB_STACK_DATABASE
# (hbnb_stack), HBNB_STACK_AMQP_PORT (5682) and HBNB_STACK_RABBITMQ_DIST_PORT (25682: Erlang
# distribution, for rabbitmqctl), HBNB_STACK_API_RATE and HBNB_STACK_AUTH_RATE (NGINX's per-address
# limits, 50r/s and 10r/m; a load test from one address raises them).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${HBNB_STACK_DIR:-$REPO/.stack}
HTTPS_PORT=${HBNB_STACK_HTTPS_PORT:-8443}
HTTP_PORT=${HBNB_STACK_HTTP_PORT:-8080}
read -r -a API_PORTS <<<"${HBNB_STACK_API_PORTS:-3101 3102}"
REDIS_PORT=${HBNB_STACK_REDIS_PORT:-6391}
WORKERS=${HBNB_STACK_WORKERS:-1}
read -r -a MARIADB_PORTS <<<"${HBNB_STACK_MARIADB_PORTS:-3320 3321}"
DATABASE=${HBNB_STACK_DATABASE:-hbnb_stack}
AMQP_PORT=${HBNB_STACK_AMQP_PORT:-5682}
DIST_PORT=${HBNB_STACK_RABBITMQ_DIST_PORT:-25682}
RABBITMQ_NODE=hbnb_stack_$AMQP_PORT@localhost
API_RATE=${HBNB_STACK_API_RATE:-50r/s}
AUTH_RATE=${HBNB_STACK_AUTH_RATE:-10r/m}
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
  local replicas=()
  for port in "${MARIADB_PORTS[@]:1}"; do replicas+=("mysql://root@127.0.0.1:$port/$DATABASE"); done
  cat >"$DIR/hbnb.env" <<EOF
HBNB_ENV=production
HBNB_HOST=127.0.0.1
HBNB_DATA_DIR=$DIR/data
HBNB_DATABASE_URL=mysql://root@127.0.0.1:${MARIADB_PORTS[0]}/$DATABASE
HBNB_DATABASE_REPLICA_URLS=$(
    IFS=,
    echo "${replicas[*]}"
  )
HBNB_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
HBNB_AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT
HBNB_TRUST_PROXY=127.0.0.1
HBNB_PUBLIC_URL=https://localhost:$HTTPS_PORT
HBNB_OPS_ALLOW=loopback
HBNB_LOG_FORMAT=json
EOF
}

# scripts/mariadb-replicas.sh on the stack's own servers: data in $DIR/mariadb, its ports.
mariadb_servers() {
  HBNB_REPLICAS_DIR=$DIR/mariadb HBNB_REPLICAS_PORTS="${MARIADB_PORTS[*]}" "$REPO/scripts/mariadb-replicas.sh" "$@"
}

mariadb_up() {
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || {
    echo "mariadbd is missing: apt-get install -y --no-install-recommends mariadb-server" >&2
    exit 1
  }
  PATH=$PATH:/usr/sbin mariadb_servers start | sed 's/^== mariadb-replicas: /== MariaDB: /'
  local primary=(mariadb --protocol=tcp --host=127.0.0.1 --port="${MARIADB_PORTS[0]}" --user=root)
  "${primary[@]}" -e "CREATE DATABASE IF NOT EXISTS \`$DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  say "MariaDB: database $DATABASE on the primary 127.0.0.1:${MARIADB_PORTS[0]}, replicated to ${MARIADB_PORTS[*]:1}"
}

# The stack's RabbitMQ node: its own node name, AMQP and distribution ports, data and logs under
# $DIR/rabbitmq, no plugins (so no management or Prometheus listener next to the machine's node).
# Its Debian scripts run it as the rabbitmq user (sharing that user's Erlang cookie with rabbitmqctl).
RABBITMQ_RUN=$DIR/rabbitmq
rabbitmq_env() {
  export RABBITMQ_CONF_ENV_FILE=$RABBITMQ_RUN/rabbitmq-env.conf RABBITMQ_NODENAME=$RABBITMQ_NODE \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$AMQP_PORT RABBITMQ_DIST_PORT=$DIST_PORT \
    RABBITMQ_CONFIG_FILE=$RABBITMQ_RUN/rabbitmq.conf RABBITMQ_ADVANCED_CONFIG_FILE=$RABBITMQ_RUN/advanced.config \
    RABBITMQ_ENABLED_PLUGINS_FILE=$RABBITMQ_RUN/enabled_plugins RABBITMQ_MNESIA_BASE=$RABBITMQ_RUN/mnesia \
    RABBITMQ_LOG_BASE=$RABBITMQ_RUN/log RABBITMQ_PID_FILE=$RABBITMQ_RUN/rabbitmq.pid \
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

amqp_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$AMQP_PORT") 2>/dev/null; }

# Starts the node in the background (unless it runs); rabbitmq_ready waits for it. `up` does other
# things meanwhile: a node takes seconds to boot (7 s on a quiet 2-core machine).
RABBITMQ_LAUNCHER=
RABBITMQ_STARTED=
rabbitmq_launch() {
  if alive "$RABBITMQ_RUN/rabbitmq.pid" && amqp_answers; then
    say "rabbitmq runs (node $RABBITMQ_NODE, pid $(cat "$RABBITMQ_RUN/rabbitmq.pid"))"
    return
  fi
  command -v rabbitmq-server >/dev/null || {
    echo "rabbitmq-server is missing: apt-get install -y --no-install-recommends rabbitmq-server" >&2
    exit 1
  }
  mkdir -p "$RABBITMQ_RUN/mnesia" "$RABBITMQ_RUN/log"
  echo '[].' >"$RABBITMQ_RUN/enabled_plugins"
  printf 'listeners.tcp.default = 127.0.0.1:%s\n' "$AMQP_PORT" >"$RABBITMQ_RUN/rabbitmq.conf"
  : >"$RABBITMQ_RUN/rabbitmq-env.conf"
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$RABBITMQ_RUN"; fi
  rm -f "$RABBITMQ_RUN/rabbitmq.pid"
  RABBITMQ_STARTED=$(date +%s)
  (
    rabbitmq_env
    exec setsid rabbitmq-server >>"$DIR/logs/rabbitmq.log" 2>&1 </dev/null
  ) &
  RABBITMQ_LAUNCHER=$!
}

rabbitmq_ready() {
  [ -n "$RABBITMQ_LAUNCHER" ] || return 0
  for _ in $(seq 1 1200); do
    amqp_answers && break
    kill -0 "$RABBITMQ_LAUNCHER" 2>/dev/null || break
    sleep 0.1
  done
  amqp_answers || {
    echo "RabbitMQ did not start: see $DIR/logs/rabbitmq.log" >&2
    tail -n 20 "$DIR/logs/rabbitmq.log" >&2
    exit 1
  }
  say "rabbitmq started (node $RABBITMQ_NODE, pid $(cat "$RABBITMQ_RUN/rabbitmq.pid"), amqp://127.0.0.1:$AMQP_PORT, in $(($(date +%s) - RABBITMQ_STARTED)) s)"
  RABBITMQ_LAUNCHER=
}

rabbitmq_up() {
  rabbitmq_launch
  rabbitmq_ready
}

rabbitmq_down() {
  local file=$RABBITMQ_RUN/rabbitmq.pid
  alive "$file" || {
    rm -f "$file"
    return 0
  }
  local pid
  pid=$(cat "$file")
  (rabbitmq_env && rabbitmqctl -q -n "$RABBITMQ_NODE" stop "$file") >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_for 30 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
  say "rabbitmq stopped (node $RABBITMQ_NODE, pid $pid)"
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
  rabbitmq_launch
  mariadb_up
  redis_up
  say "migrations"
  (load_env && "${HBNB[@]}" migrate up) >>"$DIR/logs/migrate.log" 2>&1 ||
    { echo "migrations failed: see $DIR/logs/migrate.log" >&2; exit 1; }
  if [ ! -f "$DIR/seeded" ]; then
    (load_env && "${HBNB[@]}" seed --no-demo) >>"$DIR/logs/migrate.log" 2>&1 &&
      touch "$DIR/seeded"
  fi
  rabbitmq_ready
  local i=0
  for port in "${API_PORTS[@]}"; do
    i=$((i + 1))
    start_hbnb "serve$i" "HBNB_PORT=$port" -- serve --workers "$WORKERS"
  done
  start_hbnb worker -- worker
  start_hbnb beat -- beat
  i=0
  for port in "${API_PORTS[@]}"; do
    i=$((i + 1))
    # Four Node processes boot at once here: on a busy 2-core machine that takes a while.
    wait_for 180 curl -fsS "http://127.0.0.1:$port/healthz" || {
      echo "hbnb serve on $port did not answer: see $DIR/logs; the end of $DIR/logs/serve$i.log:" >&2
      tail -n 20 "$DIR/logs/serve$i.log" >&2
      exit 1
    }
  done
  nginx_up
  wait_for 20 curl -fsS --cacert "$DIR/tls/ca.pem" "https://localhost:$HTTPS_PORT/readyz" ||
    { echo "https://localhost:$HTTPS_PORT/readyz did not answer: see $DIR/logs" >&2; exit 1; }
  say "up: https://localhost:$HTTPS_PORT/ (curl --cacert $DIR/tls/ca.pem; admin password in $DIR/secrets.env)"
}

# Stops the processes of PID files with SIGTERM, all at once (SIGKILL for any still running 30 s
# later), and removes the files. Arguments: FILE NAME pairs.
stop_pids() {
  local pids=() names=() files=()
  while [ $# -gt 0 ]; do
    if alive "$1"; then
      pids+=("$(cat "$1")")
      names+=("$2")
      kill -TERM "$(cat "$1")"
    fi
    files+=("$1")
    shift 2
  done
  for j in "${!pids[@]}"; do
    wait_for 30 sh -c "! kill -0 ${pids[$j]} 2>/dev/null" || kill -KILL "${pids[$j]}" 2>/dev/null || true
    say "${names[$j]} stopped (pid ${pids[$j]})"
  done
  rm -f "${files[@]}"
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
  # The apps drain together, then the servers they used stop together.
  local apps=() i=0
  for _ in "${API_PORTS[@]}"; do
    i=$((i + 1))
    apps+=("$DIR/serve$i.pid" "serve$i")
  done
  stop_pids "${apps[@]}" "$DIR/worker.pid" worker "$DIR/beat.pid" beat
  rabbitmq_down &
  local rabbitmq=$!
  stop_pids "$DIR/redis.pid" redis
  if [ "${1:-}" = --keep-data ]; then
    [ ! -d "$DIR/mariadb" ] || mariadb_servers stop | sed 's/^== mariadb-replicas: /== MariaDB: /'
    wait "$rabbitmq"
    say "down (data, certificates and secrets stay in $DIR)"
  else
    [ ! -d "$DIR/mariadb" ] || mariadb_servers destroy | sed 's/^== mariadb-replicas: /== MariaDB: /'
    wait "$rabbitmq"
    rm -rf "$RABBITMQ_RUN" "$DIR/redis" "$DIR/data" "$DIR/seeded"
    say "down: databases, queues, Redis data and uploads deleted (certificates, secrets and logs stay in $DIR)"
  fi
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
  # The primary, then each replica (scripts/mariadb-replicas.sh status: "replica1 (...): up, ...").
  local line i=0
  while read -r line; do
    local name=mariadb port=${MARIADB_PORTS[$i]}
    if [ "$i" -gt 0 ]; then name=replica; fi
    if [ "$i" -gt 0 ] && [ "${#MARIADB_PORTS[@]}" -gt 2 ]; then name=replica$i; fi
    i=$((i + 1))
    case $line in
      *"): down"*) row "$name" stopped "127.0.0.1:$port" ;;
      primary*) row "$name" running "127.0.0.1:$port (primary), database $DATABASE, ${line#*up, }" ;;
      *) row "$name" running "127.0.0.1:$port, ${line#*up, }" ;;
    esac
  done < <([ -d "$DIR/mariadb" ] && mariadb_servers status || for p in "${MARIADB_PORTS[@]}"; do echo "x (127.0.0.1:$p): down"; done)
  if alive "$RABBITMQ_RUN/rabbitmq.pid" && amqp_answers; then
    row rabbitmq running "node $RABBITMQ_NODE, pid $(cat "$RABBITMQ_RUN/rabbitmq.pid"), amqp://127.0.0.1:$AMQP_PORT"
  else
    row rabbitmq stopped ""
  fi
}

case ${1:-} in
  up) up ;;
  down) down "${2:-}" ;;
  status) status ;;
  rabbitmq)
    case ${2:-} in
      stop) rabbitmq_down ;;
      start)
        mkdir -p "$DIR/logs"
        rabbitmq_up
        ;;
      *)
        echo "usage: scripts/stack.sh rabbitmq stop|start" >&2
        exit 2
        ;;
    esac
    ;;
  mariadb)
    shift
    mariadb_servers "$@"
    ;;
  *)
    echo "usage: scripts/stack.sh up|down [--keep-data]|status|rabbitmq stop|start|mariadb ARGS..." >&2
    exit 2
    ;;
esac
