"""The review's patterns are the same text in every process (review/rx.py keeps them compiled on disk by their
text): a pattern built from a set — whose order moves with Python's hash seed — was another pattern in each run,
compiled anew every time (identity._placed_name, an alternation of every place: ~65 ms of each `jixiao review`, and a
new stale entry in the cache each run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SEED = Path(__file__).parent / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"

_PROGRAM = f"""
import json, re
from pathlib import Path
from jixiao.review import review_file, rx
review_file(Path({str(SEED)!r}))
table = getattr(re, "_cache", {{}})
print(json.dumps(sorted([p for p, _ in rx._compiled] + [k[1] for k in table if isinstance(k[1], str)])))
"""


def _patterns(seed: str, tmp_path: Path) -> set[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "JIXIAO_CACHE_DIR": str(tmp_path / seed)}
    done = subprocess.run([sys.executable, "-c", _PROGRAM], env=env, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_the_patterns_of_a_review_do_not_depend_on_the_hash_seed(tmp_path):
    one, other = _patterns("1", tmp_path), _patterns("2", tmp_path)
    assert len(one) > 100
    assert one == other, sorted(p[:60] for p in one ^ other)
