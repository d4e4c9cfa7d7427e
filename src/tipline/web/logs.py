"""A log filter that keeps paths out of every log line, whatever the level or the error.

Paths carry secrets (an invitation or reset link holds its token) and, on the reporter
side, say what someone did and when. Django logs them with failed CSRF checks, 404s and
server errors, gunicorn with a request it could not handle. Every argument of a record
that looks like a path or a URL is replaced, and the message itself too when it holds one.
"""

import logging
import re

_PATH = re.compile(r"(?:https?://\S+|/[^\s'\"]*)")


def _scrub(value: object) -> object:
    if isinstance(value, str) and ("/" in value):
        return _PATH.sub("[path]", value)
    return value


class ForgetPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _scrub(arg) for key, arg in record.args.items()}
        if isinstance(record.msg, str) and not record.args:
            record.msg = str(_scrub(record.msg))
        if hasattr(record, "request"):
            record.request = None
        return True
