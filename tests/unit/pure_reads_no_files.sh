#!/bin/sh
# The pure library reads no file: reading is input's job (host/definition_files), and the
# parsing and planning tests link this library alone. Fails when any of its objects calls
# something that opens, inspects or reads a file.
#   pure_reads_no_files.sh LIBRARY.a
set -eu
library=$1
# Undefined symbols, demangled: what the library calls from outside.
calls=$(nm -u -C "$library" | awk '{ $1 = ""; print }')
found=$(printf '%s\n' "$calls" | grep -E '^ ?(open|open64|openat|fopen|fopen64|read|pread|pread64|stat|stat64|fstat|fstat64|lstat|access|opendir|readdir)$|basic_ifstream|basic_filebuf|filesystem::status|filesystem::__cxx11::directory_iterator|filesystem::directory_iterator' || true)
if [ -n "$found" ]; then
  echo "FAIL: $library reads files: it calls" >&2
  printf '%s\n' "$found" | sed 's/^ */  /' >&2
  exit 1
fi
echo "$library calls nothing that reads a file"
