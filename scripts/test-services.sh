#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis 7 on loopback for the scale-out tests.
#   eval "$(scripts/test-services.sh start)"   # starts them (installing redis-server if missing), prints the exports
#   scripts/test-services.sh env               # prints the exports again
#   scripts/test-services.sh stop              # stops them and removes their data
# Data lives in $CTS_TEST_SERVICES_DIR (default /tmp/cts-test-services); ports $CTS_TEST_PG_PORT (55432)
# and $CTS_TEST_REDIS_PORT (56379). Progress goes to stderr, the `export` lines to stdout.
set -euo pipefail

dir="${CTS_TEST_SERVICES_DIR:-/tmp/cts-test-services}"
pg_port="${CTS_TEST_PG_PORT:-55432}"
redis_port="${CTS_TEST_REDIS_PORT:-56379}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
say() { echo "test-services: $*" >&2; }

# PostgreSQL refuses to run as root: run it as the `postgres` user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

exports() {
  echo "export CTS_TEST_PG_URL=postgres://cts@127.0.0.1:${pg_port}/cts_test"
  echo "export CTS_TEST_REDIS_URL=redis://127.0.0.1:${redis_port}"
}

start_pg() {
  if [ -z "$pg_bin" ]; then
    say "installing postgresql-15"
    (apt-get install -y postgresql-15 || (apt-get update && apt-get install -y postgresql-15)) >&2
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [ -z "$pg_bin" ]; then say "PostgreSQL could not be installed (Debian: apt-get install postgresql-15)"; exit 1; fi
  fi
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then say "PostgreSQL already running on $pg_port"; return; fi
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    mkdir -p "$dir/pg"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
    as_pg "$pg_bin/initdb" -D "$dir/pg" -U cts -A trust --no-sync >/dev/null
  fi
  as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='$dir/pg' -c fsync=off -c max_connections=200" start >/dev/null
  as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U cts -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cts_test'" | grep -q 1 ||
    as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U cts cts_test
  say "PostgreSQL on 127.0.0.1:$pg_port"
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    say "installing redis-server"
    (apt-get install -y redis-server || (apt-get update && apt-get install -y redis-server)) >&2
  fi
  if redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then say "Redis already running on $redis_port"; return; fi
  mkdir -p "$dir/redis"
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" >&2
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  say "Redis on 127.0.0.1:$redis_port"
}

stop_all() {
  if [ -n "$pg_bin" ] && [ -f "$dir/pg/postmaster.pid" ]; then as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true; fi
  if [ -f "$dir/redis/redis.pid" ]; then redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  say "stopped, $dir removed"
}

case "${1:-}" in
  start) start_pg; start_redis; exports ;;
  env) exports ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|env|stop" >&2; exit 2 ;;
esac
