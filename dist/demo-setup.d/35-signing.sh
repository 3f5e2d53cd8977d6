# 35-signing — demo_signing: the demo's export signing key
# demo/keys/vigil-export.key (a minisign key pair, without a passphrase:
# demo only; a real site protects it with one), created once.

demo_signing() {
	key="$DEMO/keys/vigil-export.key"
	if [ -f "$key" ] && [ -f "$key.pub" ]; then
		say "signing: already in place ($key)"
		return 0
	fi
	if [ -e "$key" ] || [ -e "$key.pub" ]; then
		die "signing: only one of $key and $key.pub exists; move the other away"
	fi
	"$VIGIL" --config "$DEMO/vigil.conf" keygen --no-passphrase >/dev/null ||
	    die "signing: cannot create the demo's export signing key"
	say "signing: $key created (no passphrase: demo only)"
}
