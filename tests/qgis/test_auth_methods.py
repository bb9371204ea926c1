"""Any QGIS authentication method (issue 10, item 3): QGIS's auth manager fills a request
for the chosen configuration and its Authorization header is sent; a Basic configuration
whose user name is a Planet key (empty password) still sends ``api-key <KEY>``.

Real auth database, real OAuth2 sign-in (resource-owner grant against a token server on
127.0.0.1), real HTTP to the sandbox, real JobManager threads."""

import base64

import pytest
import requests
from auth_support import TOKEN, TokenServer, oauth2_config, remove_config, store_config
from planet_bulk_tasking.core.credentials import (
    CredentialError,
    configured_api_key,
    credential_from_authcfg,
    key_from_authcfg,
)
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.services import PluginServices
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.auth import AuthHeaders
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.errors import AuthenticationError
from support import SANDBOX_KEY, point_layer, server_orders, wait_until


@pytest.fixture
def configs():
    """Stores auth configurations; removes them at teardown."""
    made = []

    def make(method, name, **config):
        cfg_id = store_config(method, name, **config)
        made.append(cfg_id)
        return cfg_id

    make.oauth2 = lambda url, **kw: made.append(oauth2_config(url, **kw)) or made[-1]
    yield make
    for cfg_id in made:
        remove_config(cfg_id)


@pytest.fixture
def token_server():
    server = TokenServer()
    yield server
    server.stop()


def sent_authorization(client: TaskingClient, url: str) -> str:
    """The Authorization header the client's auth hook puts on a request to ``url``."""
    prepared = requests.Request("GET", url).prepare()
    client.session.auth(prepared)
    return prepared.headers.get("Authorization", "")


def test_basic_config_with_a_key_as_user_name_sends_api_key(configs, sandbox):
    cfg = configs("Basic", "planet key", username=SANDBOX_KEY, password="")
    credential = credential_from_authcfg(cfg)
    assert credential == SANDBOX_KEY  # as before: the key itself, sent as api-key
    with TaskingClient(sandbox.base_url, credential) as client:
        assert sent_authorization(client, sandbox.base_url) == f"api-key {SANDBOX_KEY}"
        assert client.check_connection().state == "valid"


def test_basic_config_with_a_password_sends_what_qgis_makes(configs, sandbox):
    cfg = configs("Basic", "user and password", username=SANDBOX_KEY, password="s3cret-pw")
    credential = credential_from_authcfg(cfg)
    assert isinstance(credential, AuthHeaders)
    expected = "Basic " + base64.b64encode(f"{SANDBOX_KEY}:s3cret-pw".encode()).decode()
    with TaskingClient(sandbox.base_url, credential) as client:
        assert sent_authorization(client, sandbox.base_url) == expected
        assert client.check_connection().state == "valid"
        assert "s3cret" not in repr(client) and "s3cret" not in repr(credential)
        assert expected not in str(client.session.headers)  # added per request only


def test_oauth2_bearer_token_submits_a_job(configs, token_server, make_sandbox, tmp_path):
    """OAuth2 (Planet's preferred way): QGIS signs in, the Bearer token goes to the sandbox,
    and a whole job runs through the JobManager with it."""
    sandbox = make_sandbox(tokens={TOKEN: SANDBOX_KEY})
    cfg = configs.oauth2(token_server.url)
    credential = configured_api_key(cfg)
    assert isinstance(credential, AuthHeaders)
    assert token_server.requests and token_server.requests[0]["grant_type"] == ["password"]
    with TaskingClient(sandbox.base_url, credential) as client:
        assert sent_authorization(client, sandbox.base_url) == f"Bearer {TOKEN}"
        assert client.check_connection().state == "valid"

    services = PluginServices(str(tmp_path / "data"), api_key=lambda: configured_api_key(cfg))
    try:
        layer = point_layer(7, "oauth")
        job = create_job(layer, OrderParameters(), selected_only=False, endpoint=sandbox.base_url)
        services.manager.submit(job)
        assert wait_until(lambda: not services.manager.is_running(job.job_id), 30)
        assert job.state == "done", job.error
        assert job.counts()[TargetStatus.SUCCEEDED] == 7
        stored = services.store.load_job(job.job_id)
        assert TOKEN not in stored.to_json()  # credentials are never written with the job
    finally:
        services.shutdown()
    # the orders belong to the account the token acts for
    assert {t.order_id for t in job.targets} <= {o["id"] for o in server_orders(sandbox.base_url)}


def test_unknown_bearer_token_is_refused_and_never_shown(make_sandbox):
    sandbox = make_sandbox(tokens={"another-token": SANDBOX_KEY})
    credential = AuthHeaders({"Authorization": f"Bearer {TOKEN}"})
    with TaskingClient(sandbox.base_url, credential, max_retries=0) as client:
        report = client.check_connection()
        assert report.state == "invalid"
        with pytest.raises(AuthenticationError) as info:
            client.get_bulk("00000000-0000-4000-8000-000000000000")
    for text in (repr(client), str(info.value), info.value.user_message, report.message):
        assert TOKEN not in (text or "")


def test_a_method_that_adds_no_authorization_header_is_explained(configs, monkeypatch):
    """ESRI tokens go in X-Esri-Authorization: nothing Planet reads, said in user words."""
    monkeypatch.delenv("PL_API_KEY", raising=False)
    cfg = configs("EsriToken", "esri", token="abc123")
    with pytest.raises(CredentialError, match="did not give an Authorization header"):
        credential_from_authcfg(cfg)
    assert key_from_authcfg(cfg) is None
    assert configured_api_key(cfg) is None
    monkeypatch.setenv("PL_API_KEY", "env-key")
    assert configured_api_key(cfg) == "env-key"  # the documented fallback


def test_unknown_configuration_id_is_explained():
    with pytest.raises(CredentialError, match="could not be read"):
        credential_from_authcfg("nope123")


def test_token_and_basic_password_are_masked_in_every_form():
    """A server echoing the token or the Basic credentials (raw, JSON-escaped, decoded) never
    gets them into a text the client makes."""
    from hostile_server import HostileServer
    from planet_bulk_tasking.core.tasking.errors import TaskingError

    echoed = [b""]
    srv = HostileServer(
        lambda req, conn: conn.respond(400, echoed[0], {"Content-Type": "application/json"})
    )

    def error_texts(client, body: str) -> str:
        echoed[0] = body.encode("utf-8")
        with pytest.raises(TaskingError) as info:
            client.get_order("0b7c6d2e-1111-4222-8333-944455556666")
        error = info.value
        text = " ".join(str(v) for v in (error, error.user_message, error.details))
        assert "marker" in text  # the echo did come through, masked
        return text

    try:
        bearer = TaskingClient(srv.base_url, AuthHeaders({"Authorization": f"Bearer {TOKEN}"}))
        escaped = TOKEN.replace("-", "\\u002d")
        for body in (
            f"marker bad token {TOKEN}",
            f'{{"detail": "marker {escaped}"}}',
            f"marker {TOKEN.upper()}",
        ):
            assert TOKEN.lower() not in error_texts(bearer, body).lower()
        basic_value = "Basic " + base64.b64encode(b"analyst:s3cret-pw").decode()
        basic = TaskingClient(srv.base_url, AuthHeaders({"Authorization": basic_value}))
        for body in (basic_value, "password s3cret-pw refused", "user analyst"):
            masked = error_texts(basic, "marker " + body)
            assert "s3cret-pw" not in masked and "analyst" not in masked
            assert basic_value.split()[1] not in masked
    finally:
        srv.close()


def test_a_header_with_a_line_break_is_never_sent(sandbox):
    from planet_bulk_tasking.core.tasking.errors import InvalidKeyError

    credential = AuthHeaders({"Authorization": "Bearer abc\ndef-ghijkl"})
    with TaskingClient(sandbox.base_url, credential) as client:
        report = client.check_connection()
        assert report.state == "invalid" and "line break" in report.message
        assert "abc" not in report.message
        with pytest.raises(InvalidKeyError):
            client.get_bulk("00000000-0000-4000-8000-000000000000")
    assert sandbox.counters["requests"] == 0
