"""A reporter over real HTTP, for the crash test and bench/submit.py: GET the form, POST it
(with a file if asked), read the receipt. One keep-alive connection and its own cookie."""

import http.client
import re

HIDDEN_RECEIPT = re.compile(rb'name="receipt" value="([^"]+)"')
# The receipt's groups are joined by no-break spaces on the page (it never wraps).
RECEIPT = re.compile(rb'id="receipt-code">([\d \xc2\xa0]+)<')


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]], boundary: str) -> bytes:
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


class Reporter:
    def __init__(self, port: int, path: str, *, timeout: float = 60) -> None:
        self.port, self.path, self.timeout = port, path, timeout
        self.retry_after: float | None = None  # from the last refusal, if it said
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def submit(
        self, description: str, *, photo: bytes | None = None
    ) -> tuple[int, str | None, float]:
        """(HTTP status, receipt code or None, seconds the POST took)."""
        import time

        self.retry_after = None
        self.connection.request("GET", self.path)
        response = self.connection.getresponse()
        page = response.read()
        self._note_retry_after(response)
        cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
        token = cookie.split("=", 1)[1] if "=" in cookie else ""
        hidden = HIDDEN_RECEIPT.search(page)
        if response.status != 200 or not hidden or not token:
            return response.status, None, 0.0
        boundary = "tiplineclient" + token[:12]
        files = {"attachments": ("photo.jpg", photo)} if photo else {}
        body = multipart(
            {
                "csrfmiddlewaretoken": token,
                "receipt": hidden.group(1).decode(),
                "description": description,
                "q_how_known": "saw",
            },
            files,
            boundary,
        )
        started = time.perf_counter()
        self.connection.request(
            "POST",
            self.path,
            body,
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": cookie,
                "Origin": "null",  # as a browser sends it under Referrer-Policy: no-referrer
            },
        )
        response = self.connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
        self._note_retry_after(response)
        receipt = RECEIPT.search(answer)
        if response.status == 200 and not receipt:
            return 599, None, elapsed
        code = receipt.group(1).decode().replace("\xa0", " ") if receipt else None
        return response.status, code, elapsed

    def _note_retry_after(self, response: http.client.HTTPResponse) -> None:
        try:
            self.retry_after = float(response.getheader("Retry-After") or "")
        except ValueError:
            self.retry_after = None

    def reconnect(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
