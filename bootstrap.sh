#!/usr/bin/env bash
# Set up Vigía from a fresh clone (virtualenv + dependencies) and run one of its jobs.
#   ./bootstrap.sh demo   crawl the 125 simulated portals into SQLite and print the ranking
#   ./bootstrap.sh test   run the test suite (what .ci/run calls)
#   ./bootstrap.sh lint   lint, format and type checks (what .ci/run calls first)
#   ./bootstrap.sh setup  only set up
set -euo pipefail
cd "$(dirname "$0")"
VENV="${VIGIA_VENV:-.venv}"
PY="${PYTHON:-python3}"

APT_LOG="${TMPDIR:-/tmp}/vigia-apt.log"

apt_install() {  # apt's own (English) output goes to a log, shown only when the installation fails
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$APT_LOG" 2>&1 || {
    echo "No se pudo instalar el paquete del sistema $* (detalle de apt en $APT_LOG):" >&2
    tail -n 20 "$APT_LOG" >&2; exit 1; }
}

need_root_pkg() {  # install a Debian package when we can (root), else explain
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Instalando el paquete del sistema $*…" >&2
    apt_install "$@"
  else
    echo "Falta el paquete del sistema: $* (instálelo con: sudo apt-get install $*)" >&2
    exit 1
  fi
}

ensure_browser() {  # Chromium for JavaScript pages and IPOMEX; Playwright cannot download its own here
  if [ -n "${VIGIA_BROWSER_EXECUTABLE:-}" ] || command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    return
  fi
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Instalando Chromium (navegador para páginas con JavaScript e IPOMEX)…" >&2
    apt_install chromium
  else
    echo "Aviso: no hay Chromium; las páginas que requieren JavaScript e IPOMEX quedarán indeterminadas." >&2
    echo "       Instálelo con: sudo apt-get install chromium   (o defina VIGIA_BROWSER_EXECUTABLE)" >&2
  fi
}

ensure_fonts() {  # DejaVu fonts for the constancia PDF (vigia constancia); fpdf2 needs a Unicode TTF font
  if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    return
  fi
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Instalando los tipos de letra DejaVu (para la constancia en PDF)…" >&2
    apt_install fonts-dejavu-core
  else
    echo "Aviso: faltan los tipos de letra DejaVu; vigia constancia no podrá escribir el PDF." >&2
    echo "       Instálelos con: sudo apt-get install fonts-dejavu-core" >&2
  fi
}

setup() {
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Vigía necesita Python 3.11 o posterior; este es $("$PY" --version 2>&1)." >&2; exit 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV" 2>/dev/null || { need_root_pkg python3-venv; rm -rf "$VENV"; "$PY" -m venv "$VENV"; }
  fi
  # Build-backend chatter goes to a log; it is shown only if the installation fails.
  "$VENV/bin/python" -m pip install -q --upgrade pip >"$VENV/pip.log" 2>&1 || { cat "$VENV/pip.log" >&2; exit 1; }
  "$VENV/bin/python" -m pip install -q -e ".[dev]" >"$VENV/pip.log" 2>&1 || { cat "$VENV/pip.log" >&2; exit 1; }
  ensure_browser
  ensure_fonts
}

lint() {  # any finding fails: ruff, the formatter, mypy --strict on the product, mypy on the tests
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  "$VENV/bin/mypy" .
  "$VENV/bin/mypy" --config-file tests/mypy.ini tests
}

case "${1:-demo}" in
  setup) setup ;;
  demo) setup; shift || true; exec "$VENV/bin/vigia" demo "$@" ;;
  test) setup; shift || true; exec "$VENV/bin/python" -m pytest "$@" ;;
  lint) setup; lint ;;
  *) echo "Uso: ./bootstrap.sh [demo|test|lint|setup]" >&2; exit 2 ;;
esac
