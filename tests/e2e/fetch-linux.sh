#!/bin/bash
# Fetch a small bootable Linux for the e2e tests, from Debian's own kernel
# package without installing it (`apt-get download`, then only boot/vmlinuz-*
# out of `dpkg-deb --fsys-tarfile` into tests/e2e/linux/x, git-ignored), and
# build a tiny initrd whose static /init (tests/e2e/initrd/init.c) prints
#   bootfarm-initrd: init running on Linux <release> cmdline: <cmdline>
# on the console and powers off. Idempotent: a second run only prints the paths
# (the initrd is rebuilt when init.c or this script is newer than it).
#
# Output: "vmlinuz ABSOLUTE_PATH" and "initrd ABSOLUTE_PATH".
# Exit 0 when both are present, 1 when a download, unpack or build failed.
#
# Needs: apt-get/apt-cache, dpkg-deb, gcc + libc6-dev (static libc.a), python3
# (writes the newc cpio itself, so neither the cpio tool nor root is needed
# for the /dev/console device node).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${BF_LINUX_DIR:-$here/linux}
meta=linux-image-amd64
init_src=$here/initrd/init.c
initrd=$dest/initrd.img

die() { echo "fetch-linux: $*" >&2; exit 1; }

# Newest unpacked kernel image, or nothing.
find_vmlinuz() {
	compgen -G "$dest/x/boot/vmlinuz-*" | sort -V | tail -n1 || true
}

# The versioned package linux-image-amd64 depends on (linux-image-6.1.0-NN-amd64).
resolve_pkg() {
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n1
}

fetch_kernel() {
	local pkg deb
	mkdir -p "$dest/debs" "$dest/x" || die "cannot create $dest"
	# _apt drops privileges for downloads; let it write here, or apt falls
	# back to root with a warning (harmless either way).
	chmod 755 "$dest" "$dest/debs" 2>/dev/null || true
	deb=$(compgen -G "$dest/debs/linux-image-*.deb" | sort -V | tail -n1 || true)
	if [[ -z $deb ]]; then
		pkg=$(resolve_pkg)
		if [[ -z $pkg ]]; then
			# apt-get download needs package lists; update once if
			# apt-cache does not know the package yet.
			apt-get update -qq >&2 || die "apt-get update failed"
			pkg=$(resolve_pkg)
		fi
		[[ -n $pkg ]] || die "cannot resolve the kernel package $meta depends on (apt-cache depends $meta)"
		if ! (cd "$dest/debs" && apt-get download -qq "$pkg" >&2); then
			# Stale lists can name a version the mirror no longer
			# has: refresh once and retry.
			echo "fetch-linux: apt-get download $pkg failed; updating package lists and retrying" >&2
			apt-get update -qq >&2 || die "apt-get update failed"
			pkg=$(resolve_pkg)
			[[ -n $pkg ]] || die "cannot resolve the kernel package $meta depends on"
			(cd "$dest/debs" && apt-get download -qq "$pkg" >&2) ||
				die "apt-get download $pkg failed"
		fi
		deb=$(compgen -G "$dest/debs/${pkg}_*.deb" | sort -V | tail -n1 || true)
		[[ -n $deb ]] || die "apt-get download $pkg left no .deb in $dest/debs"
	fi
	# Only the kernel image is needed: the initrd loads no modules, and
	# `dpkg-deb -x` of the whole package would unpack ~400 MB of them.
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$dest/x" --wildcards './boot/vmlinuz-*' ||
		die "unpacking boot/vmlinuz-* from $deb failed"
}

# Static /init + newc cpio holding /dev, /proc, /dev/console (c 5 1), /init.
build_initrd() {
	local tmp
	[[ -r $init_src ]] || die "missing $init_src"
	command -v gcc >/dev/null || die "gcc not found (apt-get install gcc libc6-dev)"
	command -v python3 >/dev/null || die "python3 not found"
	mkdir -p "$dest" || die "cannot create $dest"
	tmp=$(mktemp -d "$dest/.initrd.XXXXXX") || die "mktemp in $dest failed"
	tmpdir=$tmp	# removed by the EXIT trap, also when die() exits
	gcc -static -Os -s -Wall -Wextra -o "$tmp/init" "$init_src" >&2 ||
		die "gcc -static failed (is libc6-dev, with libc.a, installed?)"
	python3 - "$tmp/init" "$tmp/initrd.img" <<-'EOF' || die "writing the initrd cpio failed"
	import sys
	init_path, out_path = sys.argv[1], sys.argv[2]
	with open(init_path, "rb") as f:
	    init = f.read()
	# (name, mode, rdevmajor, rdevminor, data); mtime 0 => reproducible bytes.
	entries = [
	    ("dev", 0o040755, 0, 0, b""),
	    ("dev/console", 0o020600, 5, 1, b""),
	    ("proc", 0o040755, 0, 0, b""),
	    ("init", 0o100755, 0, 0, init),
	    ("TRAILER!!!", 0, 0, 0, b""),
	]
	def pad4(n):
	    return b"\0" * (-n % 4)
	out = bytearray()
	for ino, (name, mode, rmaj, rmin, data) in enumerate(entries, 1):
	    nameb = name.encode() + b"\0"
	    nlink = 2 if mode & 0o170000 == 0o040000 else 1
	    if name == "TRAILER!!!":
	        ino = nlink = 0
	    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmaj, rmin,
	              len(nameb), 0)
	    out += b"070701" + b"".join(b"%08X" % v for v in fields)
	    out += nameb + pad4(110 + len(nameb))
	    out += data + pad4(len(data))
	with open(out_path, "wb") as f:
	    f.write(out)
	EOF
	chmod 644 "$tmp/initrd.img"
	mv -f "$tmp/init" "$dest/init"
	mv -f "$tmp/initrd.img" "$initrd"
}

tmpdir=
trap '[[ -z $tmpdir ]] || rm -rf "$tmpdir"' EXIT

vmlinuz=$(find_vmlinuz)
if [[ -z $vmlinuz || ! -s $vmlinuz ]]; then
	fetch_kernel
	vmlinuz=$(find_vmlinuz)
fi
[[ -n $vmlinuz && -s $vmlinuz ]] || die "no boot/vmlinuz-* in $dest/x after unpacking"

if [[ ! -s $initrd || $init_src -nt $initrd || ${BASH_SOURCE[0]} -nt $initrd ]]; then
	build_initrd
fi
[[ -s $initrd ]] || die "initrd $initrd missing after build"

echo "vmlinuz $vmlinuz"
echo "initrd $initrd"
