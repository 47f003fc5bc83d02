#!/usr/bin/env bash
# Issue 2 load benchmark: the public organization list over 100,000 demo organizations,
# served by the release build and loaded from loopback with wrk.
#
# Usage (from the repository root):
#   benches/load.sh
#
# Environment (all optional):
#   CARGO_TARGET_DIR  where cargo builds (default: ./target); the binary is taken from
#                     $CARGO_TARGET_DIR/release/civicbridge
#   ORGS              organizations to seed            (default: 100000)
#   LEAGUE            league/city code to filter by    (default: 150100, Hohhot)
#   CONNECTIONS       wrk connections                  (default: 64)
#   THREADS           wrk threads                      (default: 2)
#   DURATION          wrk duration per endpoint        (default: 20s)
#   WARMUP            warm-up duration per endpoint    (default: 5s)
#   SKIP_BUILD=1      use the existing release binary without running cargo
#   KEEP_DATA=1       keep the temporary data directory (its path is printed)
#
# Requires: cargo, wrk, curl. Only 127.0.0.1 is ever contacted.
set -euo pipefail

ORGS=${ORGS:-100000}
LEAGUE=${LEAGUE:-150100}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN="$TARGET_DIR/release/civicbridge"

for tool in wrk curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool is required (Debian/Ubuntu: apt-get install $tool)" >&2
        exit 1
    fi
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building release binary ($BIN)"
    cargo build --release --bin civicbridge
fi
if [[ ! -x "$BIN" ]]; then
    echo "error: $BIN not found (build it or set CARGO_TARGET_DIR)" >&2
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
trap cleanup EXIT INT TERM

echo "== machine"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
rustc --version 2>/dev/null || true
wrk --version 2>&1 | head -n1 || true

echo "== seeding $ORGS organizations into $DATA_DIR"
seed_start=$(date +%s.%N)
RUST_LOG=warn "$BIN" --data-dir "$DATA_DIR" seed --orgs "$ORGS"
seed_end=$(date +%s.%N)
awk -v a="$seed_start" -v b="$seed_end" 'BEGIN { printf "seed wall time (incl. migrations): %.1f s\n", b - a }'
du -sh "$DATA_DIR"

# A free loopback port: ask the kernel for one, then hand it to the server.
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

echo "== starting server on $BASE"
RUST_LOG=warn "$BIN" --data-dir "$DATA_DIR" serve --bind "127.0.0.1:$PORT" >"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: server exited" >&2
        cat "$DATA_DIR/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
curl -fsS -o /dev/null "$BASE/healthz"

rss() {
    grep -E '^(VmRSS|VmHWM)' "/proc/$SERVER_PID/status" | tr -s ' \t' ' ' | paste -sd ' ' -
}
echo "after start: $(rss)"

ENDPOINTS=(
    "/healthz"
    "/orgs?league=$LEAGUE"
    "/orgs?league=$LEAGUE&page=50"
    "/api/v1/orgs?league=$LEAGUE"
)

echo "== response sizes"
for ep in "${ENDPOINTS[@]}"; do
    curl -fsS -o /dev/null -w "%{http_code} %{size_download} bytes  $ep\n" "$BASE$ep"
done

for ep in "${ENDPOINTS[@]}"; do
    echo
    echo "== $ep"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$BASE$ep" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$ep"
    echo "memory: $(rss)"
done

echo
echo "== peak server memory"
rss
