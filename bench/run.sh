#!/usr/bin/env bash
# The benchmark in one command: bash bench/run.sh [--smoke] [options of bench/run.py]
# The load comes from wrk; when it is missing and this runs as root, installs it from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${VENV:-.venv}/bin/python"
if ! command -v wrk >/dev/null 2>&1; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		echo "[bench] Installing wrk (apt-get install -y wrk)" >&2
		apt-get install -y wrk >/dev/null 2>&1 || echo "[bench] wrk did not install" >&2
	fi
	if ! command -v wrk >/dev/null 2>&1; then
		echo "[bench] wrk is needed: apt-get install -y wrk" >&2
		exit 1
	fi
fi
exec "$PY" bench/run.py "$@"
