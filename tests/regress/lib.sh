# Sourced by every regression script: a private temporary directory removed
# on exit, and small assertion helpers.  Scripts exit 0 (pass), 77 (skip,
# last line says why) or anything else (fail).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
VIGIL=${VIGIL:-$BUILD/vigil}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-test.XXXXXX")
# The demo recorder's day is pinned: no test depends on today's date.
export DEMO_FOOTAGE_DATE=2026-11-20
# Expected outputs are written in UTC: the tests pin the zone rather than
# depend on the machine's (make check-date runs them in another one).
export TZ=UTC
regress_cleanup() { :; }
trap 'regress_cleanup; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

# fail MESSAGE: prints where and exits 1.
fail() { echo "FAIL: $*" >&2; exit 1; }
# skip REASON: the last line printed says why; exits 77.
skip() { echo "skipped: $*"; exit 77; }
# expect_status N CMD...: runs CMD, fails unless it exits N; output in $OUT.
expect_status() {
	want=$1; shift
	OUT=$("$@" 2>&1); got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; output: $OUT"
}
# expect_match REGEX TEXT: fails unless TEXT matches the extended REGEX.
expect_match() {
	printf '%s\n' "$2" | grep -Eq -- "$1" || fail "expected /$1/ in: $2"
}
