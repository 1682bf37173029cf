# Reads PGM paths on stdin, one a line, and prints for each a JSON line
# with the QR code texts that zxing-cpp finds and the milliseconds that
# read_barcodes took (image loading excluded).
import json
import sys
import time

import numpy as np
import zxingcpp


def load_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, size, depth, pixels = data.split(b"\n", 3)
    w, h = map(int, size.split())
    return np.frombuffer(pixels, dtype=np.uint8).reshape(h, w)


for line in sys.stdin:
    path = line.strip()
    image = load_pgm(path)
    start = time.perf_counter()
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ms = (time.perf_counter() - start) * 1000
    texts = [r.text for r in results if r.valid]
    print(json.dumps({"path": path, "texts": texts, "ms": ms}), flush=True)
