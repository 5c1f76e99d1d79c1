#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, builds, tests,
# then the Node test suites, and prints a closing line "N passed, N failed, N skipped".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tests/setup.sh || { echo "test setup failed"; echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp)
dotnet build ImageGate.sln -c Release -nologo -v q 2>&1 | tail -n 30
if [ "${PIPESTATUS[0]}" -ne 0 ]; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi
# The secret scan: every test process records what ImageGate printed and wrote into one folder, emptied here;
# after the main run (whose console log is kept there too) one last test scans it all for known secrets.
secret_outputs="$root/.test-work/secret-outputs"
rm -rf "$secret_outputs" && mkdir -p "$secret_outputs"
dotnet test ImageGate.sln -c Release --no-build -nologo --filter "TestCategory!=SuiteSecretScan" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
cp "$log" "$secret_outputs/dotnet-test-console.log"
echo "suite secret scan"
dotnet test tests/ImageGate.Cli.Tests -c Release --no-build -nologo --filter "TestCategory=SuiteSecretScan" --logger "console;verbosity=detailed" 2>&1 | tee -a "$log"
scan_status=${PIPESTATUS[0]}
if [ "$scan_status" -ne 0 ]; then status=$scan_status; fi
# The VSTest summary: "Passed!  - Failed:     0, Passed:   120, Skipped:     0, Total:   120, ..."
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# Node test suites (node's built-in runner, TAP summary "# pass N", "# fail N", "# cancelled N", "# skipped N").
for suite in task; do
  echo "node tests: $suite"
  (cd "$suite" && node --test --test-reporter=tap tests/) > "$log" 2>&1
  node_status=$?
  grep -E '^(not ok|# (pass|fail|cancelled|skipped) )' "$log"
  if [ "$node_status" -ne 0 ]; then grep -E -A 12 '^not ok' "$log" | head -n 80; fi
  n_pass=$(awk '/^# pass /{print $3}' "$log" | tail -n 1)
  n_fail=$(awk '/^# (fail|cancelled) /{s+=$3} END {print s+0}' "$log")
  n_skip=$(awk '/^# skipped /{print $3}' "$log" | tail -n 1)
  passed=$((passed + ${n_pass:-0}))
  skipped=$((skipped + ${n_skip:-0}))
  if [ "$node_status" -ne 0 ] && [ "$n_fail" -eq 0 ]; then n_fail=1; fi
  failed=$((failed + n_fail))
  if [ "$node_status" -ne 0 ]; then status=1; fi
done
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
