#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter for Rasa 3.6, or explain what is
# missing and fail. Rasa 3.6.21 supports Python 3.8 to 3.10 only.
set -euo pipefail

candidates=(
  "${PYTHON310:-}"
  python3.10
  "$HOME/.pyenv/versions/3.10.13/bin/python3.10"
)
if command -v pyenv >/dev/null 2>&1; then
  while read -r version; do
    candidates+=("$(pyenv root)/versions/$version/bin/python3.10")
  done < <(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' || true)
fi

for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null || true)
  [ -n "$path" ] || continue
  if "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done

cat >&2 <<'MSG'
Python 3.10 was not found. Rasa 3.6.21 needs Python 3.8 to 3.10.
Install it (for example `pyenv install 3.10.13`) or set PYTHON310=/path/to/python3.10.
MSG
exit 1
