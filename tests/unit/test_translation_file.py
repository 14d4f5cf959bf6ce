"""The Chinese catalog is one entry per message: a message written twice, or two entries run
together without the blank line between them, would silently lose one translation."""
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def entries() -> list[str]:
    return [block for block in re.split(r"\n\s*\n", PO.read_text(encoding="utf-8").strip())
            if re.search(r"^msgid ", block, re.M)]


def key(block: str) -> tuple[str, str]:
    def text(name: str) -> str:
        found = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
        return "".join(re.findall(r'"(.*)"', found.group(1))) if found else ""
    return text("msgctxt"), text("msgid")


def test_every_entry_holds_one_message():
    glued = [block for block in entries() if len(re.findall(r"^msgid ", block, re.M)) > 1]
    assert glued == []


def test_no_message_is_translated_twice():
    keys = [key(block) for block in entries()]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
