"""Decode page 1's image of each PDF with PDFium (pypdfium2) and compare it
bit for bit with poppler's decoding (pdfimages -png). Arguments: PDF PNG
pairs. Exit status 1 when any differs."""
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from PIL import Image, ImageChops

print("pypdfium2", pdfium.version.PYPDFIUM_INFO, "pdfium", pdfium.version.PDFIUM_INFO)
failed = False
for path, ref in zip(sys.argv[1::2], sys.argv[2::2]):
    page = pdfium.PdfDocument(path)[0]
    image = next(o for o in page.get_objects() if o.type == raw.FPDF_PAGEOBJ_IMAGE)
    got = image.get_bitmap(render=False).to_pil().convert("L").point(lambda v: 255 * (v >= 128))
    want = Image.open(ref).convert("L").point(lambda v: 255 * (v >= 128))
    same = got.size == want.size and ImageChops.difference(got, want).getbbox() is None
    failed |= not same
    print(path, "PDFium", "identical" if same else "DIFFERS")
sys.exit(1 if failed else 0)
