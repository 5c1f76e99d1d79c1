#!/usr/bin/env bash
# Runs one fuzz target under AFL++ for a given time. Usage: fuzz/run.sh TARGET SECONDS
# Builds the harness, instruments ImageGate's assemblies (and YamlDotNet) with SharpFuzz, builds the seed corpus
# when missing, runs afl-fuzz at low priority and prints executions, coverage, crashes and hangs.
# Exit code: 0 when the run found no crash or hang, 1 when it did (inputs under fuzz/findings/TARGET), 2 on usage errors.
set -euo pipefail
if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh TARGET SECONDS   (targets: fuzz/run.sh --list 0)" >&2
  exit 2
fi
target=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
build="$here/.build"
tools="$here/.tools"

command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 2; }
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# The lock lets several targets start side by side without two builds writing the same output.
mkdir -p "$build"
flock "$build/.lock" nice -n 15 dotnet build "$here/ImageGate.Fuzz/ImageGate.Fuzz.csproj" -c Release -o "$build/bin" -v q -nologo >/dev/null
if [ "$target" = "--list" ]; then
  dotnet "$build/bin/ImageGate.Fuzz.dll" --list
  exit 0
fi
dotnet "$build/bin/ImageGate.Fuzz.dll" --list | grep -qx -- "$target" || { echo "unknown target '$target'" >&2; exit 2; }

# Instrument a fresh copy each run (instrumenting twice is not supported).
run="$build/run-$target"
rm -rf "$run"
cp -r "$build/bin" "$run"
for dll in "$run"/ImageGate.Manifests.dll "$run"/ImageGate.Policies.dll "$run"/ImageGate.Cel.dll "$run"/ImageGate.Sigstore.dll \
           "$run"/ImageGate.Notation.dll "$run"/ImageGate.Oci.dll "$run"/YamlDotNet.dll; do
  "$tools/sharpfuzz" "$dll" >/dev/null
done

[ -d "$here/corpus/$target" ] || bash "$here/make-corpus.sh" "$here/corpus" >/dev/null
findings="$here/findings/$target"
rm -rf "$findings"
mkdir -p "$here/findings"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=60000 AFL_QUIET=1
nice -n 15 afl-fuzz -i "$here/corpus/$target" -o "$findings" -t 10000 -m none -V "$seconds" \
  -- "$(command -v dotnet)" "$run/ImageGate.Fuzz.dll" "$target" > "$findings.log" 2>&1 || true

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "afl-fuzz did not start; see $findings.log" >&2
  tail -20 "$findings.log" >&2
  exit 2
fi
value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(value saved_crashes)
hangs=$(value saved_hangs)
printf '%s: %s s, %s executions (%s/s), coverage %s, corpus %s, crashes %s, hangs %s\n' \
  "$target" "$(value run_time)" "$(value execs_done)" "$(value execs_per_sec)" "$(value bitmap_cvg)" "$(value corpus_count)" "$crashes" "$hangs"
if [ "$crashes" != "0" ] || [ "$hangs" != "0" ]; then
  echo "inputs: $findings/default/crashes and $findings/default/hangs; replay with:"
  echo "  dotnet $build/bin/ImageGate.Fuzz.dll $target --run $findings/default/crashes"
  exit 1
fi
