#!/usr/bin/env bash
# Issue 18 point 1 (and issue 2's list benchmark): the release server's pages as a ratio of a
# bare axum handler serving a same-size static page (benches/bare_axum.rs), started by this
# script in the same run, so a noisy machine moves both sides alike. It builds the release
# binary and the bare handler, seeds 100,000 demo organizations and the demo tenders
# (`civicbridge seed`), starts `civicbridge serve` and the bare handler (sized to the measured
# /orgs?league=… page) on loopback, signs in as the demo organization administrator with curl,
# and loads each endpoint with wrk: the bare handler (first and last; its mean is the
# reference), /healthz, /orgs?league=…, /tenders?state=published, /me (signed in), and the
# list's deep page and JSON. It prints wrk's output, a CPU summary, a table of each
# endpoint's req/s, p50, p99, its ratio to the bare handler and issue 18's target (met or
# NOT met), and the server's peak memory (VmHWM; issue 18 point 6: <= 150 MB).
#
# Usage (from the repository root):
#   benches/load.sh
#
# Environment (all optional):
#   CARGO_TARGET_DIR  where cargo builds (default: ./target); the binaries used are
#                     $CARGO_TARGET_DIR/release/civicbridge and the newest
#                     $CARGO_TARGET_DIR/release/deps/bare_axum-*
#   ORGS              organizations to seed                   (default: 100000)
#   TENDERS_PER_STATE demo tenders per state, `seed --tenders-per-state` (default: 300,
#                     2,701 tenders of which 300 published, ~1 minute of seeding: the seed
#                     walks each tender through its lifecycle, ~20 ms each, so issue 18's
#                     50,000 would take ~18 minutes; past ~39 rounds the seed's timeline,
#                     relative to today, gives later tenders dates in the future)
#   LEAGUE            league/city code the list is filtered by (default: 150100, Hohhot)
#   CONNECTIONS       wrk connections                         (default: 64)
#   THREADS           wrk threads                             (default: 2)
#   DURATION          measured wrk run per endpoint           (default: 20s)
#   WARMUP            unmeasured warm-up per endpoint         (default: 5s)
#   RUNS              measured runs per endpoint              (default: 1)
#   WRK_TIMEOUT       wrk's per-request timeout               (default: 10s; wrk's own 2s
#                     drops a slow page's requests from the latencies)
#   LOGIN_EMAIL       the signed-in user for /me (default: org@demo.civicbridge.cn, the demo
#                     organization's administrator; password LOGIN_PASSWORD, default
#                     demo-password)
#   SKIP_BUILD=1      use the existing release binaries, don't run cargo
#   KEEP_DATA=1       keep the temporary data directory (its path is printed)
#
# Requires cargo, wrk and curl (Debian: apt-get install wrk curl). The build runs with
# --offline so the script itself never leaves the machine (run `cargo fetch` once if the
# dependencies aren't downloaded yet); everything else talks to 127.0.0.1 only.
# Targets (issue 18 point 1), as ratios of the bare handler's req/s at 64 connections:
# /orgs and /tenders >= 25% with p99 <= 20 ms, /healthz >= 70%, /me >= 10%. (Issue 2's
# absolute targets, list >= 3,000 req/s and p99 <= 50 ms, are in the CPU summary's numbers.)
set -euo pipefail

ORGS=${ORGS:-100000}
TENDERS_PER_STATE=${TENDERS_PER_STATE:-300}
LOGIN_EMAIL=${LOGIN_EMAIL:-org@demo.civicbridge.cn}
LOGIN_PASSWORD=${LOGIN_PASSWORD:-demo-password}
LEAGUE=${LEAGUE:-150100}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
RUNS=${RUNS:-1}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
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
    echo "== building $BIN and the bare handler (benches/bare_axum.rs)"
    cargo build --release --offline --bin civicbridge --bench bare_axum
fi
if [[ ! -x "$BIN" ]]; then
    echo "error: $BIN not found (build it, or set CARGO_TARGET_DIR)" >&2
    exit 1
fi
# Cargo names bench binaries with a hash; the newest is the one just built.
BARE_BIN=$(ls -t "$TARGET_DIR"/release/deps/bare_axum-* 2>/dev/null | grep -v '\.d$' | head -n1 || true)
if [[ -z "$BARE_BIN" || ! -x "$BARE_BIN" ]]; then
    echo "error: the bare handler is not built (cargo build --release --bench bare_axum)" >&2
    exit 1
fi

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/civicbridge-bench.XXXXXX")
SERVER_PID=""
BARE_PID=""
cleanup() {
    local pid
    for pid in "$SERVER_PID" "$BARE_PID"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
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
    echo "binaries: $BIN (prebuilt $(date -r "$BIN" '+%F %T')), $BARE_BIN"
else
    echo "binaries: $BIN, $BARE_BIN (built from $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes'))"
fi

echo
echo "== seeding $ORGS organizations and $TENDERS_PER_STATE demo tenders per state into $DATA_DIR"
seed_start=$(date +%s.%N)
RUST_LOG=warn "$BIN" --data-dir "$DATA_DIR" seed --orgs "$ORGS" --tenders-per-state "$TENDERS_PER_STATE"
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
# The API's per-address rate limit is off: every wrk request comes from 127.0.0.1, and this
# measures the pages, not the limiter (which would answer 429 after the first 300).
CIVICBRIDGE_API_RATE_LIMIT=0 RUST_LOG=warn "$BIN" --data-dir "$DATA_DIR" serve --bind "127.0.0.1:$PORT" \
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

# CPU ticks: the whole machine (user + nice + system, and total), a process (the server or the
# bare handler), and this script's waited-for children (wrk). What's left is other processes,
# which spoil a measurement. (Interrupt and softirq time, where much of loopback TCP is
# processed, belongs to no process and is left out.)
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
child_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }

mem() {
    # RssAnon is the heap; RssFile is mapped files (the search index, the binary), pages the
    # kernel can drop and read again.
    grep -E '^(VmRSS|VmHWM|RssAnon|RssFile)' "/proc/$1/status" | tr -s ' \t' ' ' | paste -sd ' ' -
}
echo "memory after start: $(mem "$SERVER_PID")"

# Signing in: the log-in form's CSRF token and cookie, then the POST; the session cookie is
# read from Set-Cookie headers (not a curl cookie jar, which may keep `Secure` cookies from
# plain-HTTP loopback to itself) and handed to wrk as a header.
declare -A JAR=()
take_cookies() {
    local line
    while IFS= read -r line; do
        line=${line%$'\r'}
        if [[ "${line,,}" == set-cookie:* ]]; then
            line=${line#*:}
            line=${line# }
            line=${line%%;*}
            JAR["${line%%=*}"]=${line#*=}
        fi
    done
}
cookie_header() {
    local k out=""
    for k in "${!JAR[@]}"; do
        out+="${out:+; }$k=${JAR[$k]}"
    done
    printf '%s' "$out"
}
echo
echo "== signing in as $LOGIN_EMAIL"
take_cookies < <(curl -fsS -D - -o "$DATA_DIR/login.html" "$BASE/login")
CSRF=$(grep -o 'name="_csrf" value="[^"]*"' "$DATA_DIR/login.html" | head -n1 | sed 's/.*value="//; s/"$//')
if [[ -z "$CSRF" ]]; then
    echo "error: no _csrf field on /login" >&2
    exit 1
fi
take_cookies < <(curl -sS -D - -o /dev/null -H "Cookie: $(cookie_header)" \
    --data-urlencode "email=$LOGIN_EMAIL" --data-urlencode "password=$LOGIN_PASSWORD" \
    --data-urlencode "_csrf=$CSRF" "$BASE/login")
COOKIE=$(cookie_header)
me_status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/me")
if [[ "$me_status" != 200 ]]; then
    echo "error: /me answered $me_status after signing in (wrong account or password?)" >&2
    exit 1
fi
echo "signed in: /me answers 200 with the session cookie"

# label | path | "server" or "bare" | with the session cookie (1) or not (0)
ENDPOINTS=(
    "bare handler (first)|/|bare|0"
    "/healthz|/healthz|server|0"
    "/orgs?league=$LEAGUE|/orgs?league=$LEAGUE|server|0"
    "/tenders?state=published|/tenders?state=published|server|0"
    "/me (organization administrator)|/me|server|1"
    "/orgs?league=$LEAGUE&page=50|/orgs?league=$LEAGUE&page=50|server|0"
    "/api/v1/orgs?league=$LEAGUE|/api/v1/orgs?league=$LEAGUE|server|0"
    "bare handler (last)|/|bare|0"
)

echo
echo "== response sizes, uncompressed as wrk gets them (status, bytes)"
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r label path who auth <<<"$e"
    [[ "$who" == server ]] || continue
    hdr=()
    if [[ "$auth" == 1 ]]; then hdr=(-H "Cookie: $COOKIE"); fi
    curl -fsS -o /dev/null "${hdr[@]}" -w "%{http_code} %{size_download}  $path\n" "$BASE$path"
done
BARE_BYTES=$(curl -fsS -o /dev/null -w '%{size_download}' "$BASE/orgs?league=$LEAGUE")

BARE_PORT=$(free_port)
BARE="http://127.0.0.1:$BARE_PORT"
echo
echo "== starting the bare handler on $BARE, $BARE_BYTES bytes (the size of /orgs?league=$LEAGUE)"
"$BARE_BIN" --bind "127.0.0.1:$BARE_PORT" --bytes "$BARE_BYTES" >"$DATA_DIR/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$BARE/" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$BARE_PID" 2>/dev/null; then
        echo "error: the bare handler exited" >&2
        cat "$DATA_DIR/bare.log" >&2
        exit 1
    fi
    sleep 0.1
done
curl -fsS -o /dev/null -w "%{http_code} %{size_download} %{content_type}  bare /\n" "$BARE/"

SUMMARY=$'| endpoint | run | req/s | p50 | p99 | errors | process CPU | process ms/req | other CPU |\n|---|---|---|---|---|---|---|---|---|\n'
RESULTS=() # label|run|req/s|p50|p99|errors
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r label path who auth <<<"$e"
    if [[ "$who" == bare ]]; then url="$BARE$path"; pid=$BARE_PID; else url="$BASE$path"; pid=$SERVER_PID; fi
    hdr=()
    if [[ "$auth" == 1 ]]; then hdr=(-H "Cookie: $COOKIE"); fi
    echo
    echo "== $label: warm-up $WARMUP"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" "${hdr[@]}" "$url" >/dev/null
    for run in $(seq 1 "$RUNS"); do
        echo "== $label: run $run, wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $WRK_TIMEOUT --latency $url"
        read -r busy0 total0 < <(machine_ticks)
        p0=$(proc_ticks "$pid")
        kids0=$(child_ticks)
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "${hdr[@]}" "$url")
        read -r busy1 total1 < <(machine_ticks)
        p1=$(proc_ticks "$pid")
        kids1=$(child_ticks)
        echo "$out"
        echo "memory ($who): $(mem "$pid")"
        ncpu=$(nproc)
        p_pct=$(( 100 * ncpu * (p1 - p0) / (total1 - total0) ))
        other_pct=$(( 100 * ncpu * (busy1 - busy0 - (p1 - p0) - (kids1 - kids0)) / (total1 - total0) ))
        if (( other_pct < 0 )); then other_pct=0; fi
        requests=$(awk '/requests in/ { print $1 }' <<<"$out")
        p_ms=$(awk -v t="$((p1 - p0))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
            'BEGIN { printf "%.3f", (n > 0 ? t * 1000 / hz / n : 0) }')
        echo "cpu: $who ${p_pct}% (100% = one core), ${p_ms} ms per request; other processes ${other_pct}%"
        if (( other_pct > 10 )); then
            echo "warning: other processes used ${other_pct}% of a core during this run; its numbers are not representative" >&2
        fi
        row=$(awk '
            /Requests\/sec/ { rps = $2 }
            $1 == "50%" { p50 = $2 }
            $1 == "99%" { p99 = $2 }
            /requests in/ { n = $1 }
            /Non-2xx|Socket errors/ { err = err $0 " " }
            END {
                if (n == 0) err = err "no request completed "
                if (err == "") err = "0"
                printf "%s|%s|%s|%s", rps, p50, p99, err
            }
        ' <<<"$out")
        RESULTS+=("$label|$run|$row")
        IFS='|' read -r rps p50 p99 err <<<"$row"
        SUMMARY+="| \`$label\` | $run | $rps | $p50 | $p99 | $err | ${p_pct}% | ${p_ms} | ${other_pct}% |"$'\n'
    done
done

echo
echo "== CPU summary ($THREADS threads, $CONNECTIONS connections, $DURATION per run, $ORGS organizations)"
printf '%s' "$SUMMARY"
echo "(process: the server, or the bare handler on its rows; CPU 100% = one core; ms/req: that"
echo " process's CPU time per request; other CPU: everything but it and wrk, which should be"
echo " near 0 for the run to count)"

# The ratio table: each server row against the mean req/s of all the bare handler's runs
# (first and last, so a machine that slowed down during the run shows as a gap between them).
echo
echo "== ratios against the bare axum handler ($(date -u '+%F %H:%M UTC'), $CONNECTIONS connections, $DURATION per run)"
printf '%s\n' "${RESULTS[@]}" | awk -F'|' -v league="$LEAGUE" '
    function ms(v) {
        if (v ~ /us$/) return v / 1000
        if (v ~ /ms$/) return v + 0
        if (v ~ /m$/) return v * 60000
        if (v ~ /s$/) return v * 1000
        return v + 0
    }
    { label[NR] = $1; run[NR] = $2; rps[NR] = $3; p50[NR] = $4; p99[NR] = $5; err[NR] = $6
      if ($1 ~ /^bare handler/) { bsum += $3; bn++ } }
    END {
        bare = (bn > 0 ? bsum / bn : 0)
        printf "bare handler reference: %.0f req/s (mean of %d runs)\n", bare, bn
        print "| endpoint | run | req/s | p50 | p99 | ratio to bare | target | met |"
        print "|---|---|---|---|---|---|---|---|"
        for (i = 1; i <= NR; i++) {
            l = label[i]; ratio = (bare > 0 ? 100 * rps[i] / bare : 0)
            target = "—"; met = "—"
            if (l ~ /^bare handler/) { target = "reference" }
            else if (l == "/healthz") { target = "≥ 70%"; ok = (ratio >= 70) }
            else if (l == "/orgs?league=" league || l == "/tenders?state=published") {
                target = "≥ 25%, p99 ≤ 20 ms"; ok = (ratio >= 25 && ms(p99[i]) <= 20)
            }
            else if (l ~ /^\/me/) { target = "≥ 10%"; ok = (ratio >= 10) }
            if (target != "—" && target != "reference") {
                if (err[i] != "0") ok = 0
                met = (ok ? "met" : "**NOT met**")
            }
            e = (err[i] == "0" ? "" : " (errors: " err[i] ")")
            printf "| `%s` | %s | %.0f | %s | %s | %.1f%% | %s | %s%s |\n", l, run[i], rps[i], p50[i], p99[i], ratio, target, met, e
        }
    }'

echo
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
awk -v k="$hwm" 'BEGIN { printf "peak server memory (VmHWM): %.1f MB (target <= 150 MB: %s)\n", k / 1024, (k / 1024 <= 150 ? "met" : "NOT met") }'
echo "server: $(mem "$SERVER_PID"); bare handler: $(mem "$BARE_PID")"
