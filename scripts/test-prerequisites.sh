#!/usr/bin/env bash
# What `npm test` needs besides node_modules, checked before any test runs: PostgreSQL answering
# (the second engine), Debian's Python cbor2 + cryptography and zbarimg (independent checks of the
# token format), poppler-utils (pdftoppm, pdftotext, pdffonts: printed paper cards rendered and read back), Chromium (browser tests; never a downloaded browser) and a CJK font (half the
# screenshots are Chinese) and promtool (Debian's prometheus package: the alerting rules are checked
# and unit-tested). Missing Debian packages are installed when this runs as root; otherwise
# it prints the exact command and stops. PostgreSQL is started when it is installed but down.
set -euo pipefail

PGURL="${HEALTHCODE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
ENGINES="${HEALTHCODE_TEST_ENGINES:-sqlite,postgres}"

need=()
/usr/bin/python3 -c 'import cbor2, cryptography' 2>/dev/null || need+=(python3-cbor2 python3-cryptography)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
[ -x /usr/bin/promtool ] || need+=(prometheus)
if [[ "$ENGINES" == *postgres* ]] && ! command -v pg_ctlcluster >/dev/null; then need+=(postgresql); fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test prerequisites: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
    # Only promtool is wanted: the package's own Prometheus server is not left running.
    if [[ " ${need[*]} " == *" prometheus "* ]]; then service prometheus stop >/dev/null 2>&1 || true; update-rc.d prometheus disable >/dev/null 2>&1 || true; fi
  else
    echo "test prerequisites: missing Debian packages: ${need[*]}" >&2
    echo "  install them with:  sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

if [[ "$ENGINES" == *postgres* ]] && ! pg_isready -q -d "$PGURL" 2>/dev/null; then
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$version" ] && { [ "$(id -u)" = 0 ] || [ "$(id -un)" = postgres ]; }; then
    echo "test prerequisites: PostgreSQL does not answer at $PGURL; starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -d "$PGURL" && break; sleep 1; done
  fi
  if ! pg_isready -q -d "$PGURL" 2>/dev/null; then
    echo "test prerequisites: PostgreSQL does not answer at $PGURL" >&2
    echo "  start it with:  sudo pg_ctlcluster --skip-systemctl-redirect ${version:-15} main start" >&2
    echo "  or point HEALTHCODE_TEST_POSTGRES_URL at one, or run only SQLite: HEALTHCODE_TEST_ENGINES=sqlite npm test" >&2
    exit 1
  fi
  # The test database must exist; a fresh cluster has only postgres.
  db="${PGURL##*/}"; db="${db%%\?*}"
  if ! psql "$PGURL" -Atc 'select 1' >/dev/null 2>&1; then
    echo "test prerequisites: creating database $db"
    psql "${PGURL%/*}/postgres" -qc "create database \"$db\"" || { echo "  create it with:  createdb -h 127.0.0.1 -U postgres $db" >&2; exit 1; }
  fi
fi
