#!/bin/sh
# Installed as /opt/acs/bin/acs-vmm: runs the bundled acs-vmm with the bundled node (the host's, staged by
# vagrant/prepare.mjs), since the node in Debian's archive may be older than the one acs-vmm needs.
set -eu
bin_dir=$(dirname "$(readlink -f "$0")")
exec "$bin_dir/node" "$bin_dir/../app/node_modules/@acs/vmm/bin/acs-vmm.js" "$@"
