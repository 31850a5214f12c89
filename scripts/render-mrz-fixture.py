"""Renders the ICAO Doc 9303 specimen machine-readable zones (the public
"UTOPIA" examples of 9303-4 and 9303-5) as the bottom of a document page, in
OCR-B (Debian fonts-ocr-b 0.3, by Matthew Skala after Norbert Schwarz's
metafont: public domain / free to use, modify and distribute), for the tests
that read an MRZ from a picture the project can ship.

Usage (Pillow==10.4.0, fonts-ocr-b installed):
  python3 scripts/render-mrz-fixture.py tests/fixtures
writes mrz-utopia-td3.png (passport, 2 x 44) and mrz-utopia-td1.png (ID card, 3 x 30)."""
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
SPECIMENS = {
    "mrz-utopia-td3.png": (
        ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
        ["PASSPORT  UTOPIA", "Surname: ERIKSSON", "Given names: ANNA MARIA", "Date of expiry: 15 APR 2012"],
    ),
    "mrz-utopia-td1.png": (
        ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"],
        ["IDENTITY CARD  UTOPIA", "ERIKSSON", "ANNA MARIA"],
    ),
}


def render(lines, header):
    mrz = ImageFont.truetype(FONT, 28)
    small = ImageFont.truetype(FONT, 22)
    width = int(max(mrz.getlength(l) for l in lines)) + 80
    height = 60 + 34 * len(header) + 20 + 44 * len(lines) + 30
    img = Image.new("RGB", (width, height), (236, 232, 222))
    d = ImageDraw.Draw(img)
    y = 30
    for h in header:
        d.text((40, y), h, font=small, fill=(60, 60, 90))
        y += 34
    y += 30
    for l in lines:
        d.text((40, y), l, font=mrz, fill=(20, 20, 20))
        y += 44
    # A camera's slight softness, so the test is not on perfect pixels.
    return img.filter(ImageFilter.GaussianBlur(0.6))


out = Path(sys.argv[1])
for name, (lines, header) in SPECIMENS.items():
    render(lines, header).save(out / name, optimize=True)
    print(out / name)
