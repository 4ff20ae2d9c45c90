"""Image bytes → text, via Tesseract (through pytesseract, which runs the binary as a subprocess).

Pure and thread-safe: every call decodes its own image and runs its own Tesseract process, so
callers may run it in worker threads (it blocks for about a second per page).
"""
from __future__ import annotations

import io
import math
import os
import re
from typing import Optional

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

# Tesseract's OpenMP threads fight each other (and callers' threads) on small machines: on two
# cores one page takes ~4 s with the default and ~0.5 s with one thread. Parallelism comes from
# callers running several OCR calls at once. Set before any Tesseract process starts; an
# operator's own setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Decoded size limit. 40 megapixels is above what phone cameras save by default (12-24 MP) and a
# 600 dpi A4 scan (35 MP); decoded in RGB that is ~120 MB, so a small compressed file that claims
# a huge size (a decompression bomb) is refused before any pixel is decoded.
MAX_PIXELS = 40_000_000
# And no side longer than a 600 dpi scan of a page a metre long: a thin strip within the pixel
# limit (1 x 40,000,000) cost seconds of resizing, and holds no page.
MAX_SIDE = 24_000

# Tesseract reads best with capital letters ~20-40 px high. A page photographed or scanned to be
# 2000-4000 px wide puts normal print there; smaller images are enlarged (at most 4×: beyond that
# there is nothing left to recover), larger ones reduced (only to save time).
_MIN_OCR_WIDTH = 2000
_MAX_OCR_WIDTH = 4000
_MAX_UPSCALE = 4.0
_MAX_OCR_PIXELS = 30_000_000

# psm 6 = "a single uniform block of text": keeps each table row on one line, where the default
# page segmentation would read the table column by column.
_TESSERACT_CONFIG = "--psm 6"
OCR_TIMEOUT_SECONDS = 60

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"

# At least one word-like run: Tesseract turns specks on a blank page into stray punctuation.
_READABLE = re.compile(r"[A-Za-z0-9]{2,}")


class UnreadableImage(ValueError):
    """The upload is not an image we can read text from; the message says why, for the user."""


class OcrUnavailable(RuntimeError):
    """Tesseract (or its English data) is not installed: a fault of the server, not the upload."""


def ocr_problem() -> Optional[str]:
    """Why this machine cannot read photos (Tesseract or its English data missing), or None."""
    try:
        languages = pytesseract.get_languages(config="")
    except pytesseract.TesseractNotFoundError:
        return "Tesseract OCR is not installed (no `tesseract` binary)"
    except (pytesseract.TesseractError, OSError) as error:
        return f"Tesseract does not run: {error}"
    if "eng" not in languages:
        return "Tesseract has no English language data (tesseract-ocr-eng)"
    return None


def image_text(data: bytes) -> str:
    """The text Tesseract reads in a PNG or JPEG image. Raises UnreadableImage when the bytes
    are not such an image, are damaged or too large, or hold no readable text."""
    image = _decode(data)
    text = _ocr(_prepare_for_ocr(image))
    if not _READABLE.search(text):
        raise UnreadableImage("no text could be read from the image")
    return text


def _image_format(data: bytes) -> str:
    # The magic bytes decide, never the declared content type or file name.
    if data.startswith(_PNG_MAGIC):
        return "PNG"
    if data.startswith(_JPEG_MAGIC):
        return "JPEG"
    raise UnreadableImage("not a PNG or JPEG image")


def _decode(data: bytes) -> Image.Image:
    image_format = _image_format(data)
    try:
        # formats= keeps every other Pillow decoder away from untrusted bytes.
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except Image.DecompressionBombError as error:
        raise UnreadableImage(f"the image is too large (at most {MAX_PIXELS // 1_000_000} megapixels)") from error
    except UnidentifiedImageError as error:  # its message names our BytesIO, useless to a user
        raise UnreadableImage(f"the image is damaged: the {image_format} header cannot be read") from error
    except Exception as error:  # any decoder failure on untrusted bytes means a damaged file
        raise UnreadableImage(f"the image is damaged: {_describe(error)}") from error
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UnreadableImage(f"the image is too large: {width}x{height} pixels "
                              f"(at most {MAX_PIXELS // 1_000_000} megapixels)")
    if max(width, height) > MAX_SIDE:
        raise UnreadableImage(f"the image is {width}x{height} pixels: no side may be longer than {MAX_SIDE:,}")
    try:
        image.load()
        # Phone photos are stored sideways with an EXIF note on how to turn them.
        return ImageOps.exif_transpose(image)
    except Exception as error:  # truncated data, bad chunks, broken EXIF: all "damaged"
        raise UnreadableImage(f"the image is damaged: {_describe(error)}") from error


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


def _prepare_for_ocr(image: Image.Image) -> Image.Image:
    """Grey, sized for Tesseract, full contrast."""
    gray = _to_gray(image)
    gray = _fit_width(gray)
    # cutoff ignores the darkest/lightest 1 % (specks, glare) when stretching a grey photo of
    # grey paper to black on white.
    return ImageOps.autocontrast(gray, cutoff=1)


def _to_gray(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        # 16-bit grey: a plain conversion clips at 255 (all white) instead of scaling.
        return image.convert("I").point(lambda v: v / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels would turn black; lay the image on white paper first.
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def _fit_width(gray: Image.Image) -> Image.Image:
    width, height = gray.size
    if _MIN_OCR_WIDTH <= width <= _MAX_OCR_WIDTH:
        return gray
    target = _MIN_OCR_WIDTH if width < _MIN_OCR_WIDTH else _MAX_OCR_WIDTH
    factor = min(target / width, _MAX_UPSCALE, math.sqrt(_MAX_OCR_PIXELS / (width * height)))
    if math.isclose(factor, 1.0, rel_tol=0.05):
        return gray
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    # Bicubic, not Lanczos: Lanczos' ringing around strokes costs Tesseract more digits
    # (measured on synthetic reports: 1 % of results misread with bicubic, 3 % with Lanczos).
    return gray.resize(size, Image.Resampling.BICUBIC)


def _ocr(image: Image.Image) -> str:
    try:
        return pytesseract.image_to_string(image, lang="eng", config=_TESSERACT_CONFIG,
                                           timeout=OCR_TIMEOUT_SECONDS)
    except pytesseract.TesseractNotFoundError as error:
        raise OcrUnavailable("Tesseract OCR is not installed (no `tesseract` binary)") from error
    except pytesseract.TesseractError as error:
        if "loading language" in str(error.message):
            raise OcrUnavailable("Tesseract has no English language data (tesseract-ocr-eng)") from error
        raise UnreadableImage("no text could be read from the image") from error
    except RuntimeError as error:
        # pytesseract reports a killed, overrunning process as a bare RuntimeError.
        if "timeout" in str(error).lower():
            raise UnreadableImage("the image took too long to read") from error
        raise
