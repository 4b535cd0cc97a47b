"""OCR's fast path (issue 20): crops squeezed before recognition and a very wide line read as two halves
(formats/crops.py) read as the slower settings they replaced. Speed itself is measured by bench/ocr_pages.py,
never here.

The page is drawn, not printed: 22-px Noto Sans CJK (10.5 pt at 150 dpi, as a scanned report's body text) on a
white A4-wide strip — a long line of a sentence with figures (about 1,700 px at the recogniser's 48-px height:
squeezed to 70% and still over crops.WIDE, so cut in two), a line of eight characters (about 350 px: squeezed by the
fast setting only), a table cell's figure and a short label (left alone)."""

from __future__ import annotations

import copy

import pytest

from .review_support import cjk_font

LINES = [
    "本部门2023年度年初预算数为1200.50万元，全年执行数为1186.32万元，预算执行率为98.82%，完成培训326人次。",
    "资金执行率95%",
    "1,037.00",
    "满意度",
]


@pytest.fixture(scope="module")
def page():
    import numpy as np
    from PIL import Image, ImageDraw

    pytest.importorskip("rapidocr_onnxruntime")
    image = Image.new("RGB", (1240, 60 + 70 * len(LINES)), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(LINES):
        draw.text((60, 40 + 70 * k), line, fill="black", font=cjk_font(22))
    return np.asarray(image)[:, :, ::-1].copy()  # RGB → BGR, as a rendered page


def _read(page, squeeze, wide, monkeypatch) -> tuple[str, list[float]]:
    """The page's text, and the widths (at the recogniser's height) of the crops recognised."""
    from jixiao.formats import crops, ocr

    widths: list[float] = []
    recognise = crops.read_crops

    def measuring(recogniser, images):
        widths.extend(c.shape[1] * 48 / c.shape[0] for c in images)
        return recognise(recogniser, images)

    with monkeypatch.context() as patch:
        patch.setattr(crops, "SQUEEZE", squeeze)
        patch.setattr(crops, "WIDE", wide)
        patch.setattr(crops, "read_crops", measuring)
        blocks = ocr.read_image(page, 1)
    return "".join(b.text for b in blocks), widths


def test_the_fast_path_reads_as_the_slower_settings(page, monkeypatch):
    """The fast setting reads the page as the setting before it (only lines wider than 480 px squeezed, to 70%,
    none cut) and as no squeezing at all, on fewer pixels, the long line in two pieces; every figure drawn is read
    (the text itself is the engine's: with this font it reads 本部门 as 本部内 at every setting)."""
    import re

    from jixiao.formats import crops

    fast, fast_widths = _read(page, crops.SQUEEZE, crops.WIDE, monkeypatch)
    before, before_widths = _read(page, ((480, 0.7),), 0, monkeypatch)
    whole, whole_widths = _read(page, (), 0, monkeypatch)
    assert fast == before == whole
    figures = re.compile(r"[\d.,]*\d%?")
    assert figures.findall(fast) == figures.findall("".join(LINES)) != []
    assert len(before_widths) == len(whole_widths) == len(LINES)
    assert len(fast_widths) == len(LINES) + 1  # the long line read as two halves
    # widths measured: before 1,628 (the long line at 70%) + 315 + 179 + 129 = 2,251; fast: the long line's halves
    # 824 + 803, the middle line 219 (its 315 at 70%), 179, 129 = 2,154; whole: the long line alone 1,628 / 0.7
    assert sum(fast_widths) < sum(before_widths) - 50 < sum(whole_widths) - 100


# --- the models in fewer steps (formats/lean.py) -----------------------------------------------------------------


def _wheel_model(name: str) -> str:
    from pathlib import Path

    import rapidocr_onnxruntime

    return str(Path(rapidocr_onnxruntime.__file__).parent / "models" / name)


def test_the_lean_models_read_the_page_as_the_wheels(page, monkeypatch):
    """The engine reads with the rewritten models (lean.py), and reads the fixture page as with the wheel's own
    files: the same text and boxes, and on each drawn line the recogniser's output the same to float rounding
    (the same character at every step)."""
    import numpy as np

    from jixiao.formats import ocr

    engine = ocr._ocr_engine()
    lean = [engine.text_det.infer, engine.text_rec.session]
    assert all("ch_PP-OCRv4" not in str(w.session._model_path) for w in lean)  # not the wheel's files

    def read() -> tuple[list, list]:
        lines = [engine.text_rec.session(x[np.newaxis].astype(np.float32))[0] for x in _inputs(engine, page)]
        return ocr.read_image(page, 1), lines

    fast, fast_lines = read()
    for wrapper, name in zip(lean, ["ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"], strict=True):
        plain = copy.copy(wrapper)
        ocr._with_arena(plain, _wheel_model(name))
        monkeypatch.setattr(wrapper, "session", plain.session)
    slow, slow_lines = read()
    assert [(b.text, b.box, b.rows) for b in fast] == [(b.text, b.box, b.rows) for b in slow]
    assert "".join(b.text for b in fast) != ""
    assert len(fast_lines) == len(LINES)
    for a, b in zip(fast_lines, slow_lines, strict=True):
        assert (a.argmax(axis=-1) == b.argmax(axis=-1)).all()
        assert float(np.abs(a - b).max()) < 1e-4


def _inputs(engine, page) -> list:
    """The recogniser's inputs for each drawn line of the page (its rows of text cut out whole)."""
    import numpy as np

    gray = page.min(axis=2)
    ink = np.nonzero((gray < 128).any(axis=1))[0]
    rows = np.split(ink, np.nonzero(np.diff(ink) > 1)[0] + 1)
    return [
        engine.text_rec.resize_norm_img(page[r[0] - 4 : r[-1] + 5], page.shape[1] / (r[-1] - r[0] + 9))
        for r in rows
        if len(r)
    ]


def _affine_graph() -> bytes:
    """A small model in the export's manner: a padded 3×3 convolution, · s + b, hard-swish in four passes, · s + b,
    a padded depthwise convolution, · s + b, hard-swish, · s + b, a 1×1 convolution; random weights."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(20)
    nodes, constants = [], []

    def constant(name: str, value) -> str:
        constants.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
        return name

    def conv(x: str, out: str, shape: tuple[int, ...], pads: int, group: int = 1) -> None:
        weights = constant(f"{out}_w", rng.normal(size=shape))
        bias = constant(f"{out}_b", rng.normal(size=shape[0]))
        kernel = list(shape[2:])
        nodes.append(
            helper.make_node("Conv", [x, weights, bias], [out], kernel_shape=kernel, pads=[pads] * 4, group=group)
        )

    def affine(x: str, out: str) -> None:
        nodes.append(helper.make_node("Mul", [constant(f"{out}_s", [rng.uniform(0.5, 2)]), x], [f"{out}_m"]))
        nodes.append(helper.make_node("Add", [f"{out}_m", constant(f"{out}_a", [rng.normal()])], [out]))

    def hard_swish(x: str, out: str) -> None:
        nodes.append(helper.make_node("Add", [x, constant(f"{out}_3", [3.0])], [f"{out}_p"]))
        nodes.append(
            helper.make_node("Clip", [f"{out}_p", constant(f"{out}_0", 0.0), constant(f"{out}_6", 6.0)], [f"{out}_c"])
        )
        nodes.append(helper.make_node("Mul", [x, f"{out}_c"], [f"{out}_x"]))
        nodes.append(helper.make_node("Div", [f"{out}_x", constant(f"{out}_d", [6.0])], [out]))

    conv("x", "c1", (4, 3, 3, 3), 1)
    affine("c1", "a1")
    hard_swish("a1", "h1")
    affine("h1", "b1")
    conv("b1", "c2", (4, 1, 3, 3), 1, group=4)
    affine("c2", "a2")
    hard_swish("a2", "h2")
    affine("h2", "b2")
    conv("b2", "y", (5, 4, 1, 1), 0)
    graph = helper.make_graph(
        nodes,
        "export",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 9])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5, 6, 9])],
        constants,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
    model.ir_version = 8
    return model.SerializeToString()


def test_the_rewritten_model_computes_what_the_export_does_to_the_padded_border():
    """lean.rewritten folds every scale and shift and writes hard-swish in two passes, and the small model computes
    the same everywhere, its padded border included (a shift before a padded convolution stays an Add)."""
    import collections

    import numpy as np
    import onnx
    import onnxruntime

    from jixiao.formats import lean

    source = _affine_graph()
    made = lean.rewritten(source)
    assert made is not None
    kinds = collections.Counter(n.op_type for n in onnx.load_from_string(made).graph.node)
    # 4 scale-and-shift pairs: 2 into the convolution before, the 1×1's into it whole, the depthwise one's shift kept
    assert kinds == {"Conv": 3, "HardSigmoid": 2, "Mul": 2, "Add": 1}
    x = np.random.default_rng(5).normal(size=(1, 3, 6, 9)).astype(np.float32) * 3
    expected = onnxruntime.InferenceSession(source).run(None, {"x": x})[0]
    got = onnxruntime.InferenceSession(made).run(None, {"x": x})[0]
    assert np.allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert float(np.abs(expected[:, :, 0, :]).max()) > 0.1  # the border row is not trivially zero


def test_the_rewritten_model_is_made_once_into_the_cache(tmp_path, monkeypatch):
    """lean_model keeps the rewritten model in the cache folder (one file, no temporary left), takes it from there
    the next time without rewriting, gives its bytes when the cache is off, and a model with nothing to rewrite
    as the path given."""
    import onnx
    from onnx import TensorProto, helper

    from jixiao.formats import lean

    source = tmp_path / "export.onnx"
    source.write_bytes(_affine_graph())
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    first = lean.lean_model(source)
    assert isinstance(first, str) and first.startswith(str(tmp_path / "cache"))
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.rsplit("/", 1)[1]]
    monkeypatch.setattr(lean, "rewritten", lambda _: pytest.fail("made again"))
    assert lean.lean_model(source) == first
    monkeypatch.undo()
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    made = lean.lean_model(source)
    assert isinstance(made, bytes) and made == (tmp_path / "cache" / first.rsplit("/", 1)[1]).read_bytes()
    plain = tmp_path / "relu.onnx"
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)]), str(plain))
    assert lean.lean_model(plain) == str(plain)
