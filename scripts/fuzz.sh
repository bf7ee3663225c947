#!/usr/bin/env bash
# Fuzzes Trame's parsers with libFuzzer.
#
#   scripts/fuzz.sh [--ci] [--merge] [--build-only] [SECONDS] [TARGET…]
#
# Targets (Fuzz/Targets/*): project quantity ini friction nomenclature upload query (default: all).
# SECONDS is the time per target (default 60); --ci runs 15 s per target, on every target but query (its
# build needs the whole web stack — Hummingbird, NIO, swift-crypto — under ASan, about ten minutes of a
# 2-core CI machine for a parser of four numbers; run it here, `scripts/fuzz.sh query`).
#
# The targets are declared in Package.swift only when TRAME_FUZZ=1 and are built here in their own scratch
# folder (.build-fuzz, git-ignored) with -sanitize=fuzzer,address, so `swift build` and `swift test` never
# see them. Each run reads the seeds in Fuzz/corpus/TARGET and writes what it finds to
# .build-fuzz/corpus/TARGET (kept between runs); the repository is written only with --merge, which
# minimises that corpus into Fuzz/corpus/TARGET. Crash reproducers go to .build-fuzz/crashes/TARGET.
#
# Reproducers of crashes that are known and not fixed yet live in Fuzz/reproducers/open/TARGET (their
# owners fix them); fixed ones in Fuzz/reproducers/fixed/TARGET, replayed by FuzzRegressionTests. In --ci
# mode a target whose open reproducer still crashes is replayed only (and reported), not fuzzed, so CI
# stays red only for new crashes.
#
# --build-only builds the targets and stops (.ci/run builds them at low priority while the tests run).
#
# Prints per target: executions, time, corpus size, crashes (with the reproducer file); exits 1 on a crash.
set -uo pipefail
cd "$(dirname "$0")/.."

ci=0; merge=0; build_only=0; seconds=60; targets=()
for a in "$@"; do
  case "$a" in
    --ci) ci=1; seconds=15 ;;
    --merge) merge=1 ;;
    --build-only) build_only=1 ;;
    ''|*[!0-9]*) targets+=("$a") ;;
    *) seconds="$a" ;;
  esac
done
all=(project quantity ini friction nomenclature upload query)
ci_targets=(project quantity ini friction nomenclature upload)
if [ ${#targets[@]} -eq 0 ]; then
  if [ $ci = 1 ]; then targets=("${ci_targets[@]}"); else targets=("${all[@]}"); fi
fi

product() { case "$1" in
  project) echo FuzzProject ;; quantity) echo FuzzQuantity ;; ini) echo FuzzIni ;; friction) echo FuzzFriction ;;
  nomenclature) echo FuzzNomenclature ;; upload) echo FuzzUpload ;; query) echo FuzzQuery ;;
  *) echo "fuzz.sh: unknown target '$1' (known: ${all[*]})" >&2; exit 2 ;;
esac; }
dict() { case "$1" in friction|nomenclature) echo table ;; *) echo "$1" ;; esac; }
# Per-input time budget (s; debug build with ASan) and largest input (bytes).
timeout_of() { case "$1" in upload) echo 20 ;; project|nomenclature) echo 10 ;; *) echo 5 ;; esac; }
maxlen_of() { case "$1" in upload) echo 32768 ;; project) echo 16384 ;; quantity|query) echo 256 ;; *) echo 4096 ;; esac; }

scratch=.build-fuzz
export TRAME_FUZZ=1
# The computing modules unoptimised (Package.swift): the parsers fuzzed here do not need -O, and the build
# takes half the time (242 s against 446 s from scratch here).
export TRAME_DEBUG_ONONE=1
t0=$(date +%s)
for t in "${targets[@]}"; do
  p=$(product "$t") || exit 2
  echo "fuzz.sh: building $p" >&2
  mkdir -p "$scratch"
  if ! swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address --product "$p" >"$scratch/build-$p.log" 2>&1; then
    grep -E "error:" "$scratch/build-$p.log" | head -20 >&2
    echo "fuzz.sh: build of $p failed (log: $scratch/build-$p.log)" >&2; exit 2
  fi
done
bin="$(swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address --show-bin-path)"
echo "fuzz.sh: built in $(( $(date +%s) - t0 )) s" >&2
[ $build_only -eq 1 ] && exit 0

# Swift's runtime and GDAL keep allocations until exit: no leak reports. GDAL's messages go nowhere. Swift's
# own backtracer is off: it reads memory ASan calls wild and hides the crash behind its own report.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export SWIFT_BACKTRACE=enable=no
export CPL_LOG=/dev/null

status=0
summary=()
for t in "${targets[@]}"; do
  p=$(product "$t"); exe="$bin/$p"
  work="$scratch/corpus/$t"; crashes="$scratch/crashes/$t"; mkdir -p "$work" "$crashes"
  seeds="Fuzz/corpus/$t"
  open=(); [ -d "Fuzz/reproducers/open/$t" ] && mapfile -t open < <(find "Fuzz/reproducers/open/$t" -type f | sort)
  if [ $ci -eq 1 ] && [ ${#open[@]} -gt 0 ]; then
    still=()
    for f in "${open[@]}"; do
      "$exe" -timeout="$(timeout_of "$t")" -rss_limit_mb=4096 "$f" >/dev/null 2>&1 || still+=("$f")
    done
    if [ ${#still[@]} -gt 0 ]; then
      summary+=("$(printf '%-13s not fuzzed: %d known open crash(es) still reproduce, owner to fix: %s' "$t" ${#still[@]} "${still[*]}")")
      continue
    fi
  fi
  before=$(find "$crashes" -type f | wc -l)
  log="$scratch/fuzz-$t.log"
  start=$(date +%s)
  "$exe" "$work" "$seeds" -max_total_time="$seconds" -timeout="$(timeout_of "$t")" -max_len="$(maxlen_of "$t")" \
    -rss_limit_mb=4096 -dict="Fuzz/dict/$(dict "$t").dict" -artifact_prefix="$crashes/" -print_final_stats=1 \
    -close_fd_mask=1 >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ -z "$execs" ]; then execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); fi
  files=$(find "$work" -type f | wc -l); bytes=$(du -sb "$work" | cut -f1)
  new=$(find "$crashes" -type f -newermt "@$start" | sort)
  line=$(printf '%-13s %10s execs in %4d s, corpus %5d files (%d bytes)' "$t" "${execs:-?}" "$secs" "$files" "$bytes")
  if [ $rc -ne 0 ] || [ -n "$new" ]; then
    status=1
    line="$line, CRASH (exit $rc): ${new:-see $log}"
    echo "---- $t: libFuzzer's report ($log) ----" >&2
    grep -E "ERROR|SUMMARY|Fatal error|Assertion|#[0-9]+ 0x|artifact|Test unit" "$log" | grep -v "Cannot export" | head -25 >&2
  else
    line="$line, no crash"
  fi
  summary+=("$line")
  if [ $merge -eq 1 ]; then
    mkdir -p "$seeds.merged"
    "$exe" -merge=1 -max_len="$(maxlen_of "$t")" -timeout="$(timeout_of "$t")" "$seeds.merged" "$seeds" "$work" >"$scratch/merge-$t.log" 2>&1 \
      && rm -rf "$seeds" && mv "$seeds.merged" "$seeds" || { rm -rf "$seeds.merged"; echo "fuzz.sh: merge of $t failed" >&2; }
  fi
done
echo "fuzz.sh: $(( $(date +%s) - t0 )) s in all"
printf '%s\n' "${summary[@]}"
exit $status
