"""Planet's own bulk tutorial (the notebook in the project's reference notes) against the sandbox.

The notebook's code runs unchanged except for three things: ``input()`` answers come from a list,
``TASKING_API_URL`` points at the sandbox, and ``'https://api.planet.com' + location`` joins use
the sandbox's origin. The notebook is run cell by cell by a person, so we pause between cells.
"""

import json

import pytest

# The five orders typed into the notebook's input() prompts: the docs' [181, 40] example
# (longitude out of range) beside neighbours that are fine.
ANSWERS = [
    ("Order West", 40.0, 179.0),
    ("Order Edge", 40.0, 180.0),
    ("Order Beyond", 40.0, 181.0),
    ("Order Antimeridian", 40.0, -180.0),
    ("Order Rome", 41.9, 12.5),
]


def run_notebook(api_key, tasking_api_url, planet_origin):
    """The notebook's cells in order (comments and code as published)."""
    answers = iter(x for name, lat, lon in ANSWERS for x in (name, str(lat), str(lon)))

    def input(prompt=""):  # noqa: A001 - stands in for the person at the keyboard
        return next(answers)

    # --- cell: imports -----------------------------------------------------------------------
    import json
    from datetime import datetime, timedelta
    from time import sleep

    import pytz
    import requests

    API_KEY = api_key  # noqa: N806 (the notebook's names)

    def p(data):
        print(json.dumps(data, indent=2))

    # Setup Planet Tasking PLANET_API_HOST
    TASKING_API_URL = tasking_api_url  # noqa: N806

    # Setup the session
    session = requests.Session()

    # Authenticate
    session.headers.update(
        {"Authorization": f"api-key {API_KEY}", "Content-Type": "application/json"}
    )

    # --- cell: compose the orders ------------------------------------------------------------
    orders = []

    for _x in range(5):
        # Define the name and coordinates for the order
        name = input("Give the order a name")
        latitude = float(input("Provide the latitude"))
        longitude = float(input("Provide the longitude"))

        # Because the geometry is GeoJSON, the coordinates must be longitude,latitude.
        order = {"name": name, "geometry": {"type": "Point", "coordinates": [longitude, latitude]}}

        # Set a start and end time, giving the order a week to complete
        tomorrow = datetime.now(pytz.utc) + timedelta(days=1)
        one_week_later = tomorrow + timedelta(days=7)

        datetime_parameters = {
            "start_time": tomorrow.isoformat(),
            "end_time": one_week_later.isoformat(),
        }

        # Add the monitoring parameters
        order.update(datetime_parameters)

        orders.append(order)

    bulk_tasking_order = {"order_payloads": orders}

    # View the payload before posting
    p(bulk_tasking_order)

    # --- cell: post --------------------------------------------------------------------------
    res = session.request("POST", TASKING_API_URL + "/bulk/", json=bulk_tasking_order)

    if res.status_code == 403:
        print("Your PLANET_API_KEY is valid, but you are not authorized.")
    elif res.status_code == 401:
        print("Your PLANET_API_KEY is incorrect")
    elif res.status_code == 201:
        print("Your order was created successfully")
    else:
        print(f"Received status code {res.status_code} from the API. Please contact support.")

    # View the location header in the response
    print(res.headers["location"])
    sleep(0.2)  # the reader moves on to the next cell

    # --- cell: bulk summary ------------------------------------------------------------------
    location = res.headers["location"]

    # The url is the entire path minus the domain
    res = session.request("GET", planet_origin + location)

    if res.status_code == 403:
        print("Your PLANET_API_KEY is valid, but you are not authorized.")
    elif res.status_code == 401:
        print("Your PLANET_API_KEY is incorrect")
    elif res.status_code == 201:
        print("Your order was created successfully")
    else:
        print(f"Received status code {res.status_code} from the API. Please contact support.")

    p(res.json())

    # --- cell: payloads ----------------------------------------------------------------------
    res = session.request("GET", planet_origin + location + "/payloads")

    if res.status_code == 403:
        print("Your PLANET_API_KEY is valid, but you are not authorized.")
    elif res.status_code == 401:
        print("Your PLANET_API_KEY is incorrect")
    elif res.status_code == 201:
        print("Your order was created successfully")
    else:
        print(f"Received status code {res.status_code} from the API. Please contact support.")

    p(res.json())
    session.close()


def _json_blocks(text):
    """The JSON documents p() printed, in order."""
    decoder, blocks, i = json.JSONDecoder(), [], 0
    while True:
        i = text.find("{\n", i)
        if i < 0:
            return blocks
        obj, end = decoder.raw_decode(text, i)
        blocks.append(obj)
        i = end


def test_tutorial_flow_runs_unchanged(make_sandbox, capsys):
    srv = make_sandbox()
    origin = srv.base_url.rsplit("/tasking/v2", 1)[0]
    run_notebook("sandbox-key", srv.base_url, origin)
    out = capsys.readouterr().out

    # 202 is what the docs promise; the notebook only knows 201, so it says so.
    assert out.count("Received status code 202 from the API") == 1
    assert out.count("Received status code 200 from the API") == 2
    location = next(line for line in out.splitlines() if line.startswith("/tasking/v2/bulk/"))

    creation, summary, payloads = _json_blocks(out)
    assert [o["name"] for o in creation["order_payloads"]] == [a[0] for a in ANSWERS]

    assert summary["id"] == location.rsplit("/", 1)[1]
    assert summary["status"] == "COMPLETE"
    assert summary["payload_count"] == 5
    assert summary["processing_payload_count"] == 0
    assert summary["successful_payload_count"] == 4
    assert summary["failed_payload_count"] == 1

    assert payloads["count"] == 5 and payloads["next"] is None
    by_name = {r["payload"]["name"]: r for r in payloads["results"]}
    beyond = by_name.pop("Order Beyond")
    assert beyond["status"] == "FAILED" and beyond["order_id"] is None
    assert "geometry.coordinates: longitude 181 is outside [-180, 180]" in beyond["error"]
    assert all(r["status"] == "SUCCESS" and r["order_id"] for r in by_name.values())
    # the payload is echoed exactly as the notebook sent it
    assert creation["order_payloads"] == sorted(
        (r["payload"] for r in payloads["results"]),
        key=lambda pl: [a[0] for a in ANSWERS].index(pl["name"]),
    )


@pytest.mark.parametrize(
    "key, message",
    [
        ("no-tasking-key", "Your PLANET_API_KEY is valid, but you are not authorized."),
        ("wrong-key", "Your PLANET_API_KEY is incorrect"),
    ],
)
def test_tutorial_messages_for_bad_keys(make_sandbox, capsys, key, message):
    """The notebook's 403/401 branches print their message; like against Planet, the next line
    (reading the absent Location header) then stops the notebook."""
    srv = make_sandbox()
    origin = srv.base_url.rsplit("/tasking/v2", 1)[0]
    with pytest.raises(KeyError):
        run_notebook(key, srv.base_url, origin)
    assert message in capsys.readouterr().out
    assert srv.counters["bulks_created"] == 0
