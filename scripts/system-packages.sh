#!/usr/bin/env bash
# Debian packages the portal needs beyond Python: Pango for WeasyPrint's PDFs, fonts, poppler-utils
# (pdftoppm, to look at PDFs as pictures), for the browser tests Chromium (--with-browser) and, for
# the job-queue tests, Redis (--with-redis) and, for the tests that check the engine against R live,
# R with its survey and MASS packages (--with-r; calibrate() needs MASS).
# Installs only what is missing; does nothing where apt-get is unavailable or we are not root.
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 poppler-utils)
for option in "$@"; do
  case "$option" in
    --with-browser) packages+=(chromium) ;;
    --with-redis) packages+=(redis-server) ;;
    --with-r) packages+=(r-base-core r-cran-survey r-cran-mass) ;;
    *) echo "unknown option $option (use --with-browser, --with-redis, --with-r)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these system packages: ${missing[*]}" >&2
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Please install these system packages as root: ${missing[*]}" >&2
    exit 0
  fi
fi
echo "Installing system packages: ${missing[*]}"
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
