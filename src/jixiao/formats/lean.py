"""The OCR engine's two PP-OCRv4 models (text detection and recognition) with their arithmetic written in fewer
steps, made once from the wheel's own files (issue 20: ≤ 2 s CPU a scanned page on one core, the maximum too).

Both models are PP-LCNetV3 backbones exported from Paddle, and the export spells out what ONNX Runtime does not
fuse: every convolution is followed by a learnable scale and shift (a Mul and an Add by a scalar), then
hard-swish as four element-wise passes (x · clip(x + 3, 0, 6) / 6), then another scale and shift before the next
convolution. On one core those element-wise passes over the feature maps took 39% of the recogniser's time,
the convolutions 43% (ONNX Runtime's profiler over 400 corpus crops). Rewritten here, each exactly equal in
arithmetic (float rounding aside):

- a convolution followed by `· s + b` takes them into its weights and bias (W·s, bias·s + b);
- hard-swish becomes x · HardSigmoid(x) with α = 1/6, β = 1/2 (two passes, the same function; opset 12 has no
  HardSwish, and raising the opset would change Squeeze's form);
- a `· s + b` before a convolution: s goes into the weights (W·s; zero padding stays zero); b into the bias
  (b · ΣW) where the convolution has no padding, else an Add of b/s stays before it (a padded border reads zero
  in both, as before).

Measured in one process on 1,289 crops of 15 corpus pages (the slowest of the full run and the synthetic table):
the recogniser 17.9 → 13.3 s CPU, the detector on 16 pages 2.7 → 2.1–2.4 s; every crop reads the same text, the
detector finds the same boxes to the pixel. The rewritten model is kept in jixiao's disk cache
(files/diskcache.py: JIXIAO_CACHE_DIR, written to a temporary name and renamed), named by the digest of the
wheel's file and of this rewriting; with the cache off or not writable it is made in memory each time the engine
loads (0.45 s CPU for both); without the `onnx` package the wheel's model is used as it is.
"""

from __future__ import annotations

import collections
import os
import tempfile
from pathlib import Path
from typing import Any

from jixiao.files import diskcache

__all__ = ["REWRITING", "lean_model", "rewritten"]

# bumped whenever rewritten() changes what it writes: the cached file is named by it
REWRITING = "lean-1"


def lean_model(path: str | Path) -> str | bytes:
    """The rewritten model for the ONNX file at `path`: the path of its cached copy, its bytes when it cannot be
    kept on disk, or `path` itself when it cannot be rewritten (no `onnx` package, or a graph it does not
    recognise: then the wheel's model, as it is)."""
    try:
        import onnx  # noqa: F401  (only to know whether the rewriting can be done)
    except ImportError:
        return str(path)
    source = Path(path).read_bytes()
    folder = diskcache.cache_dir()
    name = f"ocr-{diskcache.digest(REWRITING, source)[:24]}.onnx"
    if folder is not None and (folder / name).is_file():
        return str(folder / name)
    model = rewritten(source)
    if model is None:
        return str(path)
    if folder is None or not diskcache.writable():
        return model
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".ocr-", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(model)
        os.replace(temporary, folder / name)  # a reader sees no file or the whole one
    except OSError:
        return model
    return str(folder / name)


def rewritten(source: bytes) -> bytes | None:
    """The model's bytes with its scale-and-shift steps folded and hard-swish in two passes (see the module's
    docstring), or None when it has none of them to rewrite."""
    import onnx

    model = onnx.load_from_string(source)
    graph = _Graph(model.graph)
    done = graph.fold_into_convolutions() + graph.commit()
    done += graph.hard_swish() + graph.commit()
    done += graph.fold_before_convolutions() + graph.commit()
    if not done:
        return None
    graph.drop_unused()
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


class _Graph:
    """An ONNX graph with its constants (Constant nodes and initializers) as numpy arrays, edited in place."""

    def __init__(self, graph: Any) -> None:
        from onnx import numpy_helper

        self.graph = graph
        self.constants: dict[str, Any] = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        for node in graph.node:
            if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
                self.constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.made = 0
        # until commit(): the nodes removed and the nodes to put before a node, by id (the node itself is kept
        # beside it: protobuf's wrapper of a node lives only while referred to, and its id can be reused)
        self.gone: dict[int, Any] = {}
        self.added: dict[int, tuple[Any, list[Any]]] = {}

    def users(self) -> dict[str, list[Any]]:
        """Each value's consumers; a graph output counts as one (None), so it is never folded away."""
        found: dict[str, list[Any]] = collections.defaultdict(list)
        for node in [*self.graph.node, *(n for _, nodes in self.added.values() for n in nodes)]:
            if id(node) in self.gone:
                continue
            for name in node.input:
                found[name].append(node)
        for output in self.graph.output:
            found[output.name].append(None)
        return found

    def scalar(self, name: str) -> float | None:
        value = self.constants.get(name)
        return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None

    def only_user(self, users: dict[str, list[Any]], name: str, op_type: str) -> Any:
        """The one node that uses `name`, if it is one of `op_type`."""
        found = users[name]
        return found[0] if len(found) == 1 and found[0] is not None and found[0].op_type == op_type else None

    def by_scalar(self, node: Any, value: str) -> float | None:
        """The scalar constant that `node` (a Mul, Add or Div) applies to `value`, or None."""
        others = [name for name in node.input if name != value]
        return self.scalar(others[0]) if len(others) == 1 and len(node.input) == 2 else None

    def constant(self, array: Any) -> str:
        """A new initializer holding `array` (float32); its name."""
        import numpy as np
        from onnx import numpy_helper

        self.made += 1
        name = f"jixiao_lean_{self.made}"
        value = np.asarray(array, dtype=np.float32)
        self.graph.initializer.append(numpy_helper.from_array(value, name))
        self.constants[name] = value
        return name

    def weights(self, conv: Any) -> tuple[Any, Any] | None:
        """A convolution's weights and bias (zeros when it has none), if both are constants."""
        import numpy as np

        weights = self.constants.get(conv.input[1])
        if weights is None:
            return None
        if len(conv.input) > 2 and conv.input[2]:
            bias = self.constants.get(conv.input[2])
            return None if bias is None else (weights, bias)
        return weights, np.zeros(weights.shape[0], dtype=np.float32)

    def set_weights(self, conv: Any, weights: Any, bias: Any) -> None:
        conv.input[1] = self.constant(weights)
        if len(conv.input) > 2:
            conv.input[2] = self.constant(bias)
        else:
            conv.input.append(self.constant(bias))

    def remove(self, gone: list[Any]) -> None:
        self.gone.update((id(node), node) for node in gone)

    def commit(self) -> int:
        """The removals and additions made in the graph itself (its nodes are copied then: a node taken from it
        before is no longer its own). Returns 0, to be added to a count."""
        nodes = []
        for node in self.graph.node:
            nodes += self.added.get(id(node), (None, []))[1]
            if id(node) not in self.gone:
                nodes.append(node)
        del self.graph.node[:]
        self.graph.node.extend(nodes)
        self.gone.clear()
        self.added.clear()
        return 0

    def fold_into_convolutions(self) -> int:
        """Conv → Mul(s) [→ Add(b)]: the convolution computes W·s and bias·s + b itself."""
        done = 0
        for conv in [n for n in self.graph.node if n.op_type == "Conv"]:
            users = self.users()
            mul = self.only_user(users, conv.output[0], "Mul")
            scale = self.by_scalar(mul, conv.output[0]) if mul is not None else None
            found = self.weights(conv)
            if scale is None or found is None:
                continue
            add = self.only_user(users, mul.output[0], "Add")
            shift = self.by_scalar(add, mul.output[0]) if add is not None else None
            last = mul if shift is None else add
            weights, bias = found
            self.set_weights(conv, weights * scale, bias * scale + (shift or 0.0))
            conv.output[0] = last.output[0]
            self.remove([mul] if shift is None else [mul, add])
            done += 1
        return done

    def hard_swish(self) -> int:
        """Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(6) as HardSigmoid(x; 1/6, 1/2) → Mul(x, ·)."""
        from onnx import helper

        done = 0
        for add in [n for n in self.graph.node if n.op_type == "Add"]:
            users = self.users()
            x = next((name for name in add.input if self.scalar(name) is None), None)
            if x is None or self.by_scalar(add, x) != 3.0:
                continue
            clip = self.only_user(users, add.output[0], "Clip")
            bounds = (self.scalar(clip.input[1]), self.scalar(clip.input[2])) if clip and len(clip.input) == 3 else None
            if bounds != (0.0, 6.0):
                continue
            mul = self.only_user(users, clip.output[0], "Mul")
            if mul is None or sorted(mul.input) != sorted([x, clip.output[0]]):
                continue
            div = self.only_user(users, mul.output[0], "Div")
            if div is None or div.input[0] != mul.output[0] or self.scalar(div.input[1]) != 6.0:
                continue
            gate = f"{div.output[0]}_jixiao_gate"
            self.added[id(add)] = (
                add,
                [
                    helper.make_node("HardSigmoid", [x], [gate], name=gate, alpha=1 / 6, beta=0.5),
                    helper.make_node("Mul", [x, gate], [div.output[0]], name=gate + "_mul"),
                ],
            )
            self.remove([add, clip, mul, div])
            done += 1
        return done

    def fold_before_convolutions(self) -> int:
        """Mul(x, s) [→ Add(b)] → Conv: W·s in the convolution; b into its bias when it pads nothing, else an Add
        of b/s before it (zero padding reads zero either way)."""
        done = 0
        for mul in [n for n in self.graph.node if n.op_type == "Mul"]:
            users = self.users()
            x = next((name for name in mul.input if self.scalar(name) is None), None)
            scale = self.by_scalar(mul, x) if x is not None else None
            if not scale:
                continue
            add = self.only_user(users, mul.output[0], "Add")
            shift = self.by_scalar(add, mul.output[0]) if add is not None else None
            if add is not None and shift is None:
                continue
            conv = self.only_user(users, (add or mul).output[0], "Conv")
            found = self.weights(conv) if conv is not None else None
            if found is None or conv.input[0] != (add or mul).output[0]:
                continue
            weights, bias = found
            if shift is None:
                self.set_weights(conv, weights * scale, bias)
                conv.input[0] = x
                self.remove([mul])
            elif not _pads(conv):
                self.set_weights(conv, weights * scale, bias + shift * weights.sum(axis=(1, 2, 3)))
                conv.input[0] = x
                self.remove([mul, add])
            else:
                self.set_weights(conv, weights * scale, bias)
                del add.input[:]
                add.input.extend([x, self.constant(shift / scale)])
                self.remove([mul])
            done += 1
        return done

    def drop_unused(self) -> None:
        used = {name for node in self.graph.node for name in node.input} | {o.name for o in self.graph.output}
        nodes = [n for n in self.graph.node if n.op_type != "Constant" or n.output[0] in used]
        del self.graph.node[:]
        self.graph.node.extend(nodes)
        initializers = [t for t in self.graph.initializer if t.name in used]
        del self.graph.initializer[:]
        self.graph.initializer.extend(initializers)


def _pads(conv: Any) -> bool:
    """Whether a convolution reads a padded border (explicit pads, or SAME_* padding)."""
    for attribute in conv.attribute:
        if attribute.name == "pads" and any(attribute.ints):
            return True
        if attribute.name == "auto_pad" and attribute.s not in (b"NOTSET", b"VALID"):
            return True
    return False
