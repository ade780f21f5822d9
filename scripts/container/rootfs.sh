#!/bin/sh
# Gathers the runtime image's root filesystem into DEST: the helpdesk binary
# (BINARY, stripped already), the shared libraries it and PostgreSQL's client tools
# link (found with ldd), CA certificates, time-zone data, a non-root user
# (helpdesk, uid and gid 10001) and its /data. Nothing else: no shell, no
# package manager.
#
# Run inside the Containerfile's `files` stage (a Debian with ca-certificates,
# tzdata and postgresql-client installed), and by tests/container_image.rs
# in a Debian root filesystem made with debootstrap, so both build the same.
#
# Usage: rootfs.sh BINARY DEST
set -eu
binary=$1
dest=$2
mkdir -p "$dest/usr/local/bin" "$dest/etc/ssl/certs" "$dest/usr/share" "$dest/tmp" "$dest/data/backups"
chmod 1777 "$dest/tmp"

cp "$binary" "$dest/usr/local/bin/helpdesk"
chmod 0755 "$dest/usr/local/bin/helpdesk"
tools="$dest/usr/local/bin/helpdesk"
# PostgreSQL's client tools, for `helpdesk backup` and `restore` on PostgreSQL:
# the newest major version installed.
pg=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$pg" ]; then
  for t in pg_dump pg_restore psql; do
    cp "$pg/$t" "$dest/usr/local/bin/$t"
    tools="$tools $dest/usr/local/bin/$t"
  done
fi

# Every shared library those link, and the dynamic loader (ldd's line without "=>"), at their own paths.
for lib in $(ldd $tools | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u); do
  mkdir -p "$dest$(dirname "$lib")"
  cp -L "$lib" "$dest$lib"
done

cp -L /etc/ssl/certs/ca-certificates.crt "$dest/etc/ssl/certs/ca-certificates.crt"
cp -a /usr/share/zoneinfo "$dest/usr/share/zoneinfo"
printf 'root:x:0:0:root:/root:/sbin/nologin\nhelpdesk:x:10001:10001:helpdesk:/data:/sbin/nologin\n' > "$dest/etc/passwd"
printf 'root:x:0:\nhelpdesk:x:10001:\n' > "$dest/etc/group"
printf 'hosts: files dns\n' > "$dest/etc/nsswitch.conf"
# /data and /data/backups belong to the user (a volume mounted on either starts as the image's directory).
chown 10001:10001 "$dest/data" "$dest/data/backups"
chmod 0750 "$dest/data" "$dest/data/backups"
