#!/usr/bin/python3
"""ansi2png.py - draw a terminal screen captured with `tmux capture-pane -e -p`
as a PNG, the way a terminal would show it.

usage: ansi2png.py --cols N --rows N [--cursor X,Y] [--title TEXT]
                   [--font-size PX] INPUT OUTPUT

INPUT is the capture (text with SGR escapes; "-" is stdin).  Understood:
SGR 0/1/2/3/4/7/22/23/24/27, the 16 colours (30-37, 90-97, 40-47, 100-107),
the 256-colour and truecolor forms (38;5;N, 38;2;R;G;B and the 48 ones),
39/49; any other escape sequence is skipped.  Cells the capture leaves out
(tmux trims each line's trailing blanks) keep the default colours.

Runs with Debian's python3 and Pillow (python3-pil) and the DejaVu fonts
(fonts-dejavu-core); screenshots.sh calls it as /usr/bin/python3, since the
Pillow it needs is Debian's, not a pip one.  Box-drawing and braille cells
are drawn as lines and dots rather than glyphs, so frames join seamlessly
and the spinner does not depend on which font has braille.
"""
import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONTS = {
    (False, False): "DejaVuSansMono.ttf",
    (True, False): "DejaVuSansMono-Bold.ttf",
    (False, True): "DejaVuSansMono-Oblique.ttf",
    (True, True): "DejaVuSansMono-BoldOblique.ttf",
}
FALLBACK = "DejaVuSans.ttf"

# A dark theme close to common terminal defaults (Tango-like, a little
# softer), so the screenshots look like a real terminal in the README.
DEFAULT_FG = (0xD3, 0xD7, 0xCF)
DEFAULT_BG = (0x1C, 0x1F, 0x26)
PALETTE16 = [
    (0x2E, 0x34, 0x36), (0xE0, 0x5A, 0x4F), (0x6A, 0xB0, 0x3C), (0xD8, 0xA6, 0x2B),
    (0x4A, 0x82, 0xC8), (0xA8, 0x6C, 0xB8), (0x2A, 0xA8, 0xB0), (0xD3, 0xD7, 0xCF),
    (0x55, 0x57, 0x53), (0xF2, 0x7A, 0x70), (0x8A, 0xE2, 0x34), (0xFC, 0xE9, 0x4F),
    (0x72, 0x9F, 0xCF), (0xC6, 0x8E, 0xD0), (0x34, 0xE2, 0xE2), (0xEE, 0xEE, 0xEC),
]
CHROME = (0x2B, 0x2F, 0x38)

CSI_RE = re.compile(r"\x1b\[([0-9;:?<=>]*)([ -/]*)([@-~])")
OSC_RE = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def color256(n):
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


class Attr:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None  # None: the default colour
        self.bg = None
        self.bold = self.dim = self.italic = False
        self.underline = self.reverse = False

    def copy(self):
        a = Attr()
        for k in self.__slots__:
            setattr(a, k, getattr(self, k))
        return a


def parse_extended(params, i):
    """38/48 ;5;N or ;2;R;G;B starting at params[i] (the 38/48); returns
    (colour or None, index of the next parameter)."""
    if i + 1 < len(params) and params[i + 1] == 5 and i + 2 < len(params):
        return color256(params[i + 2] % 256), i + 3
    if i + 1 < len(params) and params[i + 1] == 2 and i + 4 < len(params):
        r, g, b = (max(0, min(255, v)) for v in params[i + 2 : i + 5])
        return (r, g, b), i + 5
    return None, len(params)


def apply_sgr(attr, text):
    params = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", text)] if text else [0]
    i = 0
    while i < len(params):
        p = params[i]
        if p == 0:
            attr.reset()
        elif p == 1:
            attr.bold = True
        elif p == 2:
            attr.dim = True
        elif p == 3:
            attr.italic = True
        elif p == 4:
            attr.underline = True
        elif p == 7:
            attr.reverse = True
        elif p == 22:
            attr.bold = attr.dim = False
        elif p == 23:
            attr.italic = False
        elif p == 24:
            attr.underline = False
        elif p == 27:
            attr.reverse = False
        elif 30 <= p <= 37:
            attr.fg = PALETTE16[p - 30]
        elif 90 <= p <= 97:
            attr.fg = PALETTE16[p - 90 + 8]
        elif 40 <= p <= 47:
            attr.bg = PALETTE16[p - 40]
        elif 100 <= p <= 107:
            attr.bg = PALETTE16[p - 100 + 8]
        elif p == 39:
            attr.fg = None
        elif p == 49:
            attr.bg = None
        elif p in (38, 48):
            c, i = parse_extended(params, i)
            if c is not None:
                if p == 38:
                    attr.fg = c
                else:
                    attr.bg = c
            continue
        i += 1


def char_width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text, cols, rows):
    """The screen as rows of cells (char, Attr, width); None for cells the
    capture did not mention and for the right half of a wide character."""
    grid = [[None] * cols for _ in range(rows)]
    attr = Attr()  # tmux only emits changes, so the state carries on
    lines = text.split("\n")
    for y, line in enumerate(lines[:rows]):
        line = OSC_RE.sub("", line)
        x = 0
        pos = 0
        while pos < len(line):
            ch = line[pos]
            if ch == "\x1b":
                m = CSI_RE.match(line, pos)
                if m:
                    if m.group(3) == "m" and not m.group(2):
                        apply_sgr(attr, m.group(1))
                    pos = m.end()
                else:
                    pos += 2  # a lone two-character escape
                continue
            pos += 1
            if ch == "\r" or ord(ch) < 0x20:
                continue
            w = char_width(ch)
            if w == 0:
                continue
            if x + w <= cols:
                grid[y][x] = (ch, attr.copy(), w)
            x += w
    return grid


class Fonts:
    def __init__(self, size):
        self.size = size
        self.faces = {k: ImageFont.truetype(FONT_DIR + v, size) for k, v in FONTS.items()}
        self.fallback = ImageFont.truetype(FONT_DIR + FALLBACK, size)
        regular = self.faces[(False, False)]
        self.cell_w = int(round(regular.getlength("M")))
        ascent, descent = regular.getmetrics()
        self.cell_h = int(round((ascent + descent) * 1.12))
        self.base = (self.cell_h - (ascent + descent)) // 2
        # A glyph the font lacks draws as its .notdef box: compare masks.
        self.notdef = bytes(regular.getmask("\ue000"))
        self.known = {}

    def face(self, ch, bold, italic):
        f = self.faces[(bold, italic)]
        has = self.known.get(ch)
        if has is None:
            has = bytes(self.faces[(False, False)].getmask(ch)) != self.notdef
            self.known[ch] = has
        return f if has else self.fallback


# Box-drawing: which arms (up, right, down, left) each light/heavy/double
# character has; 1 light, 2 heavy, 3 double.
BOX = {
    "─": (0, 1, 0, 1), "│": (1, 0, 1, 0), "┌": (0, 1, 1, 0), "┐": (0, 0, 1, 1),
    "└": (1, 1, 0, 0), "┘": (1, 0, 0, 1), "├": (1, 1, 1, 0), "┤": (1, 0, 1, 1),
    "┬": (0, 1, 1, 1), "┴": (1, 1, 0, 1), "┼": (1, 1, 1, 1),
    "━": (0, 2, 0, 2), "┃": (2, 0, 2, 0), "┏": (0, 2, 2, 0), "┓": (0, 0, 2, 2),
    "┗": (2, 2, 0, 0), "┛": (2, 0, 0, 2), "┣": (2, 2, 2, 0), "┫": (2, 0, 2, 2),
    "═": (0, 3, 0, 3), "║": (3, 0, 3, 0), "╔": (0, 3, 3, 0), "╗": (0, 0, 3, 3),
    "╚": (3, 3, 0, 0), "╝": (3, 0, 0, 3),
    "╭": (0, 1, 1, 0), "╮": (0, 0, 1, 1), "╰": (1, 1, 0, 0), "╯": (1, 0, 0, 1),
}


def draw_box(d, ch, x, y, w, h, fg, thin):
    up, right, down, left = BOX[ch]
    cx, cy = x + w // 2, y + h // 2
    for arm, weight in (("u", up), ("r", right), ("d", down), ("l", left)):
        if not weight:
            continue
        lw = thin * 2 if weight == 2 else thin
        offsets = [-thin, thin] if weight == 3 else [0]
        for o in offsets:
            if arm == "u":
                d.rectangle([cx + o - lw // 2, y, cx + o - lw // 2 + lw - 1, cy + lw // 2], fill=fg)
            elif arm == "d":
                d.rectangle([cx + o - lw // 2, cy - lw // 2, cx + o - lw // 2 + lw - 1, y + h - 1], fill=fg)
            elif arm == "l":
                d.rectangle([x, cy + o - lw // 2, cx + lw // 2, cy + o - lw // 2 + lw - 1], fill=fg)
            else:
                d.rectangle([cx - lw // 2, cy + o - lw // 2, x + w - 1, cy + o - lw // 2 + lw - 1], fill=fg)


def draw_braille(d, ch, x, y, w, h, fg):
    bits = ord(ch) - 0x2800
    # dot n -> (column, row): 1,2,3,7 left; 4,5,6,8 right
    dots = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]
    r = max(1, (w + 2) // 6)
    for n, (c, rr) in enumerate(dots):
        if bits & (1 << n):
            px = x + (w * (1 + 2 * c)) // 4
            py = y + (h * (1 + 2 * rr)) // 8
            d.ellipse([px - r, py - r, px + r, py + r], fill=fg)


def mix(a, b, t):
    return tuple(int(round(a[i] * (1 - t) + b[i] * t)) for i in range(3))


def render(grid, cols, rows, fonts, cursor, title):
    cw, ch_ = fonts.cell_w, fonts.cell_h
    pad = max(8, cw)
    bar = int(ch_ * 1.6) if title is not None else 0
    W, H = cols * cw + 2 * pad, rows * ch_ + 2 * pad + bar
    img = Image.new("RGB", (W, H), DEFAULT_BG)
    d = ImageDraw.Draw(img)
    thin = max(1, fonts.size // 12)
    if title is not None:
        d.rectangle([0, 0, W - 1, bar - 1], fill=CHROME)
        r = max(4, bar // 5)
        for i, col in enumerate(((0xFF, 0x5F, 0x57), (0xFE, 0xBC, 0x2E), (0x28, 0xC8, 0x40))):
            cx = pad + r + i * 3 * r
            d.ellipse([cx - r, bar // 2 - r, cx + r, bar // 2 + r], fill=col)
        tf = fonts.fallback
        tw = tf.getlength(title)
        d.text(((W - tw) / 2, (bar - fonts.size) / 2 - 1), title, font=tf, fill=(0xA0, 0xA4, 0xAC))
    ox, oy = pad, pad + bar
    for y in range(rows):
        for x in range(cols):
            cell = grid[y][x]
            if cell is None:
                continue
            c, a, w = cell
            fg = a.fg if a.fg is not None else DEFAULT_FG
            bg = a.bg if a.bg is not None else DEFAULT_BG
            if a.reverse:
                fg, bg = bg, fg
            if a.dim:
                fg = mix(fg, bg, 0.4)
            px, py = ox + x * cw, oy + y * ch_
            if bg != DEFAULT_BG:
                d.rectangle([px, py, px + w * cw - 1, py + ch_ - 1], fill=bg)
            if c == " ":
                pass
            elif c in BOX:
                draw_box(d, c, px, py, cw, ch_, fg, thin)
            elif 0x2800 < ord(c) <= 0x28FF:
                draw_braille(d, c, px, py, cw, ch_, fg)
            else:
                f = fonts.face(c, a.bold, a.italic)
                d.text((px, py + fonts.base), c, font=f, fill=fg)
            if a.underline:
                uy = py + ch_ - 2 * thin
                d.rectangle([px, uy, px + w * cw - 1, uy + thin - 1], fill=fg)
    if cursor:
        x, y = cursor
        if 0 <= x < cols and 0 <= y < rows:
            px, py = ox + x * cw, oy + y * ch_
            d.rectangle([px, py + ch_ - 3 * thin, px + cw - 1, py + ch_ - 1], fill=DEFAULT_FG)
    return img


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--cursor", help="X,Y of a visible cursor (0-based)")
    ap.add_argument("--title", help="a window title bar with this text")
    ap.add_argument("--font-size", type=int, default=16)
    ap.add_argument("input")
    ap.add_argument("output")
    args = ap.parse_args()
    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.input, "rb") as f:
            data = f.read()
    text = data.decode("utf-8", errors="replace")
    cursor = None
    if args.cursor:
        cx, cy = args.cursor.split(",")
        cursor = (int(cx), int(cy))
    grid = parse(text, args.cols, args.rows)
    img = render(grid, args.cols, args.rows, Fonts(args.font_size), cursor, args.title)
    img.save(args.output, optimize=True)


if __name__ == "__main__":
    main()
