#!/bin/sh
# pipeline_matrix_moto.sh - does every run of the workflow ecr-wizard writes
# get a token the role it creates admits?  Decided by an IAM evaluator the
# project did not write: @cloud-copilot/iam-simulate (pinned, installed
# under tests/.tools/ by tests/tools/install-iam-simulate.sh; no install,
# no test: it fails, never skips).
#
# Matrix: trust scopes (any, branch:main, branch:release/*, tag:v*,
# env:production, pull_request, several) x tag mutability (MUTABLE,
# IMMUTABLE) x (no environment, --env staging:us-west-2:app-staging).  For
# each: `apply --yes` against moto, the created role's trust policy read
# back, the written workflow parsed and its runs enumerated (event, ref,
# environment), and for each run's token iam-simulate's authorize() must
# allow sts:AssumeRoleWithWebIdentity; a lookalike repository, another
# owner, another owner casing and a wrong audience must be refused
# (tests/tools/pipeline_matrix.py).  --trust with --env is refused as usage
# (each environment's role trusts only its environment): those cells check
# that exit 2.
#
# When apply refuses a setup (its pipeline check found a refused trigger),
# the cell fails, and the setup is applied again with
# --allow-refused-triggers so the evaluator still names every run it
# refuses.
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto
GH=octo-org/app
WF=.github/workflows/ecr-push.yml

pkg=$(sh "$EW_TOP/tests/tools/install-iam-simulate.sh" "$EW_TOP" 2>"$W/install.err")
if [ -z "$pkg" ] || [ ! -d "$pkg" ]; then
	not_ok "install @cloud-copilot/iam-simulate: $(cat "$W/install.err")"
	finish
fi
ok "iam-simulate installed: $pkg"

# judge LABEL JSON: the independent evaluation, lines numbered.
judge() {
	python3 "$EW_TOP/tests/tools/pipeline_matrix.py" "$1" "$W/repo/$WF" \
		"$2" "$GH" "$EW_TOP/tests/tools/iam_simulate_authorize.js" \
		"$pkg" >"$W/judge.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done <"$W/judge.out"
}

cells=0
bad_cells=""
n=0
for scopes in any branch:main 'branch:release/*' 'tag:v*' env:production \
	pull_request 'branch:main,tag:v*,env:production,pull_request'; do
	for mut in MUTABLE IMMUTABLE; do
		for envs in none staging:us-west-2:app-staging; do
			n=$((n + 1))
			label="$scopes/$mut/env=$envs"
			set -- --github "$GH" --yes --output json --tag-mutability "$mut"
			if [ "$scopes" != any ]; then
				for sc in $(echo "$scopes" | tr ',' ' '); do
					set -- "$@" --trust "$sc"
				done
			fi
			[ "$envs" = none ] || set -- "$@" --env "$envs"
			py reset
			rm -rf "$W/repo/.github"
			cells=$((cells + 1))
			ew "c$n" apply "$@"
			if [ "$scopes" != any ] && [ "$envs" != none ]; then
				if [ "$rc" -eq 2 ] && grep -q "cannot be combined with --env" "$W/c$n.err"; then
					ok "$label: --trust with --env refused as usage (exit 2)"
				else
					not_ok "$label: --trust with --env: exit $rc, expected 2"
					bad_cells="$bad_cells $label"
				fi
				continue
			fi
			before=$t_failed
			check "$label: apply exit 0" [ "$rc" -eq 0 ]
			json="$W/c$n.out"
			if [ "$rc" -eq 1 ]; then
				echo "# $label: apply refused: $(grep 'refused -' "$W/c$n.err" | tr '\n' ';')"
				ew "c$n-allow" apply "$@" --allow-refused-triggers
				json="$W/c$n-allow.out"
				check "$label: apply --allow-refused-triggers exit 0" [ "$rc" -eq 0 ]
			fi
			check "$label: workflow written" [ -f "$W/repo/$WF" ]
			judge "$label" "$json"
			[ "$t_failed" -eq "$before" ] || bad_cells="$bad_cells $label"
		done
	done
done
echo "# matrix: $cells cells, $(echo "$bad_cells" | wc -w) failing:$bad_cells"
no_secret "$W"/*.out "$W"/*.err && ok "no secret in any output" || not_ok "no secret in any output"
finish
