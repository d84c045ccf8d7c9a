#!/usr/bin/env bash
# Runs as root inside each VM (`vagrant up` / `vagrant provision`): installs Docker from Debian, loads the
# workload image, installs the staged acs-vmm bundle under /opt/acs and runs it as the acs-vmm service.
# Everything it installs comes from Debian's archive or from /opt/acs-stage (vagrant/.stage on the host,
# made by vagrant/prepare.mjs). Safe to run again: each step replaces what the last run left.
set -euo pipefail

# Where the Vagrantfile syncs vagrant/.stage; ACS_STAGE_DIR only for the tests of the checks below.
stage=${ACS_STAGE_DIR:-/opt/acs-stage}
say() { printf 'acs-provision: %s\n' "$*"; }
die() { printf 'acs-provision: %s\n' "$*" >&2; exit 1; }

: "${ACS_AGENT_ID:?set by the Vagrantfile}"
: "${ACS_VIM:?set by the Vagrantfile}"
: "${ACS_FRONT_LISTEN:?set by the Vagrantfile}"
: "${ACS_MAX_CONTAINERS:?set by the Vagrantfile}"

for staged in manifest.json acs/bin/node acs/bin/acs-vmm acs/share/acs-vmm.service acs-workload.tar agent-secret; do
  [ -e "$stage/$staged" ] || die "$stage/$staged is missing: on the host run 'node vagrant/prepare.mjs', then 'vagrant provision' (it re-syncs vagrant/.stage)"
done

say "installing Debian packages (docker.io)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends docker.io >/dev/null
systemctl enable --now docker.service

say "loading the workload image"
docker load --input "$stage/acs-workload.tar"

say "installing the acs-vmm bundle under /opt/acs"
# Into a fresh folder first, then swapped in, so a failed copy never leaves half a bundle behind.
rm -rf /opt/acs.new /opt/acs.old
cp -a "$stage/acs" /opt/acs.new
chown -R root:root /opt/acs.new
chmod -R u=rwX,go=rX /opt/acs.new
chmod 0755 /opt/acs.new/bin/node /opt/acs.new/bin/acs-vmm
if [ -e /opt/acs ]; then mv /opt/acs /opt/acs.old; fi
mv /opt/acs.new /opt/acs
rm -rf /opt/acs.old
# The staged node binary must run on this VM (its glibc): fail here, not in a restart loop.
/opt/acs/bin/acs-vmm --help >/dev/null || die "the staged node cannot run here; see 'Troubleshooting' in vagrant/README.md"

say "configuring the service"
install -d -m 0755 -o root -g root /etc/acs
# Root-only; systemd hands a copy to the service alone (LoadCredential=, see acs-vmm.service).
install -m 0600 -o root -g root "$stage/agent-secret" /etc/acs/agent-secret
umask 022
cat >/etc/acs/vmm.env <<ENV
ACS_VIM=$ACS_VIM
ACS_AGENT_ID=$ACS_AGENT_ID
ACS_FRONT_LISTEN=$ACS_FRONT_LISTEN
ACS_MAX_CONTAINERS=$ACS_MAX_CONTAINERS
ENV
install -m 0644 -o root -g root /opt/acs/share/acs-vmm.service /etc/systemd/system/acs-vmm.service
systemctl daemon-reload
systemctl enable acs-vmm.service
systemctl restart acs-vmm.service

say "acs-vmm ($ACS_AGENT_ID) started, connecting to the VIM at $ACS_VIM; front on $ACS_FRONT_LISTEN"
say "logs: vagrant ssh $ACS_AGENT_ID -c 'journalctl -u acs-vmm -f'"
