#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The tree's layers point one way: cli -> collectors, sinks -> server ->
# identity, verifier -> core -> lib; proto (protocol parsers) -> lib. A source may include its own layer's
# headers and those of layers below it, never above.
. "$(dirname "$0")/lib.sh"

declare -A RANK=([lib]=0 [proto]=1 [policy]=1 [core]=1 [identity]=2 [verifier]=2 [symbolize]=2 [lang]=2 [server]=3 [sinks]=4 [collectors]=4 [cli]=5)
bad=0
for f in src/*/*.[ch]; do
	layer=$(basename "$(dirname "$f")")
	[ -n "${RANK[$layer]:-}" ] || { t_fail "$f: in no known layer ($layer)"; bad=1; continue; }
	while IFS= read -r inc; do
		dep=${inc%%/*}
		[ -n "${RANK[$dep]:-}" ] || continue
		if [ "$dep" != "$layer" ] && [ "${RANK[$dep]}" -ge "${RANK[$layer]}" ]; then
			t_fail "$f ($layer) includes $inc ($dep): a layer may only use those below it"
			bad=1
		fi
	done < <(sed -n 's/^#include "\([a-z]*\/[^"]*\)".*/\1/p' "$f")
done
[ $bad = 0 ] && t_ok "every include in src/ points down the layers ($(ls src/*/*.[ch] | wc -l) files)"
# lib and proto are pure: no BPF and no agent state.
if grep -l -E '#include <bpf/|#include "core/' src/lib/*.[ch] src/proto/*.[ch] src/policy/*.[ch] >/dev/null 2>&1; then
	t_fail "src/lib or src/proto uses BPF or core: $(grep -l -E '#include <bpf/|#include "core/' src/lib/*.[ch] src/proto/*.[ch] | tr '\n' ' ')"
else
	t_ok "src/lib and src/proto include neither libbpf nor core"
fi
# Every source file says its licence: user side Apache-2.0, the BPF side
# GPL-2.0-only (its helpers need a GPL-compatible licence), the headers
# shared by both dual GPL-2.0-only / BSD-2-Clause.
missing=$(git ls-files 'src/*' 'bpf/*' 'include/*' 'tests/*.c' 'tests/*.h' 'tests/*.sh' 'tests/*.py' 'scripts/*' 'bench/*' Makefile 2>/dev/null |
	grep -vE '^tests/fuzz/(corpus|regressions)/|\.(md|txt|html)$' | while read -r f; do
		head -3 "$f" | grep -q 'SPDX-License-Identifier' || echo "$f"
	done)
[ -z "$missing" ] && t_ok "every source file has an SPDX line" || t_fail "no SPDX line in: $missing"
wrong=$(grep -L 'SPDX-License-Identifier: GPL-2.0-only' bpf/*.bpf.c bpf/*.h)
[ -z "$wrong" ] && t_ok "the BPF side is GPL-2.0-only" || t_fail "BPF sources not GPL-2.0-only: $wrong"
# A build tool missing: plain `make` names it and says how to get it.
out=$(make --no-print-directory BUILD="$T/b" BPFTOOL=no-such-bpftool 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "no-such-bpftool (command; Debian package bpftool)" &&
	echo "$out" | grep -q "make deps" && t_ok "a missing build tool is named, with 'make deps'" ||
	t_fail "missing tool: rc=$rc $out"
# A built tree is up to date: nothing (skeletons, objects) is rebuilt.
case $BUILD in
*asan*) make -q --no-print-directory SANITIZE=1 all ;;
*) make -q --no-print-directory BUILD="$BUILD" all ;;
esac && t_ok "make after make: nothing to do" || t_fail "make after make rebuilds: $(make -n --no-print-directory BUILD="$BUILD" all | head -5)"
