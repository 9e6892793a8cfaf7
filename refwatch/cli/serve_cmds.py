"""`refwatch serve`: run the HTTP API (refwatch.api) with uvicorn.

Whoever starts the server unlocks the data key, so the command itself needs
the permission listed for "serve" in model/data/command_actions.json (an
admin, or the local operator of a store without users); every request then
authenticates on its own. Plain HTTP is allowed on a loopback address only;
elsewhere give --ssl-certfile/--ssl-keyfile, or --behind-proxy when a reverse
proxy terminates TLS. The access log is off: URLs can carry search words.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Optional

import typer

from refwatch.cli.app import app, console, emit_json, fail
from refwatch.cli.common import DataOpt, KeyFileOpt, session


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_cmd(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
              port: int = typer.Option(8765, "--port", min=1, max=65535),
              ssl_certfile: Optional[Path] = typer.Option(None, "--ssl-certfile", help="TLS certificate (PEM)."),
              ssl_keyfile: Optional[Path] = typer.Option(None, "--ssl-keyfile", help="TLS private key (PEM)."),
              behind_proxy: bool = typer.Option(False, "--behind-proxy",
                                                help="A reverse proxy terminates TLS: allow a non-loopback address."),
              check: bool = typer.Option(False, "--check", help="Open the store and build the app, then exit "
                                                               "without listening (for scripts and tests)."),
              data: Optional[Path] = DataOpt, key_file: Optional[Path] = KeyFileOpt) -> None:
    """Serve the HTTP API (JSON under /api; see README 'HTTP API')."""
    from refwatch.security.roles import authorize_all, command_actions

    if bool(ssl_certfile) != bool(ssl_keyfile):
        fail("give both --ssl-certfile and --ssl-keyfile, or neither")
    tls = bool(ssl_certfile)
    if not tls and not behind_proxy and not is_loopback(host):
        fail("plain HTTP only on a loopback address (127.0.0.1, ::1, localhost)",
             hint="give --ssl-certfile and --ssl-keyfile, or --behind-proxy if a TLS proxy is in front")
    with session(data, key_file) as (store, principal, key):
        authorize_all(principal, *command_actions()["serve"])
        from refwatch.api import create_app
        from refwatch.api.app import routes_of

        api = create_app(store.settings, key, store=store)
        summary = {"host": host, "port": port, "tls": tls or behind_proxy, "routes": len(routes_of(api)),
                   "data": str(store.settings.data_dir)}
        if check:
            emit_json(summary)
            return
        import uvicorn

        scheme = "https" if tls else "http"
        console.print(f"serving the API on {scheme}://{host}:{port}/api (Ctrl-C stops)", highlight=False)
        uvicorn.run(api, host=host, port=port, access_log=False, log_level="warning", server_header=False,
                    ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
                    ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
                    proxy_headers=behind_proxy, forwarded_allow_ips="127.0.0.1" if behind_proxy else None)
