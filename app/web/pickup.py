"""The pickup QR code a clerk scans at the counter, drawn on the server as SVG."""
import io

import segno


def pickup_qr_svg(order_code: str) -> bytes:
    out = io.BytesIO()
    segno.make(order_code, error="m").save(out, kind="svg", scale=8, border=2,
                                          xmldecl=False, dark="#1b1b1f", light="#ffffff")
    return out.getvalue()
