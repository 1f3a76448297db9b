#!/bin/sh
# Seed corpora for the fuzz targets, in fuzz/corpus/<target>/ (not committed): the
# bad-input corpus of tests/corpus/ for input_abc (after an options byte of 0: UTF-8,
# delimiter sniffed, money scale 2, CSV), and the notations docs/inputs.md documents
# for the value readers. libFuzzer grows the corpus from these and keeps what it finds.
set -eu
cd "$(dirname "$0")"
for t in input_abc parse_values dates money option_values; do mkdir -p "corpus/$t"; done
for f in ../tests/corpus/*; do
    [ -f "$f" ] || continue
    case "$f" in *.ndjson) flags='\007' ;; *) flags='\000' ;; esac
    { printf "$flags"; cat "$f"; } > "corpus/input_abc/seed-$(basename "$f")"
done
seed() { # target, name, text
    printf '%s' "$3" > "corpus/$1/seed-$2"
}
n=0
for v in 2024-03-05 2024/3/5 2024.3.5 2024年3月5日 20240305 "2024-03-05 10:11:12" 2024-03-05T10:11 \
         45292 45292.5 05/03/2024 25/03/2024 03/25/2024 0000-01-01 2023-02-29 2100-02-29 "" " 2024-01-01 "; do
    n=$((n + 1)); seed dates "$n" "$v"
done
n=0
for v in 1234.50 -12 -0.07 1,234.50 ¥1,234.50 ￥1,000元 "RMB 1,000,000.01" '$5' €5 £5 "(12.50)" 100.20- "50.00 CR" 50.00DR \
         １２３．４５ 1.234,56 717,70 "1 234,5" 12,34.00 1.234 99999999999999999999999999999999999999 "" "+5"; do
    n=$((n + 1)); seed money "$n" "$v"
done
n=0
for v in 2024-3 2024-03 2024/03 2024.3 202403 2024年3月 2024-13 24-03 2024 2024-06-30 2024/6/30 20240630 \
         0.20 20% 5000000 5,000,000.00 amount=金额 receivables:invoice_id=发票号 "amount=Sales:Net" orders:13 customer tab ";" 4; do
    n=$((n + 1)); seed option_values "$n" "$v"
done
# parse_values: an options byte (money scale, decimal comma, date order), then one cell per line.
printf '\002%s' "1234.50
-12
1,234.50
¥1,234.50
(12.50)
100.20-
50.00 CR
１２３．４５
2024-03-05
2024/3/5
20240305
45292
05/03/2024
12
3.5
1,234
" > corpus/parse_values/seed-notations
printf '\006%s' "1.234,56
717,70
1 234,5
12.50
25/03/2024
" > corpus/parse_values/seed-decimal-comma
