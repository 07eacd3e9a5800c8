#!/usr/bin/env bash
# A Docker engine for the container tests (integration-tests/containers) on CI and on a bare machine.
#
#   ci-docker.sh start   install docker.io if dockerd is missing (apt-get, root), start dockerd in the background
#                        (PID saved), wait for `docker info`, build the local test images (never pulled)
#   ci-docker.sh stop    remove containers the tests left behind, stop the engine this script started (by PID)
#   ci-docker.sh env     print the environment the tests need, as export lines
#
# An engine that is already running is used as it is and never stopped. Meant for .ci/run:
#   trap 'integration-tests/containers/ci-docker.sh stop' EXIT
#   integration-tests/containers/ci-docker.sh start
#   POSIXMQ_REQUIRE_DOCKER=true ./mvnw -B verify
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state=${POSIXMQ_DOCKER_STATE:-/tmp/posixmq-ci-docker}
pidfile=$state/dockerd.pid
log=$state/dockerd.log
label=io.github.posixmq.it

say() { echo "ci-docker: $*" >&2; }

engine_ready() { timeout 20 docker info >/dev/null 2>&1; }

print_env() {
  # Also set by the failsafe configuration of this module; exported here for anything else that starts containers.
  echo "export TESTCONTAINERS_RYUK_DISABLED=true"     # Ryuk's image cannot be pulled; `stop` cleans up instead
  echo "export TESTCONTAINERS_CHECKS_DISABLE=true"    # the start-up checks pull alpine
  echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost" # this VM has /.dockerenv: without it Testcontainers pulls alpine
}

install_engine() {
  command -v dockerd >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    say "dockerd is not installed and this is not root: install docker.io (or Docker Engine) first"
    exit 1
  fi
  say "installing docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
}

start_engine() {
  mkdir -p "$state"
  say "starting dockerd (log: $log)"
  nohup dockerd >"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local pid
  pid=$(cat "$pidfile")
  for _ in $(seq 1 120); do
    if engine_ready; then
      say "engine ready (dockerd pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      say "dockerd exited; last lines of its log:"
      tail -n 30 "$log" >&2 || true
      rm -f "$pidfile"
      exit 1
    fi
    sleep 0.5
  done
  say "dockerd did not answer within 60 s; last lines of its log:"
  tail -n 30 "$log" >&2 || true
  exit 1
}

start() {
  if engine_ready; then
    say "a Docker engine is already running: using it (it will not be stopped)"
  else
    install_engine
    command -v docker >/dev/null 2>&1 || { say "the docker client is missing"; exit 1; }
    start_engine
  fi
  local t0=$SECONDS
  "$here/images/build-images.sh" >/dev/null
  say "test images ready in $((SECONDS - t0)) s"
}

stop() {
  if engine_ready; then
    local ids
    ids=$(docker ps -aq --filter "label=$label" || true)
    if [ -n "$ids" ]; then
      say "removing leftover test containers: $(echo $ids)"
      # shellcheck disable=SC2086
      timeout 120 docker rm -f $ids >/dev/null || true
    fi
  fi
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  # only the dockerd this script started: a stale file must not name some other process that reused the PID
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "dockerd still running after 30 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
