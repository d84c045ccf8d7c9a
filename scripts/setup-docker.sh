#!/usr/bin/env bash
# Makes sure a Docker Engine answers on this machine, for `npm start` and `npm test`.
#   - If the Docker API already answers: done.
#   - Else, as root on Debian: install Debian's docker.io if missing, start dockerd in the background
#     (log: $ACS_DOCKERD_LOG, default /var/log/acs-dockerd.log) and wait for it to answer.
#   - Otherwise: say exactly what to do, and exit non-zero.
# Nothing is ever pulled: images are built locally (scripts/build-image.mjs).
set -euo pipefail

log_file="${ACS_DOCKERD_LOG:-/var/log/acs-dockerd.log}"
wait_seconds="${ACS_DOCKERD_WAIT_SECONDS:-60}"

say() { printf 'setup-docker: %s\n' "$*" >&2; }

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if docker_answers; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  say "the Docker Engine is not answering, and starting it needs root."
  say "Start it yourself (e.g. 'sudo systemctl start docker', or 'sudo dockerd &'), make sure your user"
  say "can use it ('sudo usermod -aG docker \$USER', then log in again), and run this again."
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "dockerd is not installed and this is not a Debian-like system: install Docker Engine, then run this again."
    exit 1
  fi
  say "installing Debian's docker.io package (one time)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  # A dockerd killed with SIGKILL leaves its pid file behind, and the next start refuses to run.
  for pid_file in /var/run/docker.pid /run/docker.pid; do
    [ -f "$pid_file" ] && rm -f "$pid_file"
  done
  for pid_file in /var/run/docker/containerd/containerd.pid /run/docker/containerd/containerd.pid; do
    [ -f "$pid_file" ] && ! pgrep -x containerd >/dev/null 2>&1 && rm -f "$pid_file"
  done
  say "starting dockerd in the background (log: $log_file)…"
  mkdir -p "$(dirname "$log_file")"
  nohup dockerd >>"$log_file" 2>&1 &
fi

for _ in $(seq 1 "$wait_seconds"); do
  if docker_answers; then
    say "Docker Engine is up."
    exit 0
  fi
  sleep 1
done

say "dockerd did not answer within ${wait_seconds} s. Its log ($log_file) ends with:"
tail -n 20 "$log_file" >&2 || true
exit 1
