#!/usr/bin/env bash
# Issue 2 load benchmark: the public organization list over 100,000 demo organizations,
# served by the release build and loaded from loopback with wrk, with /healthz (a trivial
# handler in the same binary) as the ceiling.
#
# Usage (from the repository root):
#   benches/load.sh
#
# Environment (all optional):
#   CARGO_TARGET_DIR  where cargo builds (default: ./target); the binary used is
#                     $CARGO_TARGET_DIR/release/civicbridge
#   ORGS              organizations to seed                   (default: 100000)
#   LEAGUE            league/city code the list is filtered by (default: 150100, Hohhot)
#   CONNECTIONS       wrk connections                         (default: 64)
#   THREADS           wrk threads                             (default: 2)
#   DURATION          measured wrk run per endpoint           (default: 20s)
#   WARMUP            unmeasured warm-up per endpoint         (default: 5s)
#   RUNS              measured runs per endpoint              (default: 1)
#   SKIP_BUILD=1      use the existing release binary, don't run cargo
#   KEEP_DATA=1       keep the temporary data directory (its path is printed)
#
# Requires cargo, wrk and curl (Debian: apt-get install wrk curl). The build runs with
# --offline so the script itself never leaves the machine (run `cargo fetch` once if the
# dependencies aren't downloaded yet); everything else talks to 127.0.0.1 only.
# Targets (issue 2): list >= 3,000 req/s and p99 <= 50 ms on 2 cores, memory <= 150 MB.
set -euo pipefail

ORGS=${ORGS:-100000}
LEAGUE=${LEAGUE:-150100}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
RUNS=${RUNS:-1}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN="$TARGET_DIR/release/civicbridge"

if [[ ! -f Cargo.toml || ! -d benches ]]; then
    echo "error: run from the repository root" >&2
    exit 1
fi
for tool in wrk curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool is required (Debian/Ubuntu: apt-get install $tool)" >&2
        exit 1
    fi
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building $BIN"
    cargo build --release --offline --bin civicbridge
fi
if [[ ! -x "$BIN" ]]; then
    echo "error: $BIN not found (build it, or set CARGO_TARGET_DIR)" >&2
    exit 1
fi

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/civicbridge-bench.XXXXXX")
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ "${KEEP_DATA:-0}" == 1 ]]; then
        echo "data directory kept: $DATA_DIR"
    else
        rm -rf "$DATA_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== machine"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
rustc --version 2>/dev/null || true
wrk --version 2>&1 | head -n1 || true
if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
    echo "binary: $BIN (prebuilt $(date -r "$BIN" '+%F %T'))"
else
    echo "binary: $BIN (built from $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes'))"
fi

echo
echo "== seeding $ORGS organizations into $DATA_DIR"
seed_start=$(date +%s.%N)
RUST_LOG=warn "$BIN" --data-dir "$DATA_DIR" seed --orgs "$ORGS"
seed_end=$(date +%s.%N)
awk -v a="$seed_start" -v b="$seed_end" \
    'BEGIN { printf "seed wall time, process start to exit (incl. migrations): %.1f s\n", b - a }'
du -sh "$DATA_DIR"

# A loopback port nobody listens on (connecting to it is refused).
free_port() {
    local p
    for p in $(shuf -i 20000-60000 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

echo
echo "== starting the server on $BASE"
RUST_LOG=warn "$BIN" --data-dir "$DATA_DIR" serve --bind "127.0.0.1:$PORT" \
    >"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: the server exited" >&2
        cat "$DATA_DIR/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
curl -fsS -o /dev/null "$BASE/healthz"

# CPU ticks: the whole machine (user + nice + system, and total), the server, and this
# script's waited-for children (wrk). What's left is other processes, which spoil a
# measurement. (Interrupt and softirq time, where much of loopback TCP is processed, belongs
# to no process and is left out.)
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
child_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }

mem() {
    grep -E '^(VmRSS|VmHWM)' "/proc/$SERVER_PID/status" | tr -s ' \t' ' ' | paste -sd ' ' -
}
echo "memory after start: $(mem)"

ENDPOINTS=(
    "/healthz"
    "/orgs?league=$LEAGUE"
    "/orgs?league=$LEAGUE&page=50"
    "/api/v1/orgs?league=$LEAGUE"
)

echo
echo "== response sizes (status, bytes)"
for ep in "${ENDPOINTS[@]}"; do
    curl -fsS -o /dev/null -w "%{http_code} %{size_download}  $ep\n" "$BASE$ep"
done

SUMMARY=$'| endpoint | run | req/s | p50 | p99 | errors | server CPU | server ms/req | other CPU |\n|---|---|---|---|---|---|---|---|---|\n'
for ep in "${ENDPOINTS[@]}"; do
    echo
    echo "== $ep: warm-up $WARMUP"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$BASE$ep" >/dev/null
    for run in $(seq 1 "$RUNS"); do
        echo "== $ep: run $run, wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
        read -r busy0 total0 < <(machine_ticks)
        srv0=$(server_ticks)
        kids0=$(child_ticks)
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$ep")
        read -r busy1 total1 < <(machine_ticks)
        srv1=$(server_ticks)
        kids1=$(child_ticks)
        echo "$out"
        echo "memory: $(mem)"
        ncpu=$(nproc)
        srv_pct=$(( 100 * ncpu * (srv1 - srv0) / (total1 - total0) ))
        other_pct=$(( 100 * ncpu * (busy1 - busy0 - (srv1 - srv0) - (kids1 - kids0)) / (total1 - total0) ))
        if (( other_pct < 0 )); then other_pct=0; fi
        requests=$(awk '/requests in/ { print $1 }' <<<"$out")
        srv_ms=$(awk -v t="$((srv1 - srv0))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
            'BEGIN { printf "%.3f", (n > 0 ? t * 1000 / hz / n : 0) }')
        echo "cpu: server ${srv_pct}% (100% = one core), ${srv_ms} ms per request; other processes ${other_pct}%"
        if (( other_pct > 10 )); then
            echo "warning: other processes used ${other_pct}% of a core during this run; its numbers are not representative" >&2
        fi
        row=$(awk '
            /Requests\/sec/ { rps = $2 }
            $1 == "50%" { p50 = $2 }
            $1 == "99%" { p99 = $2 }
            /Non-2xx|Socket errors/ { err = err $0 " " }
            END { if (err == "") err = "0"; printf "%s | %s | %s | %s", rps, p50, p99, err }
        ' <<<"$out")
        SUMMARY+="| \`$ep\` | $run | $row | ${srv_pct}% | ${srv_ms} | ${other_pct}% |"$'\n'
    done
done

echo
echo "== summary ($THREADS threads, $CONNECTIONS connections, $DURATION per run, $ORGS organizations)"
printf '%s' "$SUMMARY"
echo "(server CPU: 100% = one core; server ms/req: server CPU time per request; other CPU:"
echo " everything but the server and wrk, which should be near 0 for the run to count)"
echo "peak server memory: $(mem)"
