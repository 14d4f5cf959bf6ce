"""Demo data (placeholder, filled in below)."""
DEMO_PHONE = "13800138000"
DEMO_PASSWORD = "mall-demo-2026"


def load() -> None:
    raise NotImplementedError
