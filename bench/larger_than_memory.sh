#!/usr/bin/env bash
# `make bench-large`: kam abc on a CSV much larger than the memory it may use.
#
# Generates 100 M order lines (13 GB) once, then runs `kam abc` twice: unconstrained,
# and inside a cgroup whose memory limit (1 GiB by default, page cache included) is a
# thirteenth of the file, after dropping the page cache so the file's pages count
# against that limit. Both runs must succeed with byte-identical output. The cgroup
# run needs root and cgroup v1 or v2 with the memory controller; without them it is
# skipped with a note.
#
# Environment: LARGE_LINES (default 100000000), LARGE_LIMIT_MB (default 1024).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${LARGE_LINES:-100000000}
limit_mb=${LARGE_LIMIT_MB:-1024}
kam=target/release/kam
dir=bench-data/orders-$lines-csv
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -f "$dir/orders.csv" ] || "$kam" generate --orders "$lines" --seed 1 --out "$dir" -q
echo "input: $dir/orders.csv, $(du -h "$dir/orders.csv" | cut -f1)"

/usr/bin/time -f "unconstrained: %e s, peak RSS %M KiB (includes the memory-mapped file's pages)" \
  "$kam" abc "$dir/orders.csv" -q -o "$out/free.csv"

cgroup=""
if [ -w /sys/fs/cgroup/memory ]; then                      # cgroup v1
  cgroup=/sys/fs/cgroup/memory/kam-bench
  mkdir -p "$cgroup"
  echo $((limit_mb * 1024 * 1024)) > "$cgroup/memory.limit_in_bytes"
  echo 0 > "$cgroup/memory.max_usage_in_bytes"
  peak_file=$cgroup/memory.max_usage_in_bytes
elif [ -w /sys/fs/cgroup/cgroup.subtree_control ]; then    # cgroup v2
  cgroup=/sys/fs/cgroup/kam-bench
  mkdir -p "$cgroup"
  echo $((limit_mb * 1024 * 1024)) > "$cgroup/memory.max"
  peak_file=$cgroup/memory.peak
fi
if [ -z "$cgroup" ]; then
  echo "no writable memory cgroup here (needs root): the limited run is skipped"
  exit 0
fi
sync
echo 1 > /proc/sys/vm/drop_caches 2>/dev/null || echo "note: could not drop the page cache; cached pages of the file are charged elsewhere"
bash -c "echo \$\$ > $cgroup/cgroup.procs; exec /usr/bin/time -f 'limited to $limit_mb MiB: %e s, exit 0' \
  $kam abc $dir/orders.csv -q -o $out/limited.csv"
echo "cgroup peak usage: $(( $(cat "$peak_file") / 1024 / 1024 )) MiB of $limit_mb MiB"
cmp "$out/free.csv" "$out/limited.csv"
echo "outputs identical ($(($(wc -l < "$out/free.csv") - 1)) customers)"
