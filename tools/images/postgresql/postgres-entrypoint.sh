#!/bin/sh
# The entrypoint of the PostgreSQL image tools/images/build.sh makes from Debian's postgresql-15, doing what the
# chart needs of the official image's: arguments starting with "-" are the server's; an empty PGDATA is
# initialised with POSTGRES_USER (superuser), POSTGRES_PASSWORD (scram-sha-256 for every TCP client) and
# POSTGRES_DB. Runs as any non-root uid that owns PGDATA's parent.
set -eu
case "${1:-postgres}" in -*) set -- postgres "$@" ;; esac
[ "$1" = postgres ] || exec "$@"
shift
: "${PGDATA:?PGDATA is not set}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-${user}}"
if [ ! -s "${PGDATA}/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
  mkdir -p "${PGDATA}" && chmod 0700 "${PGDATA}"
  pwfile="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD}" > "${pwfile}"
  initdb --username="${user}" --pwfile="${pwfile}" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 -D "${PGDATA}" >/dev/null
  rm -f "${pwfile}"
  printf "host all all all scram-sha-256\n" >> "${PGDATA}/pg_hba.conf"
  if [ "${db}" != postgres ]; then
    echo "CREATE DATABASE \"${db}\" OWNER \"${user}\";" | postgres --single -D "${PGDATA}" postgres >/dev/null
  fi
  echo "postgres-entrypoint: initialised ${PGDATA} (user ${user}, database ${db})"
fi
exec postgres -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@" -D "${PGDATA}"
