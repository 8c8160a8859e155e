#!/usr/bin/env bash
# Side-by-side training throughput: the pure-Go trainer (one core,
# GOMAXPROCS=1) against the PyTorch reference (one thread,
# OMP_WAIT_POLICY=PASSIVE) on the tiny and stories15M configurations, in the
# same run, with the single-core sgemm peak of both for context.
#
# usage: bench/trainer/run.sh [quick]     (quick: fewer steps, no B=4 run)
# needs: go; Debian python3-torch + python3-numpy for the peer (skipped if absent)
set -euo pipefail
cd "$(dirname "$0")/../.."
QUICK=${1:-}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
PY=/usr/bin/python3            # Debian's interpreter; a pyenv python3 on PATH has no torch
REF=train/testdata/ref_llama_train.py
HAVE_TORCH=0
"$PY" -c 'import torch, numpy' 2>/dev/null && HAVE_TORCH=1

go build -o "$OUT/trainer-bench" ./bench/trainer
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go kernel: $("$OUT/trainer-bench" -mode sgemm -reps 1 | sed 's/.*"kernel":"\([^"]*\)".*/\1/')"
if [ "$HAVE_TORCH" = 1 ]; then
  blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
  echo "peer: PyTorch $("$PY" -c 'import torch; print(torch.__version__)'), libblas.so.3 -> $blas"
  case "$blas" in *openblas*) ;; *) echo "WARNING: libblas.so.3 is not OpenBLAS (install libopenblas0 for a fair peer); the PyTorch figures below are handicapped";; esac
else
  echo "peer: $PY has no torch (apt-get install python3-torch python3-numpy): Go figures only"
fi

result() { grep '^RESULT ' | tail -1 | cut -c8-; }

# sgemm peaks, one thread each.
GO_SGEMM=$(GOMAXPROCS=1 "$OUT/trainer-bench" -mode sgemm -reps 5 | result)
PY_SGEMM='{}'
if [ "$HAVE_TORCH" = 1 ]; then
  "$PY" "$REF" sgemm --threads 1 --sizes 512 1024 2048 --reps 5 --out "$OUT/py" >"$OUT/sgemm.txt"
  PY_SGEMM=$("$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0]))' "$OUT/py/sgemm.json")
fi

runs=("tiny 16 10 3" "small 8 5 2")
[ -z "$QUICK" ] && runs+=("small 4 5 2")
[ -n "$QUICK" ] && runs=("tiny 16 5 2" "small 8 3 1")
ROWS="$OUT/rows.jsonl"
: >"$ROWS"
for r in "${runs[@]}"; do
  set -- $r
  cfg=$1 B=$2 steps=$3 warm=$4
  gocfg=$cfg; [ "$cfg" = small ] && gocfg=stories15M
  GO=$(GOMAXPROCS=1 "$OUT/trainer-bench" -config "$gocfg" -batch "$B" -steps "$steps" -warmup-steps "$warm" | result)
  PYR='null'
  if [ "$HAVE_TORCH" = 1 ]; then
    "$PY" "$REF" bench --config "$cfg" --batch "$B" --threads 1 --steps "$steps" --warmup-steps "$warm" --passive --out "$OUT/py" >/dev/null
    PYR=$("$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0]))' "$OUT/py/bench_${cfg}_B${B}_passive.json")
  fi
  echo "{\"go\": $GO, \"py\": $PYR}" >>"$ROWS"
done

# The table: python only for formatting (any python3 will do).
python3 - "$ROWS" "$GO_SGEMM" "$PY_SGEMM" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
gs, ps = json.loads(sys.argv[2]), json.loads(sys.argv[3])
go_peak = max(v for k, v in gs.items() if k.endswith("_gflops"))
py_peak = max([v for k, v in ps.items() if k.endswith("_gflops")] or [0])
print(f"\nsingle-core sgemm peak (best of 512/1024/2048): Go GEMM {go_peak:.1f} GFLOP/s" +
      (f", numpy/torch BLAS {py_peak:.1f} GFLOP/s (the script's sgemm mode)" if py_peak else ""))
hdr = (f"{'config':10s} {'BxT':>7s} | {'Go tok/s':>8s} {'GFLOP/s':>7s} {'%blas':>6s} {'%gogemm':>7s} {'tok/cpu-s':>9s} |"
       f" {'torch tok/s':>11s} {'GFLOP/s':>7s} {'%blas':>6s} {'tok/cpu-s':>9s} | {'ratio':>6s} {'per-cpu-s':>9s}")
print(hdr); print("-" * len(hdr))
pct = lambda x, peak: f"{100*x/peak:5.1f}%" if peak else f"{'-':>6s}"
for r in rows:
    g, p = r["go"], r["py"]
    line = (f"{g['config']:10s} {g['batch']:>3d}x{g['seq_len']:<3d} | {g['tokens_per_s']:8.1f} {g['gflops_per_s']:7.1f} "
            f"{pct(g['gflops_per_s'], py_peak)} {pct(g['gflops_per_s'], go_peak):>7s} {g['tokens_per_cpu_s']:9.1f} |")
    if p:
        line += (f" {p['tokens_per_s']:11.1f} {p['gflops_per_s']:7.1f} {pct(p['gflops_per_s'], py_peak)} {p['tokens_per_cpu_s']:9.1f} |"
                 f" {g['tokens_per_s']/p['tokens_per_s']:5.2f}x {g['tokens_per_cpu_s']/p['tokens_per_cpu_s']:8.2f}x")
    else:
        line += f" {'-':>11s} {'-':>7s} {'-':>6s} {'-':>9s} | {'-':>6s} {'-':>9s}"
    print(line)
print("""
ratio = Go tokens/s over PyTorch tokens/s (median step, wall clock); per-cpu-s = the same per CPU-second
of the process, which is the fairer figure on a loaded machine. %blas / %gogemm = model GFLOP/s over the
BLAS / Go single-core sgemm peak. For reference, the kit's PyTorch figures with OpenBLAS 0.3.21 on a
Cascade Lake core: tiny B16 20,585 tok/s, stories15M B8 539 tok/s, B4 526 tok/s; sgemm 105-119 GFLOP/s.""")
print(f"load average at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}")
PYEOF
