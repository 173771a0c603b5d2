#!/usr/bin/env bash
# Section 5, inside the bench's namespace: where taplaunch's launch path spends instructions,
# system calls and time, up to its exec of the emulator (the stand-in, which adds a handful of
# instructions and syscalls of its own after the exec).
# Writes into DIR, for each build LABEL (taplaunch and the variants) and NIC count N:
#   callgrind.LABEL.N.out.1 valgrind --tool=callgrind, dumped on entering execve (the exec)
#   strace-c.LABEL.N.txt    strace -c: syscall counts and kernel time
#   strace-tt.LABEL.N.txt   strace -ttt -T: every syscall with its time
#   ltrace-c.LABEL.N.txt    ltrace -c: library calls from taplaunch itself (dynamic builds)
#   profile.sh DIR "NIC COUNTS"
source "$(dirname "$0")/common.sh"
dir=$1
counts=$2
mkdir -p "$dir"
bench_clear_taps
for label in taplaunch $(bench_variant_labels); do
  for nics in $counts; do
    bench_command "$label" "$nics"
    valgrind --tool=callgrind --dump-before=execve --callgrind-out-file="$dir/callgrind.$label.$nics.out" \
      "${bench_argv[@]}" >/dev/null 2>"$dir/callgrind.$label.$nics.log" \
      || bench_fail "callgrind run of $label failed (see $dir/callgrind.$label.$nics.log)"
    bench_clear_taps
    strace -c -o "$dir/strace-c.$label.$nics.txt" "${bench_argv[@]}" >/dev/null \
      || bench_fail "strace -c run of $label failed"
    bench_clear_taps
    strace -ttt -T -o "$dir/strace-tt.$label.$nics.txt" "${bench_argv[@]}" >/dev/null \
      || bench_fail "strace -ttt run of $label failed"
    bench_clear_taps
    # ltrace sees only calls through the PLT of taplaunch's own binary (a static build has
    # none), and exits non-zero once the static stand-in it follows into has no symbols: judge
    # it by its table.
    ltrace -c -C -o "$dir/ltrace-c.$label.$nics.txt" "${bench_argv[@]}" >/dev/null 2>&1 || true
    grep -q '^% time' "$dir/ltrace-c.$label.$nics.txt" 2>/dev/null \
      || echo "ltrace found no library calls in $label" >"$dir/ltrace-c.$label.$nics.txt"
    bench_clear_taps
  done
done
