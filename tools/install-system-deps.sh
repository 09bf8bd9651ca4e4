#!/usr/bin/env bash
# Install what policygen needs from the operating system: LibreOffice with its
# UNO bridge and Python macro support (for PDF and the table of contents), the
# fonts the house style names (or metric-compatible ones), pandoc and poppler
# (used by the tests to read documents back as a third party would), and
# chromium with its driver (the web tests drive a real browser).
# Debian/Ubuntu only; elsewhere it says what is missing and carries on
# (policygen then writes DOCX only).
set -euo pipefail

packages=()
have_uno() { /usr/bin/python3 -c 'import uno' >/dev/null 2>&1; }
have_font() { fc-list 2>/dev/null | grep -i "$1" >/dev/null; }  # not grep -q: with pipefail, fc-list would die of SIGPIPE

command -v soffice >/dev/null 2>&1 || packages+=(libreoffice-writer-nogui)
have_uno || packages+=(python3-uno)
# LibreOffice's Python macro support: the worker runs its steps inside soffice, ~7% faster per build
have_script_provider() {
  local soffice
  soffice=$(readlink -f "$(command -v soffice 2>/dev/null)" 2>/dev/null) || return 1
  [ -e "$(dirname "$soffice")/pythonscript.py" ]
}
have_script_provider || packages+=(libreoffice-script-provider-python)
have_font Carlito || packages+=(fonts-crosextra-carlito)
have_font Caladea || packages+=(fonts-crosextra-caladea)
have_font "Liberation Sans" || packages+=(fonts-liberation2)
have_font "DejaVu Sans" || packages+=(fonts-dejavu-core)
command -v pandoc >/dev/null 2>&1 || packages+=(pandoc)
command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || packages+=(fontconfig)
# the web tests drive a real headless browser through Selenium
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
# tcmalloc takes ~12% off LibreOffice's CPU for a build (docs/performance.md)
ldconfig -p 2>/dev/null | grep 'libtcmalloc_minimal\.so\.4 ' >/dev/null || packages+=(tcmalloc)

if [ ${#packages[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: cannot install ${packages[*]} (no apt-get); install them by hand for PDF output" >&2
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "warning: need root or sudo to install ${packages[*]}; PDF output will be unavailable" >&2
    exit 0
  fi
fi

$sudo apt-get update -qq
for i in "${!packages[@]}"; do  # the library's package was renamed in Ubuntu 24.04
  if [ "${packages[$i]}" = tcmalloc ]; then
    packages[$i]=libtcmalloc-minimal4
    apt-cache show libtcmalloc-minimal4t64 >/dev/null 2>&1 && packages[$i]=libtcmalloc-minimal4t64
  fi
done
echo "installing system packages: ${packages[*]}"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
echo "system packages: installed"
