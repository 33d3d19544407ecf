#!/bin/sh
# layers.sh - check the include direction between the layers of core/ and
# the front-ends (docs/architecture.md).
#
# Each folder has a rank; a file may include headers of its own folder and
# of folders of a lower rank only (core/engine/steps, the step table, is
# part of the engine: the two include each other).  core/demo sits beside
# the engine (it speaks the AWS wire shapes, nothing above uses it but the
# front-ends); core/app (the bootstrap) sits above both; tui/ may include
# anything in core/.  Prints every offending include and exits 1, or prints
# nothing and exits 0.
set -eu
cd "$(dirname "$0")/../.."

rank() {
	case $1 in
	core/base) echo 1 ;;
	core/aws) echo 2 ;;
	core/aws/credentials) echo 3 ;;
	core/setup) echo 4 ;;
	core/check) echo 5 ;;
	core/engine | core/engine/steps) echo 6 ;;
	core/demo) echo 6 ;;
	core/troubleshoot) echo 7 ;;
	core/app) echo 8 ;;
	tui) echo 9 ;;
	tui/cli | tui/wizard) echo 10 ;;
	*) echo 0 ;;
	esac
}

# header name -> folder, for every header of the tree
map=$(find core tui -name '*.h' | sed 's#^\(.*\)/\([^/]*\)$#\2 \1#')
status=0
for f in $(find core tui -name '*.[ch]' | sort); do
	dir=${f%/*}
	own=$(rank "$dir")
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		hdir=$(printf '%s\n' "$map" | awk -v h="$h" '$1 == h { print $2; exit }')
		[ -n "$hdir" ] || continue
		[ "$hdir" = "$dir" ] && continue
		# the step table (core/engine/steps) is part of the engine
		case "$dir:$hdir" in
		core/engine:core/engine/steps | core/engine/steps:core/engine) continue ;;
		esac
		r=$(rank "$hdir")
		# the two front-ends do not include each other
		case "$dir:$hdir" in
		tui/cli:tui/wizard | tui/wizard:tui/cli)
			echo "layers: $f includes $hdir/$h (the line commands and the screens are apart)"
			status=1
			continue
			;;
		esac
		if [ "$r" -ge "$own" ]; then
			echo "layers: $f ($dir) includes $hdir/$h, a layer above or beside it"
			status=1
		fi
	done
done
exit $status
