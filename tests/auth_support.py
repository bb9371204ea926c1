"""QGIS authentication configurations for tests: a master password, Basic / OAuth2 /
other configurations stored in the real auth database, and a small OAuth2 token server
(resource-owner grant) on 127.0.0.1 that hands out the Bearer token the sandbox accepts."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

from qgis.core import QgsApplication, QgsAuthMethodConfig

MASTER_PASSWORD = "pbt-test-master"
TOKEN = "pbt-oauth-token-7f3a9c"  # what the token server hands out


def auth_manager():
    """QGIS's auth manager with the tests' master password set (created on first use)."""
    am = QgsApplication.authManager()
    if not am.masterPasswordIsSet():
        assert am.setMasterPassword(MASTER_PASSWORD, True), (
            "the test profile's auth database has another master password: remove "
            f"{am.authenticationDatabasePath()}"
        )
    return am


def store_config(method: str, name: str, **config) -> str:
    """Store an auth configuration; returns its id. Values: config keys (username...)."""
    am = auth_manager()
    cfg = QgsAuthMethodConfig(method)
    cfg.setName(name)
    for key, value in config.items():
        cfg.setConfig(key, value)
    result = am.storeAuthenticationConfig(cfg)
    ok, cfg = result if isinstance(result, tuple) else (result, cfg)
    assert ok and cfg.id(), f"could not store the {method} configuration"
    return cfg.id()


def remove_config(cfg_id: str) -> None:
    QgsApplication.authManager().removeAuthenticationConfig(cfg_id)


class TokenServer:
    """OAuth2 token endpoint (grant_type=password) on a free loopback port."""

    def __init__(self, token: str = TOKEN, username: str = "analyst", password: str = "pw"):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                server.requests.append(form)
                good = form.get("username") == [username] and form.get("password") == [password]
                body = (
                    {"access_token": token, "token_type": "bearer", "expires_in": 3600}
                    if good
                    else {"error": "invalid_grant"}
                )
                data = json.dumps(body).encode()
                self.send_response(200 if good else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/oauth/token"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


def oauth2_config(token_url: str, username: str = "analyst", password: str = "pw") -> str:
    """An OAuth2 configuration, resource-owner grant against ``token_url``; returns its id."""
    settings = {
        "accessMethod": 0,  # header: Authorization: Bearer <token>
        "apiKey": "",
        "clientId": "pbt-client",
        "clientSecret": "pbt-secret",
        "configType": 1,  # custom
        "description": "",
        "grantFlow": 2,  # resource owner (no browser)
        "id": "",
        "name": "planet oauth2",
        "objectName": "",
        "password": password,
        "persistToken": False,
        "queryPairs": {},
        "redirectPort": 7070,
        "redirectUrl": "",
        "refreshTokenUrl": "",
        "requestTimeout": 10,
        "requestUrl": token_url,
        "scope": "",
        "tokenUrl": token_url,
        "username": username,
        "version": 1,
    }
    return store_config("OAuth2", "planet oauth2", oauth2config=json.dumps(settings))
