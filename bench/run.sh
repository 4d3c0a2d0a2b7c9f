#!/usr/bin/env bash
# The benchmark in one command: bash bench/run.sh [--smoke] [options of bench/run.py]
# Installs wrk from Debian when missing and allowed (root), else falls back to bench/loadgen.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${VENV:-.venv}/bin/python"
if [[ " $* " != *" --smoke "* ]] && ! command -v wrk >/dev/null 2>&1; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		echo "[bench] Installing wrk (apt-get install -y wrk)" >&2
		apt-get install -y wrk >/dev/null 2>&1 || echo "[bench] wrk did not install: using bench/loadgen.py" >&2
	else
		echo "[bench] wrk is not installed: using bench/loadgen.py (slower; apt-get install wrk)" >&2
	fi
fi
exec "$PY" bench/run.py "$@"
