#!/usr/bin/env bash
# build-check/newcomer.sh: the project as a newcomer meets it. Clones this repository (its committed HEAD) into a
# temporary directory and, as an ordinary user (NEWCOMER_USER, default "newcomer", created when missing) with LANG=C
# and a clean environment:
#   1. README command 1 (first line of the README's first code block): builds and starts the order pipeline; waits
#      for health UP on 127.0.0.1:8080, sends orders with the C producer (samples/native-producer), stops the sample
#      with SIGTERM (a normal stop);
#   2. README command 2 (second line): every test;
#   3. ./mvnw test on JDK 25 (the phase people type);
# and fails when any step fails or a queue of that user is left in /dev/mqueue.
#
# Run as root (it creates the user and hands it the clone). Environment:
#   JAVA_HOME                    the JDK (default /usr/lib/jvm/temurin-25-jdk-amd64); steps 1-3 use it
#   NEWCOMER_USER                the user (default newcomer)
#   NEWCOMER_EMPTY_REPO=true     start from an empty Maven repository (everything from Maven Central, slow); default:
#                                a copy of NEWCOMER_M2 (default /root/.m2), only posixmq's own artifacts left out
#   NEWCOMER_TEST_ARGS           extra arguments for step 3 (CI narrows it, see .ci/run)
#   NEWCOMER_KEEP=true           keep the temporary directory
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
user="${NEWCOMER_USER:-newcomer}"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
m2="${NEWCOMER_M2:-/root/.m2}"
say() { echo "newcomer.sh: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "run as root: it creates the ordinary user $user and runs the README as that user"; exit 2; }
[ -x "$jdk/bin/java" ] || { say "no JDK at $jdk (set JAVA_HOME)"; exit 2; }
id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
home="$(getent passwd "$user" | cut -d: -f6)"
uid="$(id -u "$user")"
# CI: the container tests need the Docker engine; its socket belongs to group docker
if getent group docker >/dev/null 2>&1 && [ -S /var/run/docker.sock ]; then usermod -aG docker "$user"; fi

work="$(mktemp -d /tmp/newcomer.XXXXXX)"
chmod 755 "$work"
app_pid=""
cleanup() {
  local rc=$?
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill -TERM -- "-$app_pid" 2>/dev/null || true; fi
  if [ "${NEWCOMER_KEEP:-false}" = true ]; then say "kept $work"; else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT

# the user's own Maven repository: empty, or a copy without posixmq's artifacts (a newcomer has none)
rm -rf "$home/.m2"
mkdir -p "$home/.m2/repository"
if [ "${NEWCOMER_EMPTY_REPO:-false}" != true ]; then
  if [ -d "$m2/repository" ]; then
    cp -a "$m2/repository/." "$home/.m2/repository/"
    rm -rf "$home/.m2/repository/io/github/posixmq"
  fi
  [ -d "$m2/wrapper" ] && cp -a "$m2/wrapper" "$home/.m2/"
fi
chown -R "$user:" "$home/.m2"

git clone -q --no-hardlinks "$repo" "$work/posixmq"
chown -R "$user:" "$work/posixmq"
src="$work/posixmq"
log="$work/logs"
mkdir -p "$log" && chown "$user:" "$log"

# the README's two commands, as written
mapfile -t commands < <(awk '/^```/{n++; next} n==1' "$src/README.md")
cmd1="${commands[0]:-}"
cmd2="${commands[1]:-}"
[ -n "$cmd1" ] && [ -n "$cmd2" ] || { say "README: no two commands in its first code block"; exit 1; }

# as the user, in the clone: a login-like environment without LANG (LANG=C), the JDK first on the PATH
as_user() {
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" LANG=C \
    PATH="$jdk/bin:/usr/local/bin:/usr/bin:/bin" JAVA_HOME="$jdk" \
    ${POSIXMQ_REQUIRE_DOCKER:+POSIXMQ_REQUIRE_DOCKER=$POSIXMQ_REQUIRE_DOCKER} \
    ${POSIXMQ_REQUIRE_RABBITMQ:+POSIXMQ_REQUIRE_RABBITMQ=$POSIXMQ_REQUIRE_RABBITMQ} \
    ${TESTCONTAINERS_HOST_OVERRIDE:+TESTCONTAINERS_HOST_OVERRIDE=$TESTCONTAINERS_HOST_OVERRIDE} \
    bash -c "cd '$src' && $1"
}
left_queues() { find /dev/mqueue -maxdepth 1 -type f -uid "$uid" -printf '%f ' 2>/dev/null || true; }
step() { say "$(date -u +%H:%M:%S) $*"; }

before="$(left_queues)"
[ -z "$before" ] || { say "user $user already holds queues in /dev/mqueue: $before"; exit 1; }

# 1. README command 1, in the background (it runs until stopped)
step "README command 1: $cmd1"
# in a process group of its own ($app_pid), so that it can be stopped and waited for as a whole
setsid bash -c "$(declare -f as_user); $(declare -p user home jdk src); as_user \"\$1\"" _ "$cmd1" \
  >"$log/command1.log" 2>&1 &
app_pid=$!
deadline=$((SECONDS + 1800))
until curl -fsS --max-time 2 http://127.0.0.1:8080/actuator/health 2>/dev/null | grep -q '"status":"UP"'; do
  if ! kill -0 "$app_pid" 2>/dev/null; then say "README command 1 ended before health was UP:"; tail -50 "$log/command1.log" >&2; exit 1; fi
  [ $SECONDS -lt $deadline ] || { say "no health UP on 127.0.0.1:8080 within 30 minutes"; tail -50 "$log/command1.log" >&2; exit 1; }
  sleep 2
done
step "health UP; sending orders with the C producer"
as_user "make -s -C samples/native-producer && samples/native-producer/order-producer -n 1000" >"$log/producer.log" 2>&1 \
  || { say "the C producer failed:"; cat "$log/producer.log" >&2; exit 1; }
tail -1 "$log/producer.log" >&2
grep -q ' 0 wrong, 0 missing, 0 duplicated' "$log/producer.log" || { say "orders went wrong"; exit 1; }
step "stopping the sample (SIGTERM, a normal stop)"
java_pid="$(pgrep -g "$app_pid" -u "$user" -x java | head -1 || true)"
[ -n "$java_pid" ] || { say "no java process of the sample in process group $app_pid"; exit 1; }
kill -TERM "$java_pid"
for _ in $(seq 1 120); do kill -0 "$java_pid" 2>/dev/null || break; sleep 1; done
kill -0 "$java_pid" 2>/dev/null && { say "the sample did not stop within 120 s of SIGTERM"; exit 1; }
wait "$app_pid" || true
app_pid=""
grep -q 'ERROR' "$log/command1.log" && { say "the sample logged an ERROR:"; grep ERROR "$log/command1.log" | head >&2; exit 1; }
left="$(left_queues)"
[ -z "$left" ] || { say "the stopped sample left queues of $user in /dev/mqueue: $left"; exit 1; }

# 2. README command 2
step "README command 2: $cmd2"
as_user "$cmd2" >"$log/command2.log" 2>&1 || { say "README command 2 failed:"; { grep -E '<<< (FAILURE|ERROR)|Tests run:.*(Failures|Errors): [1-9]|BUILD FAILURE' "$log/command2.log" | head -40 >&2; } || true; tail -30 "$log/command2.log" >&2; exit 1; }
grep -E 'Tests run:|posixmq queue check' "$log/command2.log" | tail -3 >&2 || true

# 3. ./mvnw test on this JDK
step "./mvnw -B test ${NEWCOMER_TEST_ARGS:-} on $("$jdk/bin/java" -version 2>&1 | head -1)"
as_user "./mvnw -B test ${NEWCOMER_TEST_ARGS:-}" >"$log/test.log" 2>&1 || { say "./mvnw test failed:"; { grep -E 'ERROR|FAIL' "$log/test.log" | head -40 >&2; } || true; tail -30 "$log/test.log" >&2; exit 1; }

left="$(left_queues)"
[ -z "$left" ] || { say "queues of $user left in /dev/mqueue: $left"; exit 1; }
step "passed: README command 1 and 2 and ./mvnw test as $user (LANG=C, JDK $jdk); no queue of $user left in /dev/mqueue"
