#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (what .ci/run uses; handy locally too).
#   scripts/pg_test_server.sh start DIR [PORT]   initdb into DIR, start it, print the SQLAlchemy URL on stdout
#   scripts/pg_test_server.sh stop DIR           stop it (the caller removes DIR)
# Runs the server as the `postgres` user when started by root (PostgreSQL refuses to run as root), with its
# socket in /tmp and trust authentication for local connections. Durability is off: the data is disposable.
set -euo pipefail

pg_bin() {  # the newest installed server binaries; installs the Debian package when missing and root
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Instalando PostgreSQL para las pruebas…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  [ -n "$bin" ] || { echo "Falta PostgreSQL (instálelo con: sudo apt-get install postgresql)." >&2; exit 1; }
  echo "$bin"
}

as_owner() {  # run a server binary as postgres when we are root, else as ourselves
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1 port=${2:-55432} bin user
  bin=$(pg_bin)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; user=postgres; else user=$(id -un); fi
  as_owner "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-p $port -k /tmp -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
     -c max_connections=200" >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql+psycopg://$user@/postgres?host=/tmp&port=$port"
}

stop() {
  local dir=$1
  [ -d "$dir/data" ] || return 0
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "Uso: scripts/pg_test_server.sh start DIR [PUERTO] | stop DIR" >&2; exit 2 ;;
esac
