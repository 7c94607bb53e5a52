#!/usr/bin/env bash
# A MariaDB primary and read replicas on loopback, for developing and testing HBNB's replica routing
# by hand and in CI, and for scripts/stack.sh's primary and replica. Each server has its own data
# directory under $HBNB_REPLICAS_DIR (default /tmp/hbnb-replicas) and its own port: by default the
# primary on 3310, replica 1 on 3311 and replica 2 on 3312 (HBNB_REPLICAS_PORTS="3310 3311 3312":
# the primary's port, then one per replica). The machine's own MariaDB (3306) is left alone. root has
# an empty password, on loopback only. Each server's server_id is its port, so that servers of
# another directory (another set of ports) may replicate from the same primary.
#
#   scripts/mariadb-replicas.sh start              start all of them (fine when already running)
#   scripts/mariadb-replicas.sh stop               shut all of them down (data is kept)
#   scripts/mariadb-replicas.sh status             which servers answer, replication threads and lag
#   scripts/mariadb-replicas.sh stop-replica N     shut replica N (1, 2, ...) down
#   scripts/mariadb-replicas.sh start-replica N    start replica N again (it catches up by itself)
#   scripts/mariadb-replicas.sh destroy            stop all and delete the data directories
#
# A replica may follow a primary of another directory: HBNB_REPLICAS_DIR=/tmp/extra
# HBNB_REPLICAS_PORTS="3310 3313" scripts/mariadb-replicas.sh start-replica 1 starts a third replica
# of the primary on 3310, with its own data (it replays the primary's binary log from the start).
#
# Then: HBNB_DATABASE_URL=mysql://root@127.0.0.1:3310/hbnb
#       HBNB_DATABASE_REPLICA_URLS=mysql://root@127.0.0.1:3311/hbnb,mysql://root@127.0.0.1:3312/hbnb
set -euo pipefail

DIR=${HBNB_REPLICAS_DIR:-/tmp/hbnb-replicas}
read -r -a PORTS <<<"${HBNB_REPLICAS_PORTS:-3310 3311 3312}"
PRIMARY_PORT=${PORTS[0]}
NODES=(primary)
for i in $(seq 1 $((${#PORTS[@]} - 1))); do NODES+=("replica$i"); done

port_of() {
  case $1 in
    primary) echo "$PRIMARY_PORT" ;;
    replica[0-9]*)
      local i=${1#replica}
      [ "$i" -ge 1 ] && [ "$i" -lt "${#PORTS[@]}" ] || { echo "unknown server $1" >&2 && exit 2; }
      echo "${PORTS[$i]}"
      ;;
    *) echo "unknown server $1" >&2 && exit 2 ;;
  esac
}

# Unique among the servers of every directory replicating from one primary: a primary drops a
# replica's connection when another with the same server_id connects.
server_id_of() { port_of "$1"; }

say() { echo "== mariadb-replicas: $*"; }

sql() {
  local node=$1
  shift
  mariadb --protocol=tcp --host=127.0.0.1 --port="$(port_of "$node")" --user=root --batch "$@"
}

answers() {
  mariadb-admin --protocol=tcp --host=127.0.0.1 --port="$(port_of "$1")" --user=root \
    --connect-timeout=1 ping >/dev/null 2>&1
}

# One `mariadb-install-db` (the slow part), copied for the servers $@ before any of them starts.
install_data_dirs() {
  local template="$DIR/template"
  local missing=0
  for node in "$@"; do [ -d "$DIR/$node/data/mysql" ] || missing=1; done
  [ "$missing" = 1 ] || return 0
  if [ ! -d "$template/mysql" ]; then
    say "installing a data directory template in $template"
    rm -rf "$template"
    mkdir -p "$template"
    mariadb-install-db --no-defaults --datadir="$template" --user=root \
      --auth-root-authentication-method=normal --skip-test-db >"$DIR/install.log" 2>&1 ||
      { cat "$DIR/install.log" >&2 && exit 1; }
  fi
  for node in "$@"; do
    if [ ! -d "$DIR/$node/data/mysql" ]; then
      say "creating $DIR/$node/data"
      mkdir -p "$DIR/$node"
      cp -a "$template" "$DIR/$node/data"
    fi
  done
}

launch() {
  local node=$1 port
  port=$(port_of "$node")
  if answers "$node"; then
    say "$node already running on 127.0.0.1:$port"
    return 0
  fi
  say "starting $node on 127.0.0.1:$port (server_id $(server_id_of "$node"))"
  local role=(--log-bin=mariadb-bin --binlog-format=ROW --gtid-strict-mode=1)
  [ "$node" = primary ] || role+=(--read-only=1 --relay-log=relay-bin --log-slave-updates=0)
  # Durability settings are relaxed: these servers hold test data only, and must be quick.
  setsid mariadbd --no-defaults --user=root \
    --datadir="$DIR/$node/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$DIR/$node/mariadb.sock" --pid-file="$DIR/$node/mariadb.pid" \
    --log-error="$DIR/$node/error.log" --server-id="$(server_id_of "$node")" "${role[@]}" \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=2 \
    --sync-binlog=0 --performance-schema=0 --max-connections=300 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    </dev/null >>"$DIR/$node/stdout.log" 2>&1 &
}

wait_until_up() {
  local node=$1
  for _ in $(seq 1 300); do
    answers "$node" && return 0
    sleep 0.1
  done
  say "$node did not start; its log:" >&2
  tail -n 30 "$DIR/$node/error.log" >&2
  exit 1
}

# root@127.0.0.1 with an empty password (install-db makes root@localhost only). Not replicated.
grant_loopback_root() {
  mariadb --socket="$DIR/$1/mariadb.sock" --user=root -e "
    SET sql_log_bin = 0;
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
}

follow_primary() {
  local node=$1
  if [ -n "$(sql "$node" -e 'SHOW SLAVE STATUS')" ]; then
    return 0
  fi
  say "$node: CHANGE MASTER TO 127.0.0.1:$PRIMARY_PORT, MASTER_USE_GTID=slave_pos; START SLAVE"
  sql "$node" -e "
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='root',
      MASTER_PASSWORD='', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos;
    START SLAVE;"
}

start_nodes() {
  mkdir -p "$DIR"
  install_data_dirs "$@"
  for node in "$@"; do launch "$node"; done
  for node in "$@"; do
    wait_until_up "$node"
    grant_loopback_root "$node"
    [ "$node" = primary ] || follow_primary "$node"
  done
}

stop_node() {
  local node=$1
  if [ ! -d "$DIR/$node/data" ]; then
    say "$node (127.0.0.1:$(port_of "$node")) is not one of $DIR: left alone"
    return 0
  fi
  if ! answers "$node"; then
    say "$node is not running"
    return 0
  fi
  say "shutting $node down"
  local pid
  pid=$(cat "$DIR/$node/mariadb.pid" 2>/dev/null || true)
  mariadb-admin --protocol=tcp --host=127.0.0.1 --port="$(port_of "$node")" --user=root shutdown
  # Until the process is gone: a start right after must not find it still answering.
  if [ -n "$pid" ]; then
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
    done
    say "$node (pid $pid) still runs 30 s after its shutdown" >&2
  fi
}

replica_name() {
  case ${1:-} in
    [1-9] | [1-9][0-9])
      [ "$1" -lt "${#PORTS[@]}" ] && echo "replica$1" && return 0
      ;;
  esac
  echo "expected a replica number from 1 to $((${#PORTS[@]} - 1))" >&2 && exit 2
}

# Every server of this directory, replicas first.
stop_order() {
  for ((i = ${#NODES[@]} - 1; i >= 0; i--)); do echo "${NODES[$i]}"; done
}

status() {
  for node in "${NODES[@]}"; do
    if ! answers "$node"; then
      echo "$node (127.0.0.1:$(port_of "$node")): down"
    elif [ "$node" = primary ]; then
      echo "primary (127.0.0.1:$PRIMARY_PORT): up, gtid_binlog_pos $(sql primary -N -e 'SELECT @@gtid_binlog_pos')"
    else
      echo "$node (127.0.0.1:$(port_of "$node")): up, $(sql "$node" -e 'SHOW SLAVE STATUS\G' |
        awk '/Slave_IO_Running:|Slave_SQL_Running:|Seconds_Behind_Master:|Gtid_IO_Pos:/ {printf "%s %s ", $1, $2}')"
    fi
  done
}

case ${1:-} in
  start)
    start_nodes "${NODES[@]}"
    status
    ;;
  stop) for node in $(stop_order); do stop_node "$node"; done ;;
  status) status ;;
  stop-replica) stop_node "$(replica_name "${2:-}")" ;;
  start-replica) start_nodes "$(replica_name "${2:-}")" ;;
  destroy)
    for node in $(stop_order); do stop_node "$node"; done
    say "deleting $DIR"
    rm -rf "$DIR"
    ;;
  *)
    sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
