#!/bin/sh
# `make binary`: PyInstaller makes the program's folder; it is packed behind packaging/selfextract.sh into one
# executable, dist/notecast, that unpacks itself once per build (see selfextract.sh).
set -eu
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
work=build/pyinstaller
rm -rf "$work/dist"
"$python" -m PyInstaller --noconfirm --log-level ERROR --distpath "$work/dist" --workpath "$work/build" \
    packaging/notecast.spec
tar -C "$work/dist" -czf "$work/notecast.tar.gz" notecast
version=$("$python" -c "from settings import VERSION; print(VERSION)")
digest=$(sha256sum "$work/notecast.tar.gz" | cut -c1-16)
header="$work/header.sh"
# the payload's offset goes into the header itself: try widths until the number fits its own count
sed "s/@BUILD@/$version-$digest/" packaging/selfextract.sh > "$header.template"
offset=0
while :; do
    sed "s/@OFFSET@/$offset/" "$header.template" > "$header"
    size=$(wc -c < "$header")
    [ "$offset" -eq $((size + 1)) ] && break
    offset=$((size + 1))
done
mkdir -p dist
cat "$header" "$work/notecast.tar.gz" > dist/notecast.partial
chmod 755 dist/notecast.partial
mv dist/notecast.partial dist/notecast
echo "dist/notecast: $(du -h dist/notecast | cut -f1), build $version-$digest"
