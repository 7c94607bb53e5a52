#!/usr/bin/env bash
# A MariaDB primary and two read replicas on loopback, for developing and testing HBNB's replica
# routing by hand and in CI. Each server has its own data directory under $HBNB_REPLICAS_DIR
# (default /tmp/hbnb-replicas) and its own port: primary 3310, replica 1 on 3311, replica 2 on 3312.
# The machine's own MariaDB (3306) is left alone. root has an empty password, on loopback only.
#
#   scripts/mariadb-replicas.sh start              start all three (fine when already running)
#   scripts/mariadb-replicas.sh stop               shut all three down (data is kept)
#   scripts/mariadb-replicas.sh status             which servers answer, replication threads and lag
#   scripts/mariadb-replicas.sh stop-replica N     shut replica N (1 or 2) down
#   scripts/mariadb-replicas.sh start-replica N    start replica N again (it catches up by itself)
#   scripts/mariadb-replicas.sh destroy            stop all and delete the data directories
#
# Then: HBNB_DATABASE_URL=mysql://root@127.0.0.1:3310/hbnb
#       HBNB_DATABASE_REPLICA_URLS=mysql://root@127.0.0.1:3311/hbnb,mysql://root@127.0.0.1:3312/hbnb
set -euo pipefail

DIR=${HBNB_REPLICAS_DIR:-/tmp/hbnb-replicas}
PRIMARY_PORT=3310
NODES=(primary replica1 replica2)

port_of() {
  case $1 in
    primary) echo 3310 ;;
    replica1) echo 3311 ;;
    replica2) echo 3312 ;;
    *) echo "unknown server $1" >&2 && exit 2 ;;
  esac
}

server_id_of() { echo $(($(port_of "$1") - 3309)); }

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

# One `mariadb-install-db` (the slow part), copied for the replicas before any of them starts.
install_data_dirs() {
  local template="$DIR/template"
  local missing=0
  for node in "${NODES[@]}"; do [ -d "$DIR/$node/data/mysql" ] || missing=1; done
  [ "$missing" = 1 ] || return 0
  if [ ! -d "$template/mysql" ]; then
    say "installing a data directory template in $template"
    rm -rf "$template"
    mkdir -p "$template"
    mariadb-install-db --no-defaults --datadir="$template" --user=root \
      --auth-root-authentication-method=normal --skip-test-db >"$DIR/install.log" 2>&1 ||
      { cat "$DIR/install.log" >&2 && exit 1; }
  fi
  for node in "${NODES[@]}"; do
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
  install_data_dirs
  for node in "$@"; do launch "$node"; done
  for node in "$@"; do
    wait_until_up "$node"
    grant_loopback_root "$node"
    [ "$node" = primary ] || follow_primary "$node"
  done
}

stop_node() {
  local node=$1
  if ! answers "$node"; then
    say "$node is not running"
    return 0
  fi
  say "shutting $node down"
  mariadb-admin --protocol=tcp --host=127.0.0.1 --port="$(port_of "$node")" --user=root shutdown
}

replica_name() {
  case ${1:-} in
    1 | 2) echo "replica$1" ;;
    *) echo "expected replica number 1 or 2" >&2 && exit 2 ;;
  esac
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
  stop) for node in replica2 replica1 primary; do stop_node "$node"; done ;;
  status) status ;;
  stop-replica) stop_node "$(replica_name "${2:-}")" ;;
  start-replica) start_nodes "$(replica_name "${2:-}")" ;;
  destroy)
    for node in replica2 replica1 primary; do stop_node "$node"; done
    say "deleting $DIR"
    rm -rf "$DIR"
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
