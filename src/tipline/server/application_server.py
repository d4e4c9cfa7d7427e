"""Running Tipline under gunicorn, configured so that nothing records a client.

gunicorn's access log would write each client's address; it stays off. Threads serve
concurrent requests inside one process; Argon2id and the ciphers release the GIL, so one
process uses both cores of a small machine.
"""

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


def gunicorn_options(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    when_ready: Callable[[Any], None] | None = None,
    proxy_allow_ips: list[str] | None = None,
) -> dict[str, Any]:
    """`proxy_allow_ips`: read the PROXY protocol (v1 or v2) from these peers, which then
    name the client (with Tor, the circuit); a PROXY header from anyone else is refused."""
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    hooks = {"when_ready": when_ready} if when_ready else {}
    proxy = (
        {"proxy_protocol": "auto", "proxy_allow_ips": ",".join(proxy_allow_ips)}
        if proxy_allow_ips
        else {}
    )
    return {
        **hooks,
        **proxy,
        "bind": f"{bind_host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 120,
        "graceful_timeout": 30,
        "proc_name": "tipline",
        "post_worker_init": _start_cleaning_server,
    }


def _start_cleaning_server(worker: Any) -> None:
    """Each worker starts its attachment-cleaning fork server before it takes requests, so
    that the first reporter with a file does not wait for it (tipline.reports.isolation)."""
    from tipline.reports import isolation

    isolation.start_fork_server()


class TiplineServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self._application = application
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        import logging

        from tipline.web.logs import ForgetPaths

        # gunicorn logs a request it could not handle with its path ("Error handling ...").
        logging.getLogger("gunicorn.error").addFilter(ForgetPaths())
        return self._application
