"""Where a `next` parameter may send a member: only to a path on this site."""


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    "/\\t/evil.com" or "/\\\\evil.com" would leave the site as surely as "//evil.com".
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    return target
