"""The pickup QR code a clerk scans at the counter, drawn on the server as SVG."""
from .qr import qr_svg


def pickup_qr_svg(order_code: str) -> bytes:
    return qr_svg(order_code)
