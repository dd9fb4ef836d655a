"""Reads a regression's report.html (or the DOM a browser built from it) with python3's own
html.parser and a screenshot of it with zlib, and prints what regress_command_test compares:

    check_report.py report REPORT.html [--base DIR]
        totals runs=N passed=N failed=N refused=N not_run=N
        row NAME runs=N passed=N failed=N refused=N not_run=N tx=T rx=R
        failure SCENARIO | HEADING DETAILS | REASON | REPLAY
        link HREF exists|missing            (every relative href, resolved under DIR, default the file's folder)
        chart TITLE rows=N                  (per <svg class="chart">: its <g class="row"> groups)
        external N                          (src=, <link>, url(, @import, and hrefs with a scheme)
        scripted yes|no                     (the page's script ran: its copy buttons are in the DOM)
    check_report.py png SHOT.png
        png WIDTHxHEIGHT colors=N non_white=F  (F: fraction of pixels that are not white)

Exit status 2 when the file cannot be read or is not what it should be."""
import os
import sys
import zlib
from html.parser import HTMLParser


class Report(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.totals = {}
        self.rows = []            # (name, [cell texts])
        self.failures = []        # [heading, reason, replay]
        self.hrefs = []
        self.charts = []          # [title, rows]
        self.external = 0
        self.copy_buttons = 0
        self._stack = []          # (tag, class) of the open elements
        self._text = None         # the text being collected, and where it goes
        self._target = None
        self._cells = None
        self._total_class = None
        self._total_number = None

    def _inside(self, tag, css=None):
        return any(t == tag and (css is None or css in c.split()) for t, c in self._stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        css = a.get("class") or ""
        if tag not in ("meta", "br", "input", "img", "link", "rect", "line", "path"):
            self._stack.append((tag, css))
        if "src" in a or tag == "link":
            self.external += 1
        href = a.get("href")
        if href is not None:
            if ":" in href.split("/")[0]:
                self.external += 1
            elif not href.startswith("#"):
                self.hrefs.append(href)
        if tag == "button" and "copy" in css.split():
            self.copy_buttons += 1
        if tag == "div" and css.split()[:1] == ["total"]:
            self._total_class = css.split()[1]
        if tag == "b" and self._total_class:
            self._begin("total")
        if tag == "tr" and self._inside("tbody") and self._inside("table", "sortable"):
            self._cells = []
        if tag == "td" and self._cells is not None:
            self._begin("cell")
        if tag == "article" and "failure" in css.split():
            self.failures.append(["", "", ""])
        if self.failures and self._inside("article", "failure"):
            if tag == "h3":
                self._begin("heading")
            elif tag == "p" and "reason" in css.split():
                self._begin("reason")
            elif tag == "pre" and "replay" in css.split():
                self._begin("replay")
        if tag == "svg" and "chart" in css.split():
            self.charts.append([a.get("aria-label", ""), 0])
        if tag == "g" and "row" in css.split() and self.charts:
            self.charts[-1][1] += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("meta", "br", "input", "img", "link", "rect", "line", "path"):
            self.handle_endtag(tag)

    def _begin(self, target):
        self._text, self._target = [], target

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        if self._inside("style") and ("url(" in data or "@import" in data):
            self.external += 1

    def handle_endtag(self, tag):
        ends = {"b": "total", "td": "cell", "h3": "heading", "p": "reason", "pre": "replay"}
        if self._text is not None and ends.get(tag) == self._target:
            text = " ".join("".join(self._text).split())
            if self._target == "total":
                self.totals[self._total_class] = text
                self._total_class = None
            elif self._target == "cell":
                self._cells.append(text)
            else:
                self.failures[-1][["heading", "reason", "replay"].index(self._target)] = text
            self._text = None
        if tag == "tr" and self._cells is not None:
            self.rows.append(self._cells)
            self._cells = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break


def report(path, base):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print(f"check_report.py: {path}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    parser = Report()
    parser.feed(text)
    parser.close()
    if not parser.totals or not parser.rows:
        print(f"check_report.py: {path}: no totals or no scenario table: not a nicsim regress report", file=sys.stderr)
        sys.exit(2)
    t = parser.totals
    print(f"totals runs={t.get('runs')} passed={t.get('passed')} failed={t.get('failed')} refused={t.get('refused')} "
          f"not_run={t.get('not-run')}")
    for cells in parser.rows:
        name, runs, passed, failed, refused, not_run, tx, rx = cells[:8]
        print(f"row {name} runs={runs} passed={passed} failed={failed} refused={refused} not_run={not_run} tx={tx} rx={rx}")
    for heading, reason, replay in parser.failures:
        print(f"failure {heading} | {reason} | {replay}")
    for href in parser.hrefs:
        target = os.path.join(base, *href.split("/"))
        print(f"link {href} {'exists' if os.path.exists(target) else 'missing'}")
    for title, rows in parser.charts:
        print(f"chart {title} rows={rows}")
    print(f"external {parser.external}")
    print(f"scripted {'yes' if parser.copy_buttons else 'no'}")


def png(path):
    """Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) with zlib alone."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"check_report.py: {path}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        print(f"check_report.py: {path}: not a PNG file", file=sys.stderr)
        sys.exit(2)
    at, header, idat = 8, None, b""
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, color, interlace = header[8], header[9], header[12]
    channels = {2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace != 0:
        print(f"check_report.py: {path}: PNG depth {depth} colour type {color} interlace {interlace}: not read here",
              file=sys.stderr)
        sys.exit(2)
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colors, non_white = set(), 0
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):  # undo the row's filter (PNG spec, section 9)
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 0xFF
        for x in range(0, stride, channels):
            pixel = bytes(line[x:x + 3])
            colors.add(pixel)
            non_white += pixel != b"\xff\xff\xff"
        previous = line
    print(f"png {width}x{height} colors={len(colors)} non_white={non_white / (width * height):.4f}")


def main():
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "report":
        base = os.path.dirname(os.path.abspath(args[1]))
        if len(args) == 4 and args[2] == "--base":
            base = args[3]
        report(args[1], base)
    elif len(args) == 2 and args[0] == "png":
        png(args[1])
    else:
        print("usage: check_report.py report REPORT.html [--base DIR] | png SHOT.png", file=sys.stderr)
        sys.exit(2)


main()
