#!/usr/bin/env bash
# What the test suite needs from the machine besides Python packages:
# Debian's chromium for the browser tests (Playwright never downloads a browser here), Tesseract with its Vietnamese
# model for scanned statements (OCR), and a running PostgreSQL.
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Fonts: without them the screenshots show empty boxes for Chinese text and emoji; DejaVu writes the Vietnamese
# of the generated PDF statements the tests read.
# Tesseract: scanned (image-only) statements are read by OCR; `vie` is its Vietnamese model.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk" \
   || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
   || ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -x vie >/dev/null; then
  echo "installing Debian's chromium and fonts for the browser tests, Tesseract (vie) for scanned statements…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji \
    fonts-dejavu-core tesseract-ocr tesseract-ocr-vie >/dev/null
fi

if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL…"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
