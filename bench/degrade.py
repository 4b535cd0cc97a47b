"""Pages made to look as bureaus receive them: a stamped paper copy scanned (or photographed) and saved as JPEG.

A clean rendering of a page (RGB, white, black text) goes through what paper, ink and a scanner do to it, each
step drawn from a seeded random generator so that a run can be repeated:

- a red round seal (公章): two rings, the issuing office's name set round the upper arc and a five-pointed star
  in the middle, in red ink printed over the text (multiplied, semi-transparent: the black text shows through),
  over the department's line or the total;
- a blue signature stroke (a ballpoint scribble) beside the seal;
- paper and ink: a grey or yellowish sheet (paper 200–240), ink that is dark grey rather than black;
- the scanner's geometry: the sheet fed 0.5–3° askew and, for a phone photo, a mild perspective (corners moved
  by up to 1.5% of the page), the uncovered border grey;
- the sensor and the file: a slight blur, Gaussian noise (σ 3–9), dark speckle (dust), JPEG quality 40–70,
  at 150, 200 or 300 dpi.

Used by bench/review_scans.py and tests/test_scan_degraded.py. Seals in China are 38–45 mm across (GB/T 公章
规格 as offices use them: 42 mm for a department's); a signature stroke is 0.3–0.6 mm wide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SEAL_RED = (205, 35, 40)
PEN_BLUE = (35, 60, 170)


@dataclass
class Degradation:
    """What was done to one page (printed by the bench beside each document)."""

    dpi: int = 150
    angle: float = 0.0  # degrees, counter-clockwise
    perspective: float = 0.0  # largest corner shift, share of the page's width
    paper: tuple[int, int, int] = (255, 255, 255)
    ink: int = 0
    noise: float = 0.0
    speckle: int = 0
    quality: int = 95
    seal: tuple[float, float] | None = None  # centre, page pixels at `dpi`
    signature: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        paper = "黄" if self.paper[2] < self.paper[0] - 15 else "灰"
        parts = [f"{self.dpi}dpi", f"{self.angle:+.1f}°", f"透视{self.perspective:.1%}", f"{paper}{self.paper[0]}",
                 f"噪声{self.noise:.0f}", f"JPEG{self.quality}"]  # fmt: skip
        if self.seal:
            parts.append("章")
        if self.signature:
            parts.append("签")
        return " ".join(parts)


def draw(rng: Any, dpi: int) -> Degradation:
    """A page's degradation drawn from `rng` (numpy Generator)."""
    yellow = rng.random() < 0.5
    level = int(rng.integers(200, 241))
    paper = (level, level - int(rng.integers(5, 15)), level - int(rng.integers(30, 55))) if yellow else (level,) * 3
    return Degradation(
        dpi=dpi,
        angle=float(rng.uniform(0.5, 3.0) * rng.choice([-1, 1])),
        perspective=float(rng.uniform(0.0, 0.015)) if rng.random() < 0.4 else 0.0,
        paper=paper,  # type: ignore[arg-type]
        ink=int(rng.integers(20, 70)),
        noise=float(rng.uniform(3, 9)),
        speckle=int(rng.integers(150, 600)),
        quality=int(rng.integers(40, 71)),
    )


def seal(image: Any, centre: tuple[float, float], dpi: int, name: str, rng: Any, opacity: float = 0.8) -> Any:
    """`image` (PIL RGB) with a red seal of `name` stamped at `centre`, the ink multiplied over the page."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    radius = 0.83 * dpi  # 42 mm across
    size = int(2 * radius + 8)
    layer = Image.new("L", (size, size), 0)  # ink coverage 0–255
    pen = ImageDraw.Draw(layer)
    c = size / 2
    ring = max(3, int(dpi * 0.045))
    pen.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star = radius * 0.3
    pen.regular_polygon((c, c, star), 5, rotation=rng.uniform(-8, 8) + 0, fill=255)
    # the star's five points: PIL's regular_polygon draws a pentagon; the points are added as triangles
    for k in range(5):
        a = math.radians(-90 + 72 * k)
        tip = (c + star * 1.9 * math.cos(a), c + star * 1.9 * math.sin(a))
        left = (c + star * math.cos(a - math.radians(36)), c + star * math.sin(a - math.radians(36)))
        right = (c + star * math.cos(a + math.radians(36)), c + star * math.sin(a + math.radians(36)))
        pen.polygon([tip, left, right], fill=255)
    text = (name or "财政局")[:14]
    font = ImageFont.truetype(FONT, max(10, int(radius * 0.26)))
    span = min(250.0, 20.0 * len(text))  # degrees of the upper arc the name takes
    for i, ch in enumerate(text):
        a = math.radians(-90 - span / 2 + span * (i + 0.5) / len(text))
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size / 2, font.size / 2), ch, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        r = radius - ring - font.size * 0.75
        x, y = c + r * math.cos(a) - glyph.width / 2, c + r * math.sin(a) - glyph.height / 2
        layer.paste(255, (int(x), int(y)), glyph)
    layer = layer.rotate(float(rng.uniform(-30, 30)), resample=Image.Resampling.BILINEAR)
    page = np.asarray(image, dtype=np.float32).copy()
    cover = np.asarray(layer, dtype=np.float32) / 255 * opacity * rng.uniform(0.75, 1.0)  # uneven inking
    cover *= rng.uniform(0.6, 1.0, cover.shape) > 0.08  # the ink's gaps
    x0, y0 = int(centre[0] - size / 2), int(centre[1] - size / 2)
    h, w = page.shape[:2]
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if sx1 <= sx0 or sy1 <= sy0:
        return image
    part = cover[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0, None]
    tint = np.array(SEAL_RED, dtype=np.float32) / 255
    page[sy0:sy1, sx0:sx1] *= 1 - part * (1 - tint)
    return Image.fromarray(page.clip(0, 255).astype(np.uint8))


def signature(image: Any, near: tuple[float, float], dpi: int, rng: Any) -> Any:
    """`image` with a blue ballpoint scribble about 1.5 inches wide starting left of `near`."""
    import numpy as np
    from PIL import Image, ImageDraw

    overlay = Image.new("L", image.size, 0)
    pen = ImageDraw.Draw(overlay)
    x, y = near[0] - dpi * rng.uniform(1.2, 2.0), near[1] + dpi * rng.uniform(-0.2, 0.3)
    t = np.linspace(0, 1, 200)
    loops = rng.uniform(3, 6)
    xs = x + t * dpi * 1.5 + np.sin(t * loops * 2 * np.pi) * dpi * 0.08
    ys = y + np.cos(t * loops * 2 * np.pi + rng.uniform(0, 3)) * dpi * 0.15 * (1 - 0.5 * t) - t * dpi * 0.1
    pen.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=255, width=max(2, int(dpi * 0.018)), joint="curve")
    page = np.asarray(image, dtype=np.float32).copy()
    cover = np.asarray(overlay, dtype=np.float32)[..., None] / 255 * 0.9
    page *= 1 - cover * (1 - np.array(PEN_BLUE, dtype=np.float32) / 255)
    return Image.fromarray(page.clip(0, 255).astype(np.uint8))


def scanned(image: Any, how: Degradation, rng: Any) -> Any:
    """Paper, ink, geometry, blur, noise and speckle applied (JPEG is applied when the page is saved)."""
    import cv2
    import numpy as np
    from PIL import Image

    page = np.asarray(image, dtype=np.float32) / 255
    paper = np.array(how.paper, dtype=np.float32)
    page = how.ink + (paper - how.ink) * page  # black → ink, white → paper
    h, w = page.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), how.angle, 1.0)
    page = cv2.warpAffine(page, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=(170.0, 170.0, 170.0))
    if how.perspective:
        shift = how.perspective * w
        source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        target = source + rng.uniform(-shift, shift, (4, 2)).astype(np.float32)
        matrix = cv2.getPerspectiveTransform(source, target)
        page = cv2.warpPerspective(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(170.0, 170.0, 170.0))
    page = cv2.GaussianBlur(page, (0, 0), 0.35 * how.dpi / 150)
    page += rng.normal(0, how.noise, page.shape[:2])[..., None]
    scale = how.dpi / 150
    for _ in range(int(how.speckle * scale * scale)):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = max(1, int(rng.choice([1, 1, 1, 2]) * scale))
        cv2.circle(page, (x, y), r, (float(rng.uniform(40, 140)),) * 3, -1)
    return Image.fromarray(page.clip(0, 255).astype(np.uint8))


def photographed(image: Any, rng: Any) -> Any:
    """`image` (a clean page, PIL RGB) as a phone photo of the printed sheet lying on a desk: the page 80–92% of
    a 3000–4000-pixel frame, a desk round it, tilted up to 5° and seen in perspective (corners moved by up to 4%
    of the frame), lit unevenly (one side up to 30% darker) with a soft shadow band across it (a hand's or the
    phone's, 25–45% darker), a little out of focus, the sensor's noise; JPEG quality 80 is applied when saved.
    What was drawn is returned beside the photo (as Degradation.extras) for the bench's line."""
    import cv2
    import numpy as np
    from PIL import Image

    long_side = int(rng.integers(3000, 4001))
    fill = float(rng.uniform(0.80, 0.92))
    w, h = image.size
    scale = long_side * fill / max(w, h)
    page = np.asarray(image.resize((round(w * scale), round(h * scale)), Image.Resampling.LANCZOS), np.float32)
    paper = float(rng.uniform(225, 245))
    page = 25 + (paper - 25) * page / 255  # printer's black is not black, the sheet not white
    frame_w, frame_h = (round(long_side * w / h), long_side) if h >= w else (long_side, round(long_side * h / w))
    desk = np.array([rng.uniform(90, 150), rng.uniform(70, 120), rng.uniform(50, 95)], np.float32)  # wood, RGB
    grain = cv2.GaussianBlur(rng.normal(0, 12, (frame_h, frame_w)).astype(np.float32), (0, 0), 6)
    photo = np.broadcast_to(desk, (frame_h, frame_w, 3)) + grain[..., None]
    ph, pw = page.shape[:2]
    source = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    x0, y0 = (frame_w - pw) / 2, (frame_h - ph) / 2
    centre = np.float32([frame_w / 2, frame_h / 2])
    angle = math.radians(float(rng.uniform(-5, 5)))
    turn = np.float32([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    target = (source + np.float32([x0, y0]) - centre) @ turn.T + centre
    perspective = float(rng.uniform(0.01, 0.04))
    target += rng.uniform(-perspective, perspective, (4, 2)).astype(np.float32) * frame_w
    matrix = cv2.getPerspectiveTransform(source, target.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR)
    photo = warped * mask[..., None] + photo * (1 - mask[..., None])
    ys, xs = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    light_angle = float(rng.uniform(0, 2 * math.pi))
    along = (xs * math.cos(light_angle) + ys * math.sin(light_angle)) / max(frame_w, frame_h)
    along = (along - along.min()) / max(1e-6, float(along.max() - along.min()))
    dark = float(rng.uniform(0.1, 0.3))
    light = 1 - dark * along
    band_angle = float(rng.uniform(0, math.pi))
    across = xs * math.cos(band_angle) + ys * math.sin(band_angle)
    middle = float(rng.uniform(np.percentile(across, 25), np.percentile(across, 75)))
    half = float(rng.uniform(0.04, 0.12)) * max(frame_w, frame_h)
    soft = 0.03 * max(frame_w, frame_h)
    band = np.clip((half - np.abs(across - middle)) / soft + 0.5, 0, 1)
    shade = float(rng.uniform(0.25, 0.45))
    light *= 1 - shade * cv2.GaussianBlur(band, (0, 0), soft / 3)
    photo = photo * light[..., None]
    photo = cv2.GaussianBlur(photo, (0, 0), float(rng.uniform(0.6, 1.3)))
    photo += rng.normal(0, float(rng.uniform(2, 4)), photo.shape[:2])[..., None]
    drawn = {"px": long_side, "fill": round(fill, 2), "tilt": round(math.degrees(angle), 1),
             "persp": round(perspective, 3), "dark": round(dark, 2), "shadow": round(shade, 2)}  # fmt: skip
    return Image.fromarray(photo.clip(0, 255).astype(np.uint8)), drawn


def photographed_hard(image: Any, rng: Any) -> Any:
    """`image` as a harder phone photo than `photographed`, one of four conditions drawn in turn (returned in the
    drawn dict as "case"): a strong shadow across the sheet with a hard edge (a hand's or the phone's, 50–65%
    darker — across a table, where the table is); the sheet held at an angle (tilted 6–12°, corners moved by 5–8%
    of the frame); a finger at the sheet's edge (a skin-coloured round tip over its margin, reaching up to 6% of
    the page in); or saved at JPEG 60 rather than 80 (the caller saves it: drawn["quality"]). Drawn from `rng`
    after `photographed`'s own draws, so the photo under each condition is the ordinary one's otherwise."""
    import cv2
    import numpy as np
    from PIL import Image

    case = ["shadow", "angle", "finger", "jpeg60"][int(rng.integers(0, 4))]
    if case == "angle":  # a steeper view: the page pre-warped before the ordinary photo is taken of it
        w, h = image.size
        page = np.asarray(image)
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), float(rng.uniform(6, 12) * rng.choice([-1, 1])), 1.0)
        source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        shift = float(rng.uniform(0.05, 0.08)) * w
        target = source + rng.uniform(-shift, shift, (4, 2)).astype(np.float32)
        matrix = np.vstack([turn, [0, 0, 1]]).astype(np.float64) @ cv2.getPerspectiveTransform(source, target)
        corners = cv2.perspectiveTransform(source[None], matrix)[0]
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
        fit = min(w / (x1 - x0), h / (y1 - y0))  # the turned sheet kept whole inside the frame the photo takes
        place = np.float64([[fit, 0, -x0 * fit], [0, fit, -y0 * fit], [0, 0, 1]]) @ matrix
        outline = cv2.perspectiveTransform(source[None], place)[0]
        sheet = cv2.warpPerspective(page, place, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
        mask = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(mask, outline.astype(np.int32), 255)
        desk = np.zeros_like(sheet)
        desk[:] = (110, 85, 60)
        image = Image.fromarray(np.where(mask[..., None] > 0, sheet, desk))
    photo, drawn = photographed(image, rng)
    drawn["case"] = case
    drawn["quality"] = 60 if case == "jpeg60" else 80
    if case == "shadow":
        out = np.asarray(photo, np.float32)
        fh, fw = out.shape[:2]
        ys, xs = np.mgrid[0:fh, 0:fw].astype(np.float32)
        angle = float(rng.uniform(0, math.pi))
        across = xs * math.cos(angle) + ys * math.sin(angle)
        edge = float(rng.uniform(np.percentile(across, 35), np.percentile(across, 65)))
        hard = np.clip((across - edge) / (0.004 * max(fw, fh)) + 0.5, 0, 1)  # a hard edge, a few px soft
        dark = float(rng.uniform(0.5, 0.65))
        out *= (1 - dark * hard)[..., None]
        drawn["hard_shadow"] = round(dark, 2)
        photo = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    elif case == "finger":
        out = np.asarray(photo).copy()
        fh, fw = out.shape[:2]
        side = int(rng.integers(0, 4))
        along = float(rng.uniform(0.25, 0.75))
        reach = float(rng.uniform(0.09, 0.14)) * min(fw, fh)  # from the frame's edge over the sheet's margin
        width = float(rng.uniform(0.035, 0.05)) * max(fw, fh)
        centre = [(along * fw, 0.0), (fw, along * fh), (along * fw, fh), (0.0, along * fh)][side]
        axes = (width / 2, reach) if side in (0, 2) else (reach, width / 2)
        skin = np.array([rng.uniform(200, 225), rng.uniform(150, 175), rng.uniform(120, 145)], np.float32)
        tip = np.zeros((fh, fw), np.float32)
        cv2.ellipse(tip, (int(centre[0]), int(centre[1])), (int(axes[0]), int(axes[1])), 0, 0, 360, 1.0, -1)
        tip = cv2.GaussianBlur(tip, (0, 0), 4.0)[..., None]  # out of focus, as near the lens
        shade = 0.85 + 0.15 * tip  # its shadow on the sheet round it
        out = out.astype(np.float32) * (1 - tip) * shade + skin * tip
        drawn["finger"] = "上右下左"[side]
        photo = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    return photo, drawn
