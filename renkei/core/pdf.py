"""What every PDF Renkei writes shares: the Japanese fonts (reportlab's CID fonts: no font file to ship)."""

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

GOTHIC = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"


def register_japanese_fonts() -> None:
    """Register the gothic and mincho CID fonts once per process (idempotent)."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (GOTHIC, MINCHO):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))
