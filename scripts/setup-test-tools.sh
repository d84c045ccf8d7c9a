#!/usr/bin/env bash
# Installs the Debian tools that some tests drive, when they are missing, for `npm test`:
#   chromium   the dashboard test drives a real headless Chromium (playwright-core, executablePath)
#   promtool   (package prometheus) checks the VIM's /metrics exposition
#   vagrant    `vagrant validate` on the multi-VM lab's Vagrantfile
#   ShellCheck lints every shell script (provisioning, setup)
# As root on Debian it installs them with apt-get; otherwise it says what to install and carries on:
# the tests that need a missing tool then fail with a message naming it.
set -euo pipefail

say() { printf 'setup-test-tools: %s\n' "$*" >&2; }

declare -A package_of=([chromium]=chromium [promtool]=prometheus [vagrant]=vagrant [shellcheck]=shellcheck)
missing=()
for tool in chromium promtool vagrant shellcheck; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing test tools; install these Debian packages (as root): ${missing[*]}"
  exit 0
fi

say "installing Debian packages for the tests (one time): ${missing[*]}…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# The prometheus package would start a server on :9090 (our admin port) through its service script;
# policy-rc.d 101 tells Debian's maintainer scripts not to start any service during this install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
status=0
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[ "$created_policy" -eq 1 ] && rm -f "$policy"
if [ "$status" -ne 0 ]; then
  say "apt-get install failed (exit $status); the tests that need ${missing[*]} will fail and say so."
fi
exit 0
