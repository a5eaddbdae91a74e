#!/bin/sh
# The Rust unit tests under valgrind's memcheck: any definite or indirect leak, or any
# invalid read/write, fails (exit 1). Run from the repo root: `npm run leak:native`.
# Extra arguments go to the test binary (e.g. a module filter: `npm run leak:native -- schema`).
# Tests that assert wall-clock bounds (ReDoS "linear time", "quickly") are skipped: under
# valgrind everything runs 20-50x slower, which says nothing about leaks.
set -eu
cd "$(dirname "$0")/.."
bin=$(cargo test --lib --no-run --message-format=json 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){try{const m=JSON.parse(l);if(m.profile&&m.profile.test&&m.executable)console.log(m.executable)}catch{}}})' | tail -n 1)
[ -n "$bin" ] || { echo "leak-native: could not build the unit-test binary" >&2; exit 1; }
echo "leak-native: valgrind $bin"
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --track-origins=no \
  "$bin" --test-threads=1 --skip quickly --skip linear_time --skip _time_ "$@"
