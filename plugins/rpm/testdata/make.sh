#!/usr/bin/env bash
# Rebuilds the rpmdb fixtures of this directory with Debian's `rpm` package (`apt-get install -y
# rpm`). Not run by the tests: its outputs are committed. Needs rpm 4.18 or newer (SQLite backend).
#
#   plugins/rpm/testdata/make.sh            rebuild built-rpmdb.sqlite and bench-rpmdb.sqlite
#
# Every package is noarch and installed with `--justdb --nodeps`, so nothing lands outside the
# throw-away root; the database is what `rpm -qa` on a real system would read.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes a spec named $1 with the given header lines ($2) and files ($3, one path a line).
write_spec() {
    local name="$1" header="$2" files="$3"
    {
        printf 'Name: %s\n%s\nSummary: Purser rpm analyzer fixture %s\nBuildArch: noarch\n' \
            "$name" "$header" "$name"
        printf '%%description\nA fixture package for the Purser rpm analyzer.\n%s\n' "${DESCRIPTION:-}"
        printf '%%install\n'
        while IFS= read -r path; do
            [ -n "$path" ] || continue
            printf 'mkdir -p %%{buildroot}%s\n' "$(dirname "$path")"
            printf 'echo %s > %%{buildroot}%s\n' "$name" "$path"
        done <<< "$files"
        printf '%%files\n%s\n' "$files"
    } > "$work/$name.spec"
}

build() {
    rpmbuild --quiet --define "_topdir $work/build" --define '_source_date_epoch_from_changelog 0' \
        --define 'use_source_date_epoch_as_buildtime 1' "$@" -bb
}

# Installs every RPM under $work/build into a fresh root and copies its rpmdb.sqlite to $1.
install_all() {
    local root="$work/root-$(basename "$1")"
    mkdir -p "$root"
    rpm --root "$root" --dbpath /var/lib/rpm --initdb
    rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --justdb --noscripts \
        "$work"/build/RPMS/noarch/*.rpm
    rpm --root "$root" --dbpath /var/lib/rpm -qa \
        --qf '%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{VENDOR}\t%{LICENSE}\n' | sort
    cp "$root/var/lib/rpm/rpmdb.sqlite" "$1"
}

export SOURCE_DATE_EPOCH=1700000000

# 1. built-rpmdb.sqlite: four packages covering epochs, vendors, licences, modularity and files.
#    purser-hello has a 12 KB description, so its header overflows onto SQLite overflow pages.
DESCRIPTION="$(for line in $(seq 1 200); do echo "Line $line of a long description, long enough to overflow."; done)" \
write_spec purser-hello 'Epoch: 2
Version: 1.0.4
Release: 3.fc40
License: MIT
Vendor: Fedora Project' '/usr/bin/purser-hello
/usr/share/doc/purser-hello/README
/usr/share/doc/purser-hello/NEWS'
write_spec purser-tools 'Version: 2.5
Release: 1.el9
License: GPL-2.0-or-later AND MIT
Vendor: Red Hat, Inc.' '/usr/libexec/purser-tools/run'
write_spec purser-empty 'Epoch: 0
Version: 0.1
Release: 7
License: Public Domain' ''
write_spec purser-suse 'Version: 15.6
Release: 150600.2.1
License: BSD-3-Clause
Vendor: SUSE LLC <https://www.suse.com/>' '/etc/purser-suse.conf'
for name in purser-hello purser-tools purser-empty; do build "$work/$name.spec"; done
build --define 'modularitylabel nodejs:18:9020020230810:rhel9' "$work/purser-suse.spec"
install_all "$here/built-rpmdb.sqlite"

# 2. bench-rpmdb.sqlite: 200 packages of 40 files each, so that the Packages table spans interior
#    b-tree pages and most headers overflow a page, as on a full system.
rm -rf "$work/build"
for index in $(seq 1 200); do
    files=""
    for file in $(seq 1 40); do files+="/usr/share/purser-bench-$index/dir$((file % 3))/file$file"$'\n'; done
    write_spec "purser-bench-$index" "Version: 1.$index
Release: $((index % 7)).el9
License: MIT
Vendor: AlmaLinux" "$files"
done
# One rpmbuild per spec is slow; build them in parallel batches.
ls "$work"/purser-bench-*.spec | xargs -P 2 -I{} bash -c "$(declare -f build); work='$work'; build {}"
install_all "$here/bench-rpmdb.sqlite" > /dev/null
