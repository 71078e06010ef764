#!/bin/bash
# Fetch the network boot programs (NBPs) the e2e tests serve, from Debian's own
# packages, without installing them: `apt-get download` + `dpkg-deb -x` into
# tests/e2e/nbp/ (git-ignored). Idempotent: a second run only prints the paths.
#
# Output, one line per NBP: "NAME ABSOLUTE_PATH" (e.g. "ipxe.efi /.../ipxe.efi").
# Exit 0 when every NBP is present, 1 when a download or unpack failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${BF_NBP_DIR:-$here/nbp}
pkgs=(ipxe grub-efi-amd64-signed)
# NAME -> path inside the unpacked tree
declare -A want=(
	[undionly.kpxe]=usr/lib/ipxe/undionly.kpxe
	[ipxe.efi]=boot/ipxe.efi	# usr/lib/ipxe/ipxe.efi is an absolute symlink to it
	[snponly.efi]=usr/lib/ipxe/snponly.efi
	[grubnetx64.efi]=usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
)

all_present() {
	local n
	for n in "${!want[@]}"; do
		[[ -s $dest/x/${want[$n]} ]] || return 1
	done
}

fetch() {
	local p deb
	mkdir -p "$dest/debs" "$dest/x"
	# _apt drops privileges for downloads; let it write here, or apt falls
	# back to root with a warning (harmless either way).
	chmod 755 "$dest" "$dest/debs" 2>/dev/null || true
	for p in "${pkgs[@]}"; do
		deb=$(compgen -G "$dest/debs/${p}_*.deb" | head -n1 || true)
		if [[ -z $deb ]]; then
			# apt-get download needs package lists; update once if it
			# does not know the package yet.
			if ! apt-cache show "$p" >/dev/null 2>&1; then
				apt-get update -qq >&2
			fi
			(cd "$dest/debs" && apt-get download -qq "$p" >&2) || {
				echo "fetch-nbp: apt-get download $p failed" >&2
				return 1
			}
			deb=$(compgen -G "$dest/debs/${p}_*.deb" | head -n1)
		fi
		dpkg-deb -x "$deb" "$dest/x"
	done
}

if ! all_present; then
	fetch || exit 1
fi
all_present || { echo "fetch-nbp: an NBP is missing after unpacking" >&2; exit 1; }
for n in undionly.kpxe ipxe.efi snponly.efi grubnetx64.efi; do
	echo "$n $dest/x/${want[$n]}"
done
