#!/bin/sh
# Install size and start-up times of briefbot, as in the README's "Footprint".
#   sh benchmarks/footprint.sh [VENV]      (default /tmp/briefbot-footprint; fetches the model into VENV/model)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V=${1:-/tmp/briefbot-footprint}
rm -rf "$V" && python3 -m venv "$V"
start=$(date +%s.%N)
"$V/bin/pip" install -q "$ROOT"
echo "install: $(echo "$(date +%s.%N) - $start" | bc) s"
SITE=$("$V/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "site-packages: $(du -sh "$SITE" | cut -f1)"
"$V/bin/python" - <<'PY'
import importlib.metadata as md, os
rows = sorted(((sum(os.path.getsize(f.locate()) for f in d.files or [] if os.path.exists(f.locate())),
                d.metadata["Name"]) for d in md.distributions()), reverse=True)
print(f"{sum(r[0] for r in rows) / 1e6:.0f} MB in {len(rows)} distributions; largest:",
      ", ".join(f"{n} {s / 1e6:.0f} MB" for s, n in rows[:10]))
PY

export PATH="$V/bin:$PATH" BRIEFBOT_DATA_DIR="$V/data" BRIEFBOT_SEEDS_DIR="$ROOT/seeds" BRIEFBOT_MODEL__DIR="$V/model"
cd "$V"
briefbot model fetch | tail -1

median() {  # median wall time of $1 runs of the rest
  n=$1; shift
  for i in $(seq "$n"); do
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f s\n", a[int((NR+1)/2)]}'
}
s=$(date +%s.%N); briefbot ask "troop estimates?" >/dev/null 2>&1
echo "first ask, building the store from the seeds: $(echo "$(date +%s.%N) - $s" | bc) s"
echo "briefbot --help: $(median 7 briefbot --help)"
echo "briefbot config show: $(median 7 briefbot config show)"
echo "briefbot model info: $(median 7 briefbot model info)"
echo "briefbot ask (existing store): $(median 7 briefbot ask 'troop estimates?')"
echo "briefbot ask, model disabled: $(BRIEFBOT_MODEL__ENABLED=false median 7 briefbot ask 'troop estimates?')"
"$V/bin/python" - <<'PY'
import time
from briefings.embedding import load_embedder
from bot.settings import load_settings
from bot.wiring import open_service
s = load_settings(None)
t = time.perf_counter(); load_embedder(s.model.dir, fetch=False); print(f"model load: {time.perf_counter() - t:.2f} s")
service = open_service(s)
for q in ["what did Putin say about the North Korean troops?", "what did Putin say about the North Korean troops?",
          "troop estimates?", "troop estimates?"]:
    t = time.perf_counter(); service.ask(q); print(f"in one process: {q!r} {time.perf_counter() - t:.2f} s")
PY
uptime
