#!/usr/bin/env bash
# Build assets/fonts/ui-subset.ttf, the small font the practice window draws its
# text with: a subset of Roboto (Latin) merged with a subset of Droid Sans
# Fallback (Chinese). Both are Apache-2.0 fonts by Google.
#
# Usage: scripts/subset-font.sh
#
# Droid Sans Fallback has no Latin letters, digits or punctuation (it is the CJK
# fallback that Android pairs with Roboto), so the Latin part comes from Roboto.
#
# Kept characters: printable ASCII (U+0020-U+007E), the symbols in
# EXTRA_SYMBOLS and the test text in TEST_TEXT below, and every non-ASCII
# character that appears in src/i18n.rs. Characters neither font has are left
# out and listed at the end. Run this script again whenever src/i18n.rs gains
# characters (new Chinese text): the unit tests in src/ui/text.rs fail until
# the font has them.
#
# Environment:
#   SOURCE_FONT  CJK font (default:
#                /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf,
#                Debian/Ubuntu package fonts-droid-fallback).
#   LATIN_FONT   Latin font (default:
#                /usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf,
#                Debian/Ubuntu package fonts-roboto-unhinted).
#   PYTHON       interpreter for fontTools (default: python3).
#
# Needs fontTools; when the module is missing it is installed with
# `pip install --user fonttools` (needs PyPI access). The output bytes depend on
# the fontTools version (4.68.0 wrote the committed file), so the sha256 printed
# at the end can differ between machines even when the kept glyphs are the same.
#
# What the file keeps: glyph outlines, metrics, cmap, a legacy `kern` table made
# from Roboto's GPOS pair kerning (ab_glyph reads only `kern`), and the name
# IDs 0-6, 13, 14. Hinting, layout tables (GSUB/GPOS/GDEF) and vertical metrics
# are dropped: the renderer (ab_glyph) uses none of them.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOURCE_FONT="${SOURCE_FONT:-/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf}"
LATIN_FONT="${LATIN_FONT:-/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf}"
PYTHON="${PYTHON:-python3}"
# fontTools stamps head.modified with this instead of the current time, so that
# two runs with the same inputs and fontTools version write the same bytes.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1577836800}"
I18N="$ROOT/src/i18n.rs"
OUT_DIR="$ROOT/assets/fonts"
OUT="$OUT_DIR/ui-subset.ttf"
# Symbols the UI may draw besides ASCII and the i18n texts, and the Chinese
# sample text the renderer's unit tests draw (src/ui/text.rs).
EXTRA_SYMBOLS='·…–—°←→↑↓✓✗•%'
TEST_TEXT='你好'

missing_font() {
    echo "error: $1 font not found: $2" >&2
    echo "Install it with:  sudo apt-get install $3" >&2
    echo "or set $4 to the path of a copy of $5." >&2
    exit 2
}
[[ -f "$SOURCE_FONT" ]] || missing_font CJK "$SOURCE_FONT" fonts-droid-fallback SOURCE_FONT DroidSansFallbackFull.ttf
[[ -f "$LATIN_FONT" ]] || missing_font Latin "$LATIN_FONT" fonts-roboto-unhinted LATIN_FONT Roboto-Regular.ttf
if [[ ! -f "$I18N" ]]; then
    echo "error: $I18N not found" >&2
    exit 2
fi

if ! "$PYTHON" -c 'import fontTools.subset' >/dev/null 2>&1; then
    echo "fontTools not found; installing it with: $PYTHON -m pip install --user fonttools" >&2
    "$PYTHON" -m pip install --user --quiet fonttools
fi
if command -v pyftsubset >/dev/null 2>&1; then
    SUBSET=(pyftsubset)
else
    SUBSET=("$PYTHON" -m fontTools.subset)
fi

# Every code point to keep (hex, comma-separated).
WANTED="$(
    "$PYTHON" -c '
import sys
keep = set(range(0x20, 0x7F)) | {ord(c) for c in sys.argv[2]}
with open(sys.argv[1], encoding="utf-8") as f:
    keep |= {ord(c) for c in f.read() if ord(c) > 0x7E and c.isprintable()}
print(",".join("%04X" % c for c in sorted(keep)))
' "$I18N" "$EXTRA_SYMBOLS$TEST_TEXT"
)"

# Split them: what Roboto has, what only Droid has, what neither has.
{
    read -r LATIN_CODES
    read -r CJK_CODES
    read -r NOWHERE
} < <(
    "$PYTHON" -c '
import sys
from fontTools.ttLib import TTFont
wanted = [int(h, 16) for h in sys.argv[1].split(",")]
latin = TTFont(sys.argv[2], lazy=True).getBestCmap()
cjk = TTFont(sys.argv[3], lazy=True).getBestCmap()
for part in (
    [c for c in wanted if c in latin],
    [c for c in wanted if c not in latin and c in cjk],
    [c for c in wanted if c not in latin and c not in cjk],
):
    print(",".join("%04X" % c for c in part) or "-")
' "$WANTED" "$LATIN_FONT" "$SOURCE_FONT"
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Only the Latin kerning feature is kept from the layout tables: with all
# features ('*') the subset would also pull in glyphs that only GSUB reaches
# (ligatures, alternates, vertical forms), which the renderer never draws.
SUBSET_OPTIONS=(
    --no-hinting
    --desubroutinize
    '--name-IDs=0,1,2,3,4,5,6,13,14'
    '--name-languages=0x409'
    '--drop-tables+=DSIG,vhea,vmtx'
)
"${SUBSET[@]}" "$LATIN_FONT" --unicodes="$LATIN_CODES" \
    --output-file="$WORK/latin.ttf" "${SUBSET_OPTIONS[@]}" \
    '--layout-features=kern'
if [[ "$CJK_CODES" != "-" ]]; then
    "${SUBSET[@]}" "$SOURCE_FONT" --unicodes="$CJK_CODES" \
        --output-file="$WORK/cjk.ttf" "${SUBSET_OPTIONS[@]}" \
        '--layout-features='
fi

# Flatten Roboto's GPOS kerning into a `kern` table, bring the CJK part to
# Roboto's units per em, drop what the renderer does not use, merge, rename.
"$PYTHON" - "$WORK" "$WORK/merged.ttf" <<'PY'
import os
import sys

from fontTools.merge import Merger
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.scaleUpem import scale_upem
from fontTools.ttLib.tables._k_e_r_n import KernTable_format_0

work, out = sys.argv[1], sys.argv[2]
UNUSED = ("GSUB", "GPOS", "GDEF", "vhea", "vmtx", "gasp", "cvt ", "fpgm", "prep")


def kern_pairs(font):
    """Horizontal pair kerning of the default script's `kern` feature."""
    if "GPOS" not in font:
        return {}
    gpos = font["GPOS"].table
    lookups = set()
    for rec in gpos.FeatureList.FeatureRecord:
        if rec.FeatureTag == "kern":
            lookups.update(rec.Feature.LookupListIndex)
    pairs = {}
    for index in sorted(lookups):
        lookup = gpos.LookupList.Lookup[index]
        found = {}
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:
                sub = sub.ExtSubTable
            if getattr(sub, "LookupType", 2) != 2:
                continue
            if sub.Format == 1:
                firsts = sub.Coverage.glyphs
                for first, pset in zip(firsts, sub.PairSet):
                    for rec in pset.PairValueRecord:
                        value = getattr(rec.Value1, "XAdvance", 0) if rec.Value1 else 0
                        found.setdefault((first, rec.SecondGlyph), value)
            elif sub.Format == 2:
                classes1 = sub.ClassDef1.classDefs
                classes2 = sub.ClassDef2.classDefs
                seconds = font.getGlyphOrder()
                for first in sub.Coverage.glyphs:
                    row = sub.Class1Record[classes1.get(first, 0)]
                    for second in seconds:
                        rec = row.Class2Record[classes2.get(second, 0)]
                        value = getattr(rec.Value1, "XAdvance", 0) if rec.Value1 else 0
                        found.setdefault((first, second), value)
        for pair, value in found.items():
            pairs[pair] = pairs.get(pair, 0) + value
    return {pair: value for pair, value in pairs.items() if value}


def add_kern_table(font, pairs):
    if not pairs:
        return
    kern = newTable("kern")
    kern.version = 0
    sub = KernTable_format_0()
    sub.version, sub.format, sub.coverage, sub.tupleIndex = 0, 0, 1, 0
    sub.kernTable = dict(pairs)
    kern.kernTables = [sub]
    font["kern"] = kern


latin = TTFont(os.path.join(work, "latin.ttf"))
add_kern_table(latin, kern_pairs(latin))
for tag in UNUSED:
    if tag in latin:
        del latin[tag]
latin.save(os.path.join(work, "latin-kern.ttf"))
parts = [os.path.join(work, "latin-kern.ttf")]

cjk_path = os.path.join(work, "cjk.ttf")
if os.path.exists(cjk_path):
    cjk = TTFont(cjk_path)
    for tag in UNUSED:
        if tag in cjk:
            del cjk[tag]
    scale_upem(cjk, latin["head"].unitsPerEm)
    cjk.save(os.path.join(work, "cjk-scaled.ttf"))
    parts.append(os.path.join(work, "cjk-scaled.ttf"))

merged = Merger().merge(parts)
for tag in UNUSED:
    if tag in merged:
        del merged[tag]
if "kern" not in merged and "kern" in latin:
    merged["kern"] = latin["kern"]

names = merged["name"]
for rec in list(names.names):
    if rec.nameID in (0, 1, 3, 4, 6):
        names.removeNames(nameID=rec.nameID)
family = "Liveness Coach UI"
names.setName(
    "Copyright 2015 Google Inc. (Roboto); Digitized data copyright Google "
    "Corporation 2006 (Droid Sans Fallback). Subset and merged for liveness-coach.",
    0, 3, 1, 0x409,
)
names.setName(family, 1, 3, 1, 0x409)
names.setName(family + " Regular", 3, 3, 1, 0x409)
names.setName(family + " Regular", 4, 3, 1, 0x409)
names.setName("LivenessCoachUI-Regular", 6, 3, 1, 0x409)
merged.save(out)
PY

mkdir -p "$OUT_DIR"
mv "$WORK/merged.ttf" "$OUT"

"$PYTHON" -c '
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
kern = font["kern"].kernTables[0].kernTable if "kern" in font else {}
print("glyphs: %d, code points: %d, kerning pairs: %d"
      % (font["maxp"].numGlyphs, len(font.getBestCmap()), len(kern)))
' "$OUT"
if [[ "$NOWHERE" != "-" ]]; then
    echo "in neither font (left out): $(
        "$PYTHON" -c 'import sys; print(" ".join("U+%s %s" % (h, chr(int(h, 16))) for h in sys.argv[1].split(",")))' "$NOWHERE"
    )"
fi
echo "wrote ${OUT#"$ROOT"/} ($(stat -c %s "$OUT") bytes)"
(cd "$ROOT" && sha256sum assets/fonts/ui-subset.ttf)
