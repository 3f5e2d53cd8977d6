# 20-config — demo_config: demo/vigil.conf, pointing at the demo recorder
# and keeping the catalog, audit log and keys inside demo/, with the demo
# log's identity pinned.  Rewritten when its content would change (for
# example after demo/ moved).

demo_config() {
	conf="$DEMO/vigil.conf"
	mkdir -p "$DEMO/keys" "$DEMO/usb"
	chmod 700 "$DEMO/keys"
	cat >"$conf.new" <<CONF
# vigil.conf of the demo, written by 'make demo-setup' (dist/demo-setup.d/
# 20-config.sh): edits are lost when it runs again.  See vigil.conf(5).

[site]
name = Demo library (self-service)

[paths]
recorder = $DEMO/recorder
pattern = vigil
timezone = UTC
catalog_db = $DEMO/catalog.db
audit_db = $DEMO/audit.db
audit_state = $DEMO/audit.state
key_dir = $DEMO/keys
export_roots = $DEMO/usb

[player]
video_output = auto

[session]
idle_lock = 300
# dist/demo-run loads pam_wrapper and nss_wrapper with these; started as
# root, vigil keeps no other variable but TERM, LANG, LC_* and TZ.
keep_environment = LD_PRELOAD, PAM_WRAPPER*, NSS_WRAPPER_*, COLORTERM

[retention]
default_days = 7
camera.reading-room = 3
CONF
	# The demo log's identity, pinned once the log exists (30-audit runs
	# this again after creating it).
	keys="$DEMO/keys/audit-keys.txt"
	if [ -f "$keys" ]; then
		printf '\n[audit]\nlog_id = %s\npk0 = %s\n' \
		    "$(sed -n 's/^log_id //p' "$keys")" \
		    "$(sed -n 's/^pk0 //p' "$keys")" >>"$conf.new"
	fi
	chmod 644 "$conf.new"
	if [ -f "$conf" ] && cmp -s "$conf" "$conf.new"; then
		rm -f "$conf.new"
		say "config: already in place ($conf)"
	else
		mv "$conf.new" "$conf"
		say "config: $conf written"
	fi
	if [ -x "$VIGIL" ]; then
		"$VIGIL" --config "$conf" config check --quiet ||
		    die "$conf is not valid"
	fi
}
