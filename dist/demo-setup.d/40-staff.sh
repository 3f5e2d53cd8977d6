# 40-staff — demo_staff: the demo's staff accounts, for pam_wrapper and
# nss_wrapper only (no account is created on this machine), under
# demo/staff/:
#
#   passwd, group   nss_wrapper files: alice (viewer), bob (viewer,
#                   exporter), dora (auditor), adam (admin), and the
#                   service account "vigil" the terminal drops to when the
#                   demo runs as root; the group names are those of
#                   demo/vigil.conf [roles]
#   passdb          pam_matrix's passwords: "demo" for all four
#   pam.d/vigil     the PAM service: the shipped pam.d/vigil with
#                   pam_matrix in place of pam_unix, pam_faillock's tally
#                   in demo/staff/faillock
#
# dist/demo-run starts vigil with these.  Rewritten when they would change.

# demo_staff_write FILE: moves FILE.new over FILE when it differs.
demo_staff_write() {
	if [ -f "$1" ] && cmp -s "$1" "$1.new"; then
		rm -f "$1.new"
	else
		mv "$1.new" "$1"
		changed=1
	fi
}

demo_staff() {
	staff="$DEMO/staff" changed=0
	moddir=
	for d in /usr/lib/x86_64-linux-gnu/pam_wrapper \
	    /usr/lib/aarch64-linux-gnu/pam_wrapper /usr/lib64/pam_wrapper \
	    /usr/lib/pam_wrapper; do
		[ -f "$d/pam_matrix.so" ] && { moddir=$d; break; }
	done
	[ -n "$moddir" ] || die "staff: pam_wrapper's pam_matrix.so not found (install libpam-wrapper)"
	mkdir -p "$staff/pam.d" "$staff/faillock"

	# The group names the demo configuration uses.
	viewer=vigil-viewer exporter=vigil-exporter auditor=vigil-auditor admin=vigil-admin
	if [ -x "$VIGIL" ] && [ -f "$DEMO/vigil.conf" ]; then
		eval "$("$VIGIL" --config "$DEMO/vigil.conf" config check 2>/dev/null |
		    sed -n 's/^\(viewer\|exporter\|auditor\|admin\)_group = \([A-Za-z0-9._-]*\)$/\1=\2/p')"
	fi
	svc_uid=64990
	while getent passwd "$svc_uid" >/dev/null 2>&1 || getent group "$svc_uid" >/dev/null 2>&1; do
		svc_uid=$((svc_uid + 1))
	done

	cat > "$staff/passwd.new" <<-EOF
	alice:x:2101:2101:Alice (viewer):/nonexistent:/usr/sbin/nologin
	bob:x:2102:2102:Bob (viewer, exporter):/nonexistent:/usr/sbin/nologin
	dora:x:2103:2103:Dora (auditor, DPO):/nonexistent:/usr/sbin/nologin
	adam:x:2104:2104:Adam (admin):/nonexistent:/usr/sbin/nologin
	vigil:x:$svc_uid:$svc_uid:vigil service account:/nonexistent:/usr/sbin/nologin
	EOF
	cat > "$staff/group.new" <<-EOF
	alice:x:2101:
	bob:x:2102:
	dora:x:2103:
	adam:x:2104:
	vigil:x:$svc_uid:
	$viewer:x:2201:alice,bob
	$exporter:x:2202:bob
	$auditor:x:2203:dora
	$admin:x:2204:adam
	EOF
	printf '%s:demo:vigil\n' alice bob dora adam > "$staff/passdb.new"
	sed -e "s|pam_unix.so|$moddir/pam_matrix.so passdb=$staff/passdb|" \
	    -e "s|\(pam_faillock.so[^#]*\)$|\1 dir=$staff/faillock|" \
	    -e '1a\
# The demo'"'"'s copy of pam.d/vigil (dist/demo-setup.d/40-staff.sh):\
# pam_matrix (pam_wrapper) stands in for pam_unix.' \
	    "$TOP/pam.d/vigil" > "$staff/pam.d/vigil.new"
	chmod 644 "$staff/passwd.new" "$staff/group.new" "$staff/passdb.new" \
	    "$staff/pam.d/vigil.new"
	for f in passwd group passdb pam.d/vigil; do
		demo_staff_write "$staff/$f"
	done
	if [ "$changed" = 1 ]; then
		say "staff: alice (viewer), bob (viewer, exporter), dora (auditor), adam (admin) in $staff"
	else
		say "staff: already in place ($staff)"
	fi
}
