"""Synthetic photos/scans of paper lab reports, drawn with Pillow.

Used by the lab-report OCR tests and by the HTTP upload tests: the images carry known values
so a test can ask OCR to give them back exactly.
"""
from __future__ import annotations

import functools
import io
import random
from typing import NamedTuple, Sequence

from PIL import Image, ImageDraw, ImageFilter, ImageFont


class Row(NamedTuple):
    """One printed result line, columns in the order of the report's table."""

    test: str
    result: str
    flag: str
    unit: str
    reference_range: str


# The header is typical of a US lab: patient name, birth date and identifiers on top, which the
# parser must not take for results, and a collection date it should pick up.
COLLECTED = "2024-03-05"
HEADER_LINES = (
    "Riverside Clinical Laboratory",
    "1200 Main Street, Springfield, IL 62701   Phone (555) 013-2400",
    "Patient: Jane Doe      DOB: 04/12/1971      MRN: 00482913",
    "Ordering physician: Dr. Alan Grant      Account: 7741",
)
FOOTER_LINES = (
    "Results verified by M. Sattler, MD. Page 1 of 1",
)
COLUMN_TITLES = Row("Test", "Result", "Flag", "Units", "Reference range")

# Column starts in base pixels (scale 1.0); wide enough for the longest names and units used.
_COLUMN_X = (40, 390, 530, 610, 800)
_PAGE_WIDTH = 1060
_MARGIN = 40
_FONT_SIZE = 22
_LINE_HEIGHT = 40

# TrueType fonts as (regular, bold) file names; Pillow finds them by name in the system font
# directories (/usr/share/fonts on Linux). DejaVu comes with Debian's fonts-dejavu-core.
_FONT_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
)

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def font_files() -> tuple[str, str] | None:
    """The (regular, bold) TrueType font the reports are drawn with, or None when this machine
    has none of them (then Pillow's built-in font is used)."""
    for regular, bold in _FONT_FILES:
        try:
            ImageFont.truetype(regular, 10)
        except OSError:
            continue
        return regular, bold
    return None


def _font(size: int, bold: bool = False) -> _Font:
    files = font_files()
    if files is None:
        # Pillow >= 10.1 ships a scalable built-in font (needs FreeType, which wheels have).
        return ImageFont.load_default(size=size)
    regular, bold_file = files
    try:
        return ImageFont.truetype(bold_file if bold else regular, size)
    except OSError:  # a family installed without its bold face
        return ImageFont.truetype(regular, size)


def render_lab_report(
    rows: Sequence[Row | tuple[str, str, str, str, str]],
    *,
    header: bool = True,
    fmt: str = "PNG",
    scale: float = 1.0,
    noise: bool = False,
    collected: str = COLLECTED,
) -> bytes:
    """A lab report page as PNG or JPEG bytes: title, patient/date header (unless
    ``header=False``), a table Test | Result | Flag | Units | Reference range, and a footer.

    ``scale`` resizes everything (0.5 gives a small, low-resolution image); ``noise`` makes it
    look like a phone photo: grey paper, speckles, slight blur and a small rotation.
    """
    def px(value: float) -> int:
        return round(value * scale)

    body = _font(px(_FONT_SIZE))
    bold = _font(px(_FONT_SIZE), bold=True)
    title = _font(px(_FONT_SIZE * 1.4), bold=True)

    lines_before_table = (len(HEADER_LINES) + 2 if header else 0) + 2
    height = px(_MARGIN * 2 + _LINE_HEIGHT * (lines_before_table + len(rows) + 2 + len(FOOTER_LINES)))
    image = Image.new("L", (px(_PAGE_WIDTH), height), color=255)
    draw = ImageDraw.Draw(image)

    y = float(_MARGIN)
    draw.text((px(_MARGIN), px(y)), "LABORATORY REPORT", font=title, fill=0)
    y += _LINE_HEIGHT * 1.5
    if header:
        for line in HEADER_LINES:
            draw.text((px(_MARGIN), px(y)), line, font=body, fill=0)
            y += _LINE_HEIGHT
        draw.text((px(_MARGIN), px(y)), f"Collected: {collected}    Reported: {collected}",
                  font=body, fill=0)
        y += _LINE_HEIGHT * 1.5

    for x, text in zip(_COLUMN_X, COLUMN_TITLES):
        draw.text((px(x), px(y)), text, font=bold, fill=0)
    y += _LINE_HEIGHT
    draw.line((px(_MARGIN), px(y), px(_PAGE_WIDTH - _MARGIN), px(y)), fill=0, width=max(1, px(2)))
    y += _LINE_HEIGHT / 2
    for row in rows:
        for x, text in zip(_COLUMN_X, row):
            draw.text((px(x), px(y)), text, font=body, fill=0)
        y += _LINE_HEIGHT
    y += _LINE_HEIGHT / 2
    for line in FOOTER_LINES:
        draw.text((px(_MARGIN), px(y)), line, font=body, fill=0)
        y += _LINE_HEIGHT

    if noise:
        image = _photograph(image)
    out = io.BytesIO()
    image.convert("RGB").save(out, format=fmt, **({"quality": 85} if fmt.upper() == "JPEG" else {}))
    return out.getvalue()


def _photograph(image: Image.Image) -> Image.Image:
    """Grey, speckled, slightly blurred and rotated: roughly what a phone camera makes of a
    sheet of paper. Seeded, so every run draws the same image."""
    rng = random.Random(20240305)
    paper = image.point(lambda v: 60 + v * 150 // 255)  # ink ~60, paper ~210: low contrast
    pixels = paper.load()
    assert pixels is not None
    width, height = paper.size
    for _ in range(width * height // 150):
        x, y = rng.randrange(width), rng.randrange(height)
        gray = pixels[x, y]
        assert isinstance(gray, int)  # an "L" image has one int per pixel
        pixels[x, y] = max(0, min(255, gray + rng.randint(-80, 80)))
    paper = paper.filter(ImageFilter.GaussianBlur(radius=0.8))
    return paper.rotate(1.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=200)


def blank_page(width: int = 800, height: int = 600, fmt: str = "PNG") -> bytes:
    """A white page without any text."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), color="white").save(out, format=fmt)
    return out.getvalue()
