"""Safe image loading for every page that accepts a picture: one function, clear messages.

``load_image(data)`` turns the bytes of an upload into an 8-bit RGB ``PIL.Image`` or raises
``InputError`` with a sentence for the visitor. It checks, in this order, before decoding pixels:

1. size of the file (empty, over ``max_bytes``);
2. the format from the file's magic bytes (JPEG, PNG, WebP, BMP, GIF only: a text, PDF or SVG
   file renamed ``.jpg`` is refused whatever its name says);
3. the pixel count from the header (a decompression bomb such as a 30000 x 30000 PNG is refused
   before a single row is decoded; JPEGs are decoded in draft mode at a reduced scale);
4. decoding (a truncated or corrupt file is refused);

then it normalises what it got: the first frame of an animated GIF, the EXIF orientation,
CMYK / 16-bit / palette / grey / RGBA (alpha composited over white) to 8-bit RGB. The global
``PIL.Image.MAX_IMAGE_PIXELS`` is never changed (it is shared by the whole process).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from rnnkit.core.inputs import InputError

MAX_BYTES = 10 * 1024 * 1024          # the app's upload limit (.streamlit/config.toml: maxUploadSize = 10)
MAX_PIXELS = 25_000_000               # 5000 x 5000: bigger headers are refused undecoded...
JPEG_MAX_PIXELS = 80_000_000          # ...except JPEGs, which draft mode decodes at 1/2 to 1/8 scale
MIN_SIDE = 8                          # smaller images carry nothing a CNN can see
MAX_ASPECT = 12.0                     # wider panoramas become a thin strip after the square crop
WORK_SIDE = 1024                      # images are decoded/reduced to about this size for models

_MAGIC = (                            # (format name, test on the first 16 bytes)
    ("JPEG", lambda h: h[:3] == b"\xff\xd8\xff"),
    ("PNG", lambda h: h[:8] == b"\x89PNG\r\n\x1a\n"),
    ("GIF", lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    ("WEBP", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ("BMP", lambda h: h[:2] == b"BM"),
)
ALLOWED = tuple(name for name, _ in _MAGIC)
# What PIL raises on a damaged file: struct.error when a block ends before the bytes it announces.
_DAMAGED = (OSError, ValueError, SyntaxError, EOFError, struct.error)


@dataclass
class LoadedImage:
    image: Image.Image                 # 8-bit RGB, at most WORK_SIDE on its longer side
    format: str                        # JPEG, PNG, ...
    original_size: tuple[int, int]     # (width, height) as stored in the file, before EXIF rotation
    notes: list[str] = field(default_factory=list)   # what was done to it, for the UI


def sniff_format(header: bytes) -> str | None:
    """The image format named by the file's first bytes, or None."""
    for name, test in _MAGIC:
        if test(header):
            return name
    return None


def load_image(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
               work_side: int = WORK_SIDE) -> LoadedImage:
    """Decode an uploaded file into a small 8-bit RGB image, or raise ``InputError``."""
    if not data:
        raise InputError("The file is empty (0 bytes). Choose a JPEG, PNG, WebP, BMP or GIF photo.")
    if len(data) > max_bytes:
        raise InputError(f"The file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB. "
                         "Save a smaller copy of the photo and try again.")
    kind = sniff_format(data[:16])
    if kind is None:
        raise InputError("This file is not a photo this page can read (JPEG, PNG, WebP, BMP or GIF): "
                         "its content is something else, whatever its name says.")
    image = _open(data, kind)
    width, height = image.size
    if kind == "JPEG" and max_pixels == MAX_PIXELS:
        max_pixels = JPEG_MAX_PIXELS
    if width * height > max_pixels:
        raise InputError(f"The image claims {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); "
                         f"the limit is {max_pixels / 1e6:.0f} megapixels (a possible decompression bomb); "
                         "it was not decoded. Shrink it first.")
    if min(width, height) < MIN_SIDE:
        raise InputError(f"The image is only {width} x {height} pixels; it needs at least "
                         f"{MIN_SIDE} pixels on each side to show anything.")
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise InputError(f"The image is {width} x {height} pixels, more than {MAX_ASPECT:g} times wider than tall "
                         "(or the other way round); crop it to the part you want captioned.")
    try:
        frames = getattr(image, "n_frames", 1)       # a GIF counts its frames by reading past the first
        if kind == "JPEG":
            image.draft("RGB", (work_side, work_side))   # decode at 1/2, 1/4 or 1/8 scale: far less memory
        image.seek(0)
        image.load()
    except (*_DAMAGED, Image.DecompressionBombError) as error:
        raise InputError("The image file is damaged or cut off (it could not be decoded to the end); "
                         f"try saving it again. ({type(error).__name__})") from None
    notes = [f"animated image with {frames} frames: using the first frame"] if frames > 1 else []
    rgb = to_rgb(image, notes)
    rgb = _exif_transpose(image, rgb, notes)
    if max(rgb.size) > work_side:
        rgb.thumbnail((work_side, work_side), Image.Resampling.LANCZOS)
    return LoadedImage(rgb, kind, (width, height), notes)


def _open(data: bytes, kind: str) -> Image.Image:
    try:                     # PIL itself refuses > 2 x MAX_IMAGE_PIXELS; load_image refuses far less
        return Image.open(io.BytesIO(data), formats=[kind])
    except Image.DecompressionBombError:
        raise InputError(f"The image claims far more than {MAX_PIXELS / 1e6:.0f} megapixels (a possible "
                         "decompression bomb); it was not decoded. Shrink it first.") from None
    except _DAMAGED as error:
        raise InputError(f"The file starts like a {kind} image but its header is damaged; "
                         f"try saving it again. ({type(error).__name__})") from None


def to_rgb(image: Image.Image, notes: list[str] | None = None) -> Image.Image:
    """Any PIL mode to 8-bit RGB: alpha over white, 16-bit and float scaled to 0-255, CMYK converted."""
    notes = notes if notes is not None else []
    mode = image.mode
    if mode == "P" and "transparency" in image.info:
        image, mode = image.convert("RGBA"), "RGBA"
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        array = np.asarray(image, dtype=np.float32)
        low, high = float(array.min()), float(array.max())
        scaled = (array - low) / (high - low) * 255 if high > low else np.zeros_like(array)
        notes.append(f"{mode} image ({'16-bit or wider' if mode != 'F' else 'floating point'}) rescaled to 8 bits")
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        notes.append("transparent parts shown on white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode == "CMYK":
        notes.append("CMYK colours converted to RGB")
    if mode == "RGB":
        return image.copy()
    return image.convert("RGB")


_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
                6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}


def _exif_transpose(original: Image.Image, rgb: Image.Image, notes: list[str]) -> Image.Image:
    """Honour the camera's EXIF orientation tag (what ``ImageOps.exif_transpose`` does)."""
    try:
        orientation = int(original.getexif().get(0x0112, 1))
    except Exception:            # a malformed EXIF block is not worth refusing the photo for
        return rgb
    if orientation not in _ORIENTATION:
        return rgb
    notes.append(f"rotated upright from its EXIF orientation tag ({orientation})")
    return rgb.transpose(_ORIENTATION[orientation])
