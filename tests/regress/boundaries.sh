#!/bin/sh
# The module boundaries of DESIGN.md ("Layout"), checked rather than
# remembered (issue 14), from one table: each folder's rank (a folder may
# include the header of a folder of lower rank only, and util/ from
# anywhere), and which folders alone may include a library's headers:
# curses in tui/, mpv in player/, libav* in av/ and its named users,
# OpenCV in detect/, sqlite3 in audit/ and footage/, PAM in auth/, inih in
# config/.  A module's private header (<module>/<module>_int.h) is
# included only inside its folder (and by tests, fuzzers and benchmarks).
# keeper/ and detect/ (later work) are in the table already.  A known
# exception would be listed with the issue that removes it (none today);
# one that no longer happens fails too, so the list only shrinks.
. "$(dirname "$0")/lib.sh"

cd "$TOP" || fail "no $TOP"

# folder rank
RANKS="util 0
config 1
av 1
audit 2
player 2
detect 2
footage 3
auth 3
export 4
keeper 5
session 5
tui 6
cli 7"

# library-header-prefix folders-allowed
LIBS="curses.h tui
ncurses tui
mpv/ player
libavformat/ av export footage detect
libavcodec/ av export footage detect
libavfilter/ av export footage detect
libavutil/ av export footage detect
libswscale/ av export footage detect
opencv detect
sqlite3.h audit footage
security/ auth
ini.h config"

# from-folder to-folder: includes that break the ranks today, and the
# issue that removes them.
EXCEPTIONS=""

rank_of() {
	printf '%s\n' "$RANKS" | awk -v f="$1" '$1 == f { print $2 }'
}

bad=0
seen_exc=
report() {
	echo "boundary: $*"
	bad=$((bad + 1))
}

folders=$(printf '%s\n' "$RANKS" | awk '{ print $1 }')
for f in $folders; do
	[ -d "$f" ] || continue
	rf=$(rank_of "$f")
	for file in "$f"/*.c "$f"/*.h; do
		[ -f "$file" ] || continue
		# Project headers.
		grep -n '^#include "[a-z]*/' "$file" | while IFS= read -r l; do
			to=$(printf '%s\n' "$l" | sed 's/.*#include "\([a-z]*\)\/.*/\1/')
			[ "$to" = "$f" ] || [ "$to" = util ] && continue
			rt=$(rank_of "$to")
			if [ -z "$rt" ]; then
				echo "boundary: $file: ${l%%:*}: includes $to/, a folder the table does not list"
				continue
			fi
			[ "$rt" -lt "$rf" ] && continue
			if printf '%s\n' "$EXCEPTIONS" | grep -q "^$f $to	"; then
				echo "EXCEPTION $f $to" >>"$TMP/seen"
				continue
			fi
			echo "boundary: $file:${l%%:*}: $f/ (rank $rf) includes $to/ (rank $rt): a higher or equal folder"
		done >>"$TMP/out"
		# Libraries.
		printf '%s\n' "$LIBS" | while read -r lib allowed; do
			grep -n "^#include <$lib" "$file" >/dev/null || continue
			case " $allowed " in *" $f "*) continue ;; esac
			echo "boundary: $file: includes <$lib...>, which only $allowed may" >>"$TMP/out"
		done
		# Private headers.
		grep -n '^#include "[a-z]*/[a-z_]*_int\.h"' "$file" | while IFS= read -r l; do
			m=$(printf '%s\n' "$l" | sed 's/.*#include "\([a-z]*\)\/.*/\1/')
			[ "$m" = "$f" ] || echo "boundary: $file:${l%%:*}: includes the private header of $m/" >>"$TMP/out"
		done
	done
done
# Tests, fuzzers and benchmarks may include private headers.
[ -f "$TMP/out" ] && { cat "$TMP/out"; bad=$(wc -l <"$TMP/out"); }
[ -z "$EXCEPTIONS" ] || printf '%s\n' "$EXCEPTIONS" | while IFS='	' read -r pair why; do
	grep -qx "EXCEPTION $pair" "$TMP/seen" 2>/dev/null ||
	    echo "boundary: the exception '$pair' ($why) no longer happens: remove it from the table" >>"$TMP/stale"
done
[ -f "$TMP/stale" ] && { cat "$TMP/stale"; bad=$((bad + $(wc -l <"$TMP/stale"))); }
[ "$bad" -eq 0 ] || fail "$bad boundary violation(s)"
echo "boundaries hold: $(printf '%s\n' "$folders" | wc -l) folders in the table, $(printf '%s' "$EXCEPTIONS" | grep -c .) known exceptions"
exit 0
