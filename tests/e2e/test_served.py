"""The server the browser tests run against: a browser that drops a connection leaves no
file open behind it."""
import socket
import struct
import time

from .helpers import served

RESETS = 100  # about one reset in twenty lands in the moment that used to leak a file


class Body:
    """A WSGI body that owns an open file, as a static file's answer does."""

    def __init__(self, file):
        self.file = file

    def __iter__(self):
        yield self.file.read()

    def close(self):
        self.file.close()


def reset_after_answer(address: str) -> None:
    """Ask for a file, read the answer's headers, and reset the connection."""
    host, port = address.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(f"GET /small.txt HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += connection.recv(4096)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_file_is_closed_when_the_browser_resets_the_connection_after_the_answer(tmp_path):
    (tmp_path / "small.txt").write_bytes(b"a small file\n")
    opened = []

    def app(environ, start_response):
        file = (tmp_path / "small.txt").open("rb")
        opened.append(file)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body(file)

    with served(app, "reset-server") as address:
        for _ in range(RESETS):
            reset_after_answer(address)
    deadline = time.monotonic() + 5  # the server's threads finish after it stops listening
    while not all(file.closed for file in opened) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(opened) == RESETS
    assert [file for file in opened if not file.closed] == []
