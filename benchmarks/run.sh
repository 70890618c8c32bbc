#!/usr/bin/env bash
# Runs every Plinth provider beside its raw library in one go and writes docs/benchmarks.md.
#
#   benchmarks/run.sh [quick|full] [extra JMH options...]
#
#   quick  one fork, 1 x 1 s warm-up, 2 x 1 s measurement, small scale sizes (100, 1000 keys):
#          a smoke run that proves the harness works end to end; its figures mean little.
#   full   one fork, 2 x 2 s warm-up, 3 x 2 s measurement, all scale sizes up to 1,000,000 keys
#          (about 45 minutes on 2 CPUs): the figures to publish; run it on a quiet machine. For tighter
#          error bars pass more, e.g. `full -f 2 -wi 3 -w 3s -i 5 -r 3s` (about 2.5 hours).
#   smoke  what CI runs: every benchmark once, briefly, at 1 thread (4 and 16 skipped), report under
#          benchmarks/target only, and a non-zero exit when any benchmark fails. Proves they compile and
#          run; its figures mean nothing.
#
# Builds benchmarks/target/benchmarks.jar when it is missing or older than a source, starts a private
# redis-server on a free loopback port (never the shared 6379) and stops it by PID on exit, runs JMH at 1
# and 4 threads (Redis also at 16) with JSON results under benchmarks/target/results/<mode>/, measures
# heap per key, then formats docs/benchmarks.md from the results. Asserts nothing about speed.
set -euo pipefail

MODE=${1:-quick}
shift || true
case "$MODE" in
  quick) JMH_OPTS=(-f 1 -wi 1 -w 1s -i 2 -r 1s -p keys=100,1000) ;;
  full)  JMH_OPTS=(-f 1 -wi 2 -w 2s -i 3 -r 2s) ;;
  smoke) JMH_OPTS=(-f 1 -wi 0 -i 1 -r 200ms -p keys=100) ;;
  *) echo "usage: $0 [quick|full|smoke] [extra JMH options...]" >&2; exit 2 ;;
esac
EXTRA=("$@")

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/results/$MODE
COMMAND="benchmarks/run.sh $MODE${EXTRA[*]:+ ${EXTRA[*]}}"
START=$(date +%s)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- build
if [[ ! -f $JAR ]] || [[ -n $(find pom.xml ./*/pom.xml ./*/src -newer "$JAR" -type f -print -quit 2>/dev/null) ]]; then
  echo ">> building $JAR"
  mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am
fi

rm -rf "$OUT"
mkdir -p "$OUT/redis"

# ---------------------------------------------------------------- private redis-server
REDIS_PID=
cleanup() {
  if [[ -n $REDIS_PID ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_redis() {
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 40000 ))
    [[ $port -eq 6379 ]] && continue
    port_in_use "$port" && continue
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
      --dir "$ROOT/$OUT/redis" --logfile "$ROOT/$OUT/redis/redis.log" &
    REDIS_PID=$!
    local i
    for i in $(seq 1 50); do
      if ! kill -0 "$REDIS_PID" 2>/dev/null; then break; fi   # lost the port race: try another
      if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
        REDIS_PORT=$port
        return 0
      fi
      sleep 0.1
    done
    cleanup
    REDIS_PID=
  done
  echo "could not start a private redis-server" >&2
  return 1
}

if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  start_redis
  export PLINTH_BENCH_REDIS_PORT=$REDIS_PORT
  echo ">> private redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
else
  echo ">> no redis-server on PATH: the Redis benchmarks will fail and be reported as not run" >&2
fi

# ---------------------------------------------------------------- JMH
run_jmh() {   # run_jmh <name> <threads> <include regex>
  local name=$1 threads=$2 include=$3
  echo ">> JMH $include at $threads thread(s)"
  # A failing benchmark must not stop the others or the report: its rows then say "not run".
  if ! java -jar "$JAR" "$include" -t "$threads" "${JMH_OPTS[@]}" "${EXTRA[@]}" \
      -rf json -rff "$OUT/$name.json" 2>&1 | tee "$OUT/$name.log"; then
    echo ">> JMH exited with an error for $name; continuing" >&2
  fi
}
run_jmh t1 1 'dev\.plinth\.bench\..*'
if [[ $MODE != smoke ]]; then
  run_jmh t4 4 'dev\.plinth\.bench\..*'
  run_jmh t16 16 'dev\.plinth\.bench\.RedisBench\..*'
fi

# ---------------------------------------------------------------- heap
echo ">> heap footprint"
# Serial GC and a fixed heap: System.gc() is a full compacting collection, so used-heap deltas are stable.
java -XX:+UseSerialGC -Xms1g -Xmx1g -cp "$JAR" dev.plinth.bench.HeapFootprint "$OUT/heap.md"

# ---------------------------------------------------------------- invalidation latency (issue 18)
# Two JVMs, write in one to stale read gone in the other; not JMH (see InvalidationLatency's javadoc).
ROUNDS=1000
[[ $MODE == smoke ]] && ROUNDS=10
echo ">> invalidation latency, $ROUNDS rounds"
if ! java -cp "$JAR" dev.plinth.bench.InvalidationLatency "$ROUNDS" 2>&1 | tee "$OUT/invalidation.log"; then
  echo ">> the invalidation latency run failed (see $OUT/invalidation.log)" >&2
  [[ $MODE == smoke ]] && exit 1
fi

# ---------------------------------------------------------------- report
ELAPSED=$(( $(date +%s) - START ))
REPORT=docs/benchmarks.md
[[ $MODE == smoke ]] && REPORT=$OUT/benchmarks.md
RESULTS=()
for f in "$OUT"/t1.json "$OUT"/t4.json "$OUT"/t16.json; do [[ -f $f ]] && RESULTS+=("$f"); done
java -cp "$JAR" dev.plinth.bench.report.BenchReport \
  --mode "$MODE" --command "$COMMAND" --jmh "${JMH_OPTS[*]}${EXTRA[*]:+ ${EXTRA[*]}}" \
  --elapsed "$ELAPSED" --load "$LOAD" --heap "$OUT/heap.md" \
  --out "$REPORT" "${RESULTS[@]}"
echo ">> wrote $REPORT in ${ELAPSED}s (results in $OUT)"
if grep -q '<failure>' "$OUT"/*.log; then
  echo ">> some benchmarks failed; their rows say 'not run'. See the <failure> blocks in $OUT/*.log" >&2
  [[ $MODE == smoke ]] && exit 1
fi
exit 0
