#!/usr/bin/env bash
# ViT-B/16 and its GEMMs in vectorvit against PyTorch, ONNX Runtime, OpenBLAS and netlib, on the same
# weights, inputs and cores; one command for all of it. Not part of the test command.
#
#   jmh/peers/run.sh                  full run (about 15 minutes on 2 cores)
#   jmh/peers/run.sh quick            the same steps with minimal repetitions (about 6 minutes): checks that
#                                     everything runs; the numbers are rough
#   jmh/peers/run.sh [quick] [--fresh] [--skip-gemm] [--skip-vit] [--skip-cold] [JMH ARGS...]
#       --fresh       export the model again (it is cached in results/peers-model/)
#       --skip-gemm   no GemmPeersBench or GemmPeersTurns; --skip-vit: no VitPeers; --skip-cold: no fresh-process runs
#       JMH ARGS      anything else goes to JMH for GemmPeersBench, e.g. -p shape=197x768x3072 -p threads=1
#                     or -wi 3 -i 5 (quick's settings give way to those given)
#   jmh/peers/run.sh report           only remake results/peers.md and the charts from the last results
#
# Steps:
#   1. python3-torch, python3-torchvision, python3-numpy and libopenblas0-openmp from apt-get when missing
#      (as root, or with sudo). Debian's PyTorch calls whatever libblas.so.3 is; export.py puts OpenBLAS
#      first on its own LD_LIBRARY_PATH and refuses to time PyTorch on the 40x slower reference BLAS.
#      Installing libopenblas0-openmp also makes it the system's libblas.so.3 (update-alternatives, auto).
#   2. Build: the library (mvn install) and jmh/target/benchmarks.jar; SKIP_BUILD=1 reuses the jar.
#   3. export.py export: torchvision vit_b_16 with seeded random weights -> timm safetensors + config.json
#      (vectorvit), model.onnx (ONNX Runtime), torchvision.pt (PyTorch), input.npy [8,3,224,224] and
#      PyTorch's logits, in results/peers-model/ (kept between runs unless --fresh).
#   4. Fresh processes (3 rounds, 1 in quick), one image on 2 threads: time to first logits and peak RSS
#      of `vit bench --iterations 1 --warmup 0 --json`, OrtColdStart and `export.py cold`; before them, the
#      first `vit bench` after the build, which writes the vit script's class-data archive (reported apart).
#   5. GemmPeersBench (JMH): vectorvit, netlib VectorBLAS and OpenBLAS on GemmBench's shapes, 1 and 2
#      threads. Full: the annotations' 5 x 1 s warm-up + 5 x 1 s; quick: -f 1 -wi 1 -w 1s -i 2 -r 1s.
#      Then GemmPeersTurns: vectorvit and OpenBLAS taking turns in one JVM on the 197-row shapes, 1 thread
#      (20 rounds of 100 ms each, 5 in quick; about 45 s).
#   6. VitPeers: logits of vectorvit and ONNX Runtime against PyTorch's, then latency of batch 1 on 1 and
#      2 threads and batch 8 on 2 threads, the three engines taking turns pass by pass.
#      Warm-up until each engine's times settle (vectorvit's kernels need the JIT): full >= 5 rounds and
#      >= 20 s (at most 120 s), then 20 timed rounds; quick >= 2 rounds and >= 10 s (at most 60 s), 5 rounds.
#   7. The report (ReportCommand peers): results/peers.md, results/vit-peers.png, results/gemm-peers.png.
#
# Every process that runs OpenBLAS or PyTorch gets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (this
# machine's environment sets OPENBLAS_CORETYPE=Haswell: AVX2 kernels at half speed on AVX-512) and
# PyTorch gets OMP_WAIT_POLICY=PASSIVE (export.py sees to it).
#
# Output in results/ (git-ignored): peers.md, vit-peers.png, gemm-peers.png, peers.json (VitPeers),
# peers-jmh.json + peers-jmh.log (JMH), peers-gemm-info.json, peers-turns.json + .log (GemmPeersTurns), peers-cold/*.json,
# peers-vit.log.
# Environment: VITPEERS_ARGS="..." adds arguments to VitPeers (e.g. --ort-spinning, --configs 1x2,8x2,
# --max-warmup-seconds 60; see its class comment); RESULTS=DIR writes elsewhere; MACHINE, DATE, PEAK and PEAK_SOURCE
# as in jmh/run.sh; PYTHON=/usr/bin/python3.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The JDK, $root, $results, $jar, $jvm (OpenBLAS choosing its own kernels: see the header), build, run_report.
. "$here/../common.sh"

model=$results/peers-model
python=${PYTHON:-/usr/bin/python3}
clean_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

mode=full fresh=0 gemm=1 vit=1 coldruns=1 report_only=0
jmh_args=()
for a in "$@"; do
  case "$a" in
    quick) mode=quick ;;
    report) report_only=1 ;;
    --fresh) fresh=1 ;;
    --skip-gemm) gemm=0 ;;
    --skip-vit) vit=0 ;;
    --skip-cold) coldruns=0 ;;
    -h|--help) sed -n '2,/^here=/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) jmh_args+=("$a") ;;
  esac
done

say() { echo "peers: $*" >&2; }

install_python_deps() {
  local arch missing=()
  "$python" -c 'import torch, torchvision, numpy' 2>/dev/null || missing+=(python3-torch python3-torchvision python3-numpy)
  arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
  [ -d "/usr/lib/$arch/openblas-openmp" ] || [ -d "/usr/lib/$arch/openblas-pthread" ] || missing+=(libopenblas0-openmp)
  [ ${#missing[@]} = 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "error: missing ${missing[*]} and no apt-get to install them" >&2; exit 1; }
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  say "installing ${missing[*]} (apt-get)"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

report() {
  local args=(--cold "$results/peers-cold")
  [ -f "$results/peers.json" ] && args+=(--vit "$results/peers.json")
  [ -f "$results/peers-jmh.json" ] && args+=(--gemm "$results/peers-jmh.json")
  [ -f "$results/peers-gemm-info.json" ] && args+=(--gemm-info "$results/peers-gemm-info.json")
  [ -f "$results/peers-turns.json" ] && args+=(--gemm-turns "$results/peers-turns.json")
  [ -f "$results/peers-torch.json" ] && args+=(--torch-bench "$results/peers-torch.json")
  run_report peers "${args[@]}"
}

if [ "$report_only" = 1 ]; then
  build
  report
  exit 0
fi

start=$(date +%s)
install_python_deps
build
mkdir -p "$results"

# ---- 3. the model, once
if [ "$fresh" = 1 ] || [ ! -f "$model/export.json" ]; then
  say "exporting the model to $model"
  "$python" "$here/export.py" export "$model" --fresh
fi

# ---- 4. fresh processes: time to first logits, peak RSS
if [ "$coldruns" = 1 ]; then
  rounds=3
  [ "$mode" = quick ] && rounds=1
  rm -rf "$results/peers-cold"
  mkdir -p "$results/peers-cold"
  "$root/vit" --help >/dev/null # builds target/vectorvit.jar if needed, outside the measurement
  # A user's first `vit bench` after a build writes the class-data archive that later runs map (the vit
  # script, "Class data sharing"): this run does that, its figures kept apart from the measured runs.
  rm -rf "$root/target/cds"
  "${clean_env[@]}" "$root/vit" bench --model "$model" --batch 1 --threads 2 --iterations 1 --warmup 0 --json \
    >"$results/peers-cold/vectorvit-after-build.json" 2>/dev/null
  for i in $(seq 1 "$rounds"); do
    say "fresh processes, round $i of $rounds"
    "${clean_env[@]}" "$root/vit" bench --model "$model" --batch 1 --threads 2 --iterations 1 --warmup 0 --json \
      >"$results/peers-cold/vectorvit-$i.json" 2>/dev/null
    "${clean_env[@]}" java --enable-native-access=ALL-UNNAMED -cp "$jar" dev.vectorvit.jmh.peers.OrtColdStart "$model" 2 \
      >"$results/peers-cold/onnxruntime-$i.json"
    "$python" "$here/export.py" cold "$model" --threads 2 >"$results/peers-cold/pytorch-$i.json"
  done
fi

# ---- 5. GEMM against netlib and OpenBLAS (JMH)
if [ "$gemm" = 1 ]; then
  "${jvm[@]}" -cp "$jar" dev.vectorvit.jmh.peers.GemmPeers --out "$results/peers-gemm-info.json" 2>/dev/null
  settings=()
  if [ "$mode" = quick ]; then
    for pair in "-f 1" "-wi 1" "-w 1s" "-i 2" "-r 1s"; do
      opt=${pair% *} given=0
      for a in "${jmh_args[@]}"; do [ "$a" = "$opt" ] && given=1; done
      [ "$given" = 1 ] || settings+=($pair)
    done
  fi
  say "GemmPeersBench (JMH)"
  "${jvm[@]}" -jar "$jar" 'dev.vectorvit.jmh.peers.GemmPeersBench' "${settings[@]}" "${jmh_args[@]}" \
    -rf json -rff "$results/peers-jmh.json" 2>&1 | tee "$results/peers-jmh.log"
  status=${PIPESTATUS[0]}
  [ "$status" = 0 ] || { echo "error: JMH exited with $status" >&2; exit "$status"; }
  if grep -q "<failure>" "$results/peers-jmh.log"; then
    echo "error: a GemmPeersBench setup failed (see $results/peers-jmh.log)" >&2
    exit 1
  fi
  turns=20
  [ "$mode" = quick ] && turns=5
  say "GemmPeersTurns: vectorvit and OpenBLAS taking turns, 1 thread"
  rm -f "$results/peers-turns.json"
  "${jvm[@]}" -cp "$jar" dev.vectorvit.jmh.peers.GemmPeersTurns --rounds "$turns" --out "$results/peers-turns.json" 2>&1 \
    | tee "$results/peers-turns.log"
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "error: GemmPeersTurns failed (see $results/peers-turns.log)" >&2; exit 1; }
fi

# ---- 6. ViT-B/16 side by side
if [ "$vit" = 1 ]; then
  vit_args=(--warmup 5 --warmup-seconds 20 --iterations 20)
  [ "$mode" = quick ] && vit_args=(--warmup 2 --warmup-seconds 10 --max-warmup-seconds 60 --iterations 5)
  say "VitPeers: vectorvit, ONNX Runtime and PyTorch taking turns"
  "${jvm[@]}" -cp "$jar" dev.vectorvit.jmh.peers.VitPeers --model "$model" --out "$results/peers.json" \
    --torch "$here/export.py" --python "$python" "${vit_args[@]}" ${VITPEERS_ARGS:-} 2>&1 | tee "$results/peers-vit.log"
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "error: VitPeers failed (see $results/peers-vit.log)" >&2; exit 1; }
fi

# ---- 7. the report
if [ -f "$results/peers.json" ] || [ -f "$results/peers-jmh.json" ]; then report; fi
say "finished in $(( $(date +%s) - start )) s"
