"""Start the web server: ``policygen serve``.

On the loopback interface with no accounts, a one-time sign-in link is
printed (as Jupyter does); on any other interface the server refuses to
start until ``policygen users add`` has made an account.
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

from generator.errors import Interrupted, PolicygenError
from generator.web.accounts import load_users
from generator.web.workspace import WebConfig

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Return whether ``host`` names only this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run_server(config: WebConfig, host: str, port: int, workers: int, echo) -> None:
    """Serve the app until interrupted; the LibreOffice pool stops with it.

    Raises:
        PolicygenError: no accounts on a non-loopback interface.
    """
    import uvicorn

    from generator.web.app import create_app
    from generator.web.auth import new_link_token

    users = load_users(config.users_file)
    token = None
    if not users:
        if not is_loopback(host):
            raise PolicygenError(f"refusing to serve on {host} without accounts: add one first with "
                                 f"`policygen users add NAME --role adviser --password-stdin`")
        token = new_link_token()
    for folder, what in ((config.library_dir, "library"), (config.schools_dir, "schools")):
        if not Path(folder).is_dir():
            raise PolicygenError(f"the {what} folder {folder} does not exist")
    app = create_app(config, link_token=token, workers=workers)
    shown = f"[{host}]" if ":" in host else host
    if token:
        echo(f"No accounts yet. Sign in once with this link (it works one time only):\n\n"
             f"    http://{shown}:{port}/signin/link/{token}\n")
    else:
        echo(f"Serving on http://{shown}:{port}/ ({len(users)} account(s)); press Ctrl-C to stop.")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
    except Interrupted:
        pass  # uvicorn has shut down on Ctrl-C or SIGTERM and passes the signal on: a normal stop
