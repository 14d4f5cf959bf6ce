"""QR codes drawn on the server as SVG. Always a full QR code with its quiet zone, never the
Micro QR a short code would otherwise get: phones, counter scanners and kiosk scanners all
read the full kind, not all read Micro QR."""
import io

import segno

DARK, LIGHT = "#1b1b1f", "#ffffff"


def qr_svg(text: str, scale: int = 8, sized: bool = True) -> bytes:
    """`text` as an SVG QR code; `sized=False` leaves the size to the stylesheet (a viewBox
    only)."""
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="svg", scale=scale, border=4, xmldecl=False,
                                        omitsize=not sized, dark=DARK, light=LIGHT)
    return out.getvalue()
