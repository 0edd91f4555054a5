#!/usr/bin/env bash
# Installs (when missing) and starts a Redis server on loopback for the starter's clustered-session
# tests (RedisClusterTest in spring-adapter). Idempotent; needs root (or sudo) for apt-get. The
# tests connect to 127.0.0.1:6379; each run uses a key namespace of its own.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq redis-server >/dev/null
fi
if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" != "PONG" ]; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
fi
for _ in $(seq 1 30); do
  if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" = "PONG" ]; then
    echo "Redis $(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/') ready on 127.0.0.1:6379"
    exit 0
  fi
  sleep 1
done
echo "Redis did not answer on 127.0.0.1:6379" >&2
exit 1
