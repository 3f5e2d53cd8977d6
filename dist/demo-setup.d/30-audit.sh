# 30-audit — demo_audit: the demo's audit log (demo/audit.db, its key state
# demo/audit.state) and its verification material demo/keys/audit-keys.txt,
# created once; an existing log is kept, never replaced.

demo_audit() {
	db="$DEMO/audit.db" state="$DEMO/audit.state"
	keys="$DEMO/keys/audit-keys.txt"
	if [ -f "$db" ] && [ -f "$state" ]; then
		say "audit: already in place ($db)"
		[ -f "$keys" ] && demo_config
		return 0
	fi
	if [ -e "$db" ] || [ -e "$state" ]; then
		die "audit: only one of $db and $state exists; move the other away"
	fi
	mkdir -p "$DEMO/keys"
	chmod 700 "$DEMO/keys"
	rm -f "$keys"
	"$VIGIL" audit init --db "$db" --state "$state" --print-keys "$keys" \
	    >/dev/null || die "audit: cannot create the demo audit log"
	say "audit: $db created; verification material in $keys"
	# Pin its identity in demo/vigil.conf.
	demo_config
}
