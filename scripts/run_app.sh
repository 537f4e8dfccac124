#!/usr/bin/env bash
# Start the SonicPredict dashboard on a fresh machine: one command.
#   bash scripts/run_app.sh [streamlit options, e.g. --server.port 8502]
# Creates .venv (Python >= 3.11) on first use and installs requirements.txt; later runs skip the
# install unless requirements.txt changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        echo "SonicPredict needs Python >= 3.11; found $("$PYTHON" --version 2>&1). Set PYTHON=/path/to/python3.11" >&2
        exit 1
    }
    echo "Creating .venv with $("$PYTHON" --version)..." >&2
    "$PYTHON" -m venv .venv
fi

stamp=.venv/.requirements.sha256
want=$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open("requirements.txt","rb").read()).hexdigest())')
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "Installing requirements.txt into .venv (first run takes a minute or two)..." >&2
    .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
    # The library itself, editable: `.venv/bin/python -m sonic_model ...` then works from any
    # folder (the app runs from this one either way).
    .venv/bin/python -m pip install --disable-pip-version-check -q -e . --no-deps
    echo "$want" > "$stamp"
fi

if [[ ! -f app.py ]]; then
    echo "app.py is not in this checkout yet; the command line works meanwhile: .venv/bin/python -m sonic_model --help" >&2
    exit 1
fi
exec .venv/bin/python -m streamlit run app.py "$@"
