#!/usr/bin/env bash
# Throwaway PostgreSQL and (when installed) Redis and Dovecot IMAP for tests and CI:
# scripts/test-services.sh start|stop|restart_pg   (env: SVC_DIR, PG_PORT, REDIS_PORT, IMAP_PORT)
# Everything lives under $SVC_DIR; nothing touches /etc or /var.
set -euo pipefail
SVC_DIR=${SVC_DIR:-/tmp/hub-test-services}
PG_PORT=${PG_PORT:-55432}
IMAP_PORT=${IMAP_PORT:-10143}
REDIS_PORT=${REDIS_PORT:-56379}
DOVECOT=/usr/sbin/dovecot
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_pg() {  # initdb refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_port() {  # host port seconds
  local end=$((SECONDS + $3))
  until (echo > "/dev/tcp/$1/$2") 2>/dev/null; do
    [ $SECONDS -lt "$end" ] || { echo "timeout waiting for $1:$2" >&2; return 1; }
    sleep 0.1
  done
}

start() {
  stop >/dev/null 2>&1 || true
  rm -rf "$SVC_DIR"
  mkdir -p "$SVC_DIR/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$SVC_DIR/pg" && chmod 755 "$SVC_DIR"
  as_pg "$PGBIN/initdb" -D "$SVC_DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    > "$SVC_DIR/pg/initdb.log"
  as_pg "$PGBIN/pg_ctl" -D "$SVC_DIR/pg/data" -l "$SVC_DIR/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $SVC_DIR/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start > /dev/null
  wait_port 127.0.0.1 "$PG_PORT" 30
  as_pg psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -c "CREATE ROLE hub LOGIN PASSWORD 'hub' CREATEDB" -c "CREATE DATABASE hub OWNER hub" \
    -c "GRANT pg_signal_backend TO hub"
  # pg_signal_backend: dropping a test's database WITH (FORCE) may meet a connection still starting up, which has
  # no role yet; only this role may end it (a hub process of the test reconnecting as the test ends).
  echo "postgresql up: postgresql+asyncpg://hub:hub@127.0.0.1:$PG_PORT/hub"
  command -v redis-server >/dev/null && start_redis
  [ -x "$DOVECOT" ] && start_imap
  return 0
}

start_redis() {
  # No persistence: a test Redis only carries messages between hub processes.
  mkdir -p "$SVC_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$SVC_DIR/redis" --save '' --appendonly no \
    --daemonize yes --pidfile "$SVC_DIR/redis/redis.pid" --logfile "$SVC_DIR/redis/redis.log"
  wait_port 127.0.0.1 "$REDIS_PORT" 30
  echo "redis up: redis://127.0.0.1:$REDIS_PORT/0"
}

start_imap() {
  # Dovecot entirely as 'nobody', plaintext passwd-file users, maildir under $SVC_DIR.
  local D="$SVC_DIR/imap"
  mkdir -p "$D/run" "$D/state" "$D/mail"
  cat > "$D/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$D/mail/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  mailbox Archive {
    auto = create
  }
}
service imap-login {
  chroot =
  user = nobody
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service auth {
  user = nobody
}
service auth-worker {
  user = nobody
}
CONF
  printf '%s\n' 'support@example.test:{PLAIN}secret' 'other@example.test:{PLAIN}secret' > "$D/passwd"
  if [ "$(id -u)" = 0 ]; then
    chown -R nobody:nogroup "$D"
    runuser -u nobody -- "$DOVECOT" -c "$D/dovecot.conf" </dev/null >/dev/null 2>&1
  else
    "$DOVECOT" -c "$D/dovecot.conf" </dev/null >/dev/null 2>&1
  fi
  wait_port 127.0.0.1 "$IMAP_PORT" 30
  echo "imap up: 127.0.0.1:$IMAP_PORT (support@example.test / secret)"
}

restart_pg() {  # for the fault tests: the database goes away and comes back
  as_pg "$PGBIN/pg_ctl" -D "$SVC_DIR/pg/data" -m fast -w -t 60 restart > /dev/null
  wait_port 127.0.0.1 "$PG_PORT" 30
}

stop() {
  if [ -f "$SVC_DIR/redis/redis.pid" ]; then
    kill "$(cat "$SVC_DIR/redis/redis.pid")" 2>/dev/null || true
  fi
  if [ -f "$SVC_DIR/imap/run/master.pid" ]; then
    kill "$(cat "$SVC_DIR/imap/run/master.pid")" 2>/dev/null || true
  fi
  if [ -f "$SVC_DIR/pg/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$SVC_DIR/pg/data" -m fast -w stop > /dev/null || true
  fi
}

"$@"
