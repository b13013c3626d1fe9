"""Cold start of the encoding repair: what the first damaged text in a fresh
process costs before it is repaired.

Run from the repository root:

    .venv/bin/python bench/repair_model_load.py

Each measurement is a new Python process (``python -c``), as a server
worker after a start: it imports the repair and repairs one damaged line,
which loads the character model. Figures, medians of ``RUNS`` processes:

* ``repair_model_build_cpu_s``: building the model from wordfreq's word list
  and saving its tables (what every start paid before they were kept on
  disk; now only a ``migrate`` after a change of the word list does);
* ``repair_model_load_cpu_s`` / ``repair_model_load_wall_s``: the import of
  the repair plus loading the saved tables and the first repair, CPU and
  wall time. Wall time includes waiting for the CPU on a shared machine,
  so CPU time is the figure to compare with the 1 s bound;
* ``repair_model_file_mb``: the size of the saved tables.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5

CHILD = """
import json, time
wall, cpu = time.perf_counter(), time.process_time()
from studyapp.noteformat import repair
result = repair.repair_text("ã‚¢ãƒ—ãƒªã‚±ãƒ¼ã‚·ãƒ§ãƒ³ã®çŠ¶æ³")
assert result.repaired, result
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}))
"""

BUILD = """
import json, time
cpu = time.process_time()
from studyapp.noteformat import repair
assert repair.model_prepare()
print(json.dumps({"cpu": time.process_time() - cpu}))
"""


def _child(code: str, folder: str) -> dict:
    env = {**os.environ, "STUDYAPP_REPAIR_MODEL_DIR": folder}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        build = _child(BUILD, folder)
        loads = [_child(CHILD, folder) for _ in range(RUNS)]
        size = sum(path.stat().st_size for path in Path(folder).iterdir())
    return {
        "repair_model_build_cpu_s": round(build["cpu"], 2),
        "repair_model_load_cpu_s": round(statistics.median(x["cpu"] for x in loads), 2),
        "repair_model_load_wall_s": round(statistics.median(x["wall"] for x in loads), 2),
        "repair_model_file_mb": round(size / 1e6, 1),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<32} {value}")
