# vigil config check: the effective configuration of a valid file, every
# problem of a bad one as FILE:LINE, exit statuses 0 / 1 / 2, and the
# terminal's commands refusing to run on a bad configuration.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/good.conf" <<'CONF'
[site]
name = Test site
[paths]
recorder = rec
pattern = frigate
catalog_db = cat.db
[reason INCIDENT]
label = incident
requires = reference
reference_regex = INC-[0-9]+
[reason POLICE]
requires = reference, authority
[reason DSAR]
requires = reference
CONF

expect_status 0 "$VIGIL" config check --config "$TMP/good.conf"
expect_match '^name = Test site$' "$OUT"
expect_match "^recorder = $TMP/rec\$" "$OUT"
expect_match '^pattern = frigate$' "$OUT"
expect_match '^# pattern frigate is \{Y\}-\{m\}-\{d\}/\{H\}/\{camera\}/\{M\}\.\{S\}\.mp4$' "$OUT"
expect_match '^idle_lock = 300$' "$OUT"
expect_match '^reference_regex = INC-\[0-9\]\+$' "$OUT"
expect_match '^# BLAKE2b-256 [0-9a-f]{64}$' "$OUT"
# The global option works as well, and the output reads back.
"$VIGIL" --config "$TMP/good.conf" config check >"$TMP/printed.conf" ||
    fail "config check with the global --config"
expect_status 0 "$VIGIL" config check --config "$TMP/printed.conf" --quiet
[ -z "$OUT" ] || fail "--quiet printed: $OUT"

cat >"$TMP/bad.conf" <<'CONF'
[paths]
recorder = /srv/rec
pattern = {camera}/{Y}-{m}-{d}/{H}-{MM}.mp4
[session]
idle_lock = soon
[reason INCIDENT]
reference_regex = ([0-9]
[colours]
accent = red
CONF
expect_status 1 "$VIGIL" config check --config "$TMP/bad.conf"
expect_match "bad.conf:3: .*unknown token '\{MM\}'" "$OUT"
expect_match 'bad.conf:5: \[session\] idle_lock = .soon.: not a whole number; expected seconds' "$OUT"
expect_match 'bad.conf:7: .*invalid regular expression' "$OUT"
expect_match 'bad.conf:8: unknown section \[colours\]' "$OUT"
expect_match 'will not start' "$OUT"
case $OUT in *"name ="*) fail "a bad configuration was printed: $OUT" ;; esac

# A command that needs the configuration refuses to run on it.
expect_status 1 "$VIGIL" --config "$TMP/bad.conf" catalog cameras
expect_match 'bad.conf:5:' "$OUT"

expect_status 2 "$VIGIL" config check --config "$TMP/missing.conf"
expect_match 'missing.conf: No such file or directory' "$OUT"
chmod 666 "$TMP/good.conf"
expect_status 2 "$VIGIL" config check --config "$TMP/good.conf"
expect_match 'writable by anyone' "$OUT"
expect_status 2 "$VIGIL" config frobnicate
expect_status 0 "$VIGIL" config --help

# dist/vigil.conf is valid, and the values it shows commented out are the
# defaults: uncommented, they give the same configuration.
expect_status 0 "$VIGIL" config check --config "$TOP/dist/vigil.conf"
# (warnings name the file, which differs; they go to standard error)
printf '%s\n' "$OUT" | grep -v '^vigil: warning:' | sed 1,3d >"$TMP/dist.out"
grep -v '^#camera\.' "$TOP/dist/vigil.conf" |
    sed 's/^#\([A-Za-z_.]* = \)/\1/; s/^#\([A-Za-z_.]* =\)$/\1/; s/^#\(\[reason \)/\1/' \
    >"$TMP/uncommented.conf"
expect_status 0 "$VIGIL" config check --config "$TMP/uncommented.conf"
printf '%s\n' "$OUT" | grep -v '^vigil: warning:' | sed 1,3d >"$TMP/uncommented.out"
diff "$TMP/dist.out" "$TMP/uncommented.out" >"$TMP/diff" ||
    fail "dist/vigil.conf shows values that are not the defaults: $(cat "$TMP/diff")"

# Checkpoints that cannot be witnessed are warned of: no socket there, or
# none configured (issue 13, section 3).
printf '[audit]\nsyslog_socket = %s/no.sock\n' "$TMP" >"$TMP/nosock.conf"
expect_status 0 "$VIGIL" config check --config "$TMP/nosock.conf"
expect_match "warning: .*syslog_socket $TMP/no.sock: No such file or directory: witness lines will not be sent" "$OUT"
expect_match "^syslog_socket = $TMP/no.sock$" "$OUT"
printf '[audit]\nsyslog_socket = %s/nosock.conf\n' "$TMP" >"$TMP/notsock.conf"
expect_status 0 "$VIGIL" config check --config "$TMP/notsock.conf"
expect_match "nosock.conf: not a socket" "$OUT"
printf '[audit]\nsyslog_socket = none\nheartbeat_minutes = 60\n' >"$TMP/none.conf"
expect_status 0 "$VIGIL" config check --config "$TMP/none.conf"
expect_match 'syslog_socket is none: no witness lines leave the machine' "$OUT"
expect_match '^heartbeat_minutes = 60$' "$OUT"
printf '[audit]\nheartbeat_minutes = 61\n' >"$TMP/hb.conf"
expect_status 1 "$VIGIL" config check --config "$TMP/hb.conf"
expect_match 'hb.conf:2: .*minutes from 1 to 60' "$OUT"
