#!/bin/sh
# Notecast, one file: this script, then the program's folder as a gzipped tar. The first start of each build
# unpacks it into the user's cache (a few seconds); every later start runs the cached copy at once.
set -eu
build="@BUILD@"
cache="${NOTECAST_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/notecast}"
target="$cache/$build"
if [ ! -x "$target/notecast/notecast" ]; then
    mkdir -p "$cache"
    unpacking=$(mktemp -d "$cache/.unpacking.XXXXXX")
    tail -c +@OFFSET@ "$0" | tar -xzf - -C "$unpacking"
    # a start that lost a race to unpack the same build leaves the winner's copy in place
    mv -T "$unpacking" "$target" 2>/dev/null || rm -rf "$unpacking"
    for old in "$cache"/*; do  # earlier builds' copies
        [ "$old" = "$target" ] || rm -rf "$old"
    done
fi
exec "$target/notecast/notecast" "$@"
