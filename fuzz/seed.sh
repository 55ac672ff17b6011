#!/usr/bin/env bash
# Seeds the fuzz corpus (fuzz/corpus/pipeline, git-ignored) from the real sessions in
# ../shared/corpus and the shipped demo, each behind a 10-byte header the target reads as
# "no mutator, seed 0, chunk 64". Nothing is copied into the repository.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus/pipeline
mkdir -p "$out"
n=0
for f in ../assets/demo/session.jsonl $(find ../../shared/corpus -name '*.jsonl' -size -1024k 2>/dev/null); do
  { printf '\013\0\0\0\0\0\0\0\0\100'; cat "$f"; } > "$out/seed-$n"
  n=$((n + 1))
done
echo "seeded $n files into fuzz/$out"
