#!/bin/sh
# tag_rules.sh - the image tags each generated workflow pushes, run after
# run, by docker/metadata-action's rules, against a simulated ECR repository
# with the setup's tag mutability (tests/tools/tag_rules.py says what is
# replayed and asserted).
#
# Runs after the C tests: test_documents writes every workflow variant and
# its setup into $EW_TEST_OUT/workflows/.
set -u
top=${EW_TOP:-$(pwd)}
out=${EW_TEST_OUT:-$top/tests/.out}
exec python3 "$top/tests/tools/tag_rules.py" "$out/workflows"
