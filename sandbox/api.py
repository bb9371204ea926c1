"""Request handling of the sandbox, independent of the HTTP plumbing (see server.py).

Order of checks for /tasking/v2 requests: injected latency, injected 5xx, injected 429 burst,
413 body too large, 401/403 authentication, per-key rate limit (429), then lazy processing of
the key's due payloads and the endpoint itself. /_sandbox (admin) skips all of that.
"""

import base64
import binascii
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple
from urllib.parse import urlencode

from . import shapes
from .actions import cancel_order, edit_order
from .counters import Counters
from .faults import Faults
from .orders import derive_uuid, new_order_row, order_to_body
from .processing import Processor
from .ratelimit import RateLimiter, retry_after_header
from .store import BULK_COLUMNS, ORDER_COLUMNS, Store
from .timeutil import fmt_iso, parse_iso
from .validation import validate_order

P = shapes.API_PREFIX


@dataclass
class Request:
    method: str
    path: str  # without the query string, e.g. /tasking/v2/bulk/
    query: List[Tuple[str, str]]  # in order, repeated names kept
    headers: Dict[str, str]  # lower-case names
    body: bytes = b""
    body_too_large: bool = False
    client_ip: str = "127.0.0.1"
    origin: str = "http://127.0.0.1"  # scheme://host[:port] the client used

    def param(self, name: str) -> Optional[str]:
        values = [v for k, v in self.query if k == name]
        return values[-1] if values else None


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able, or None for no body
    headers: Dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


class HttpError(Exception):
    def __init__(self, status: int, detail: Any, headers: Optional[Dict[str, str]] = None):
        super().__init__(detail)
        self.response = Response(
            status,
            detail if isinstance(detail, dict) else shapes.error_detail(detail),
            headers or {},
        )


def parse_keys(keys: Any) -> Dict[str, bool]:
    """None -> the default keys; a list -> all may task; a dict key -> may task."""
    if keys is None:
        return {"sandbox-key": True, "no-tasking-key": False}
    if isinstance(keys, dict):
        return {str(k): bool(v) for k, v in keys.items()}
    if isinstance(keys, str):
        return {keys: True}
    return {str(k): True for k in keys}


def parse_tokens(tokens: Any, keys: Dict[str, bool]) -> Dict[str, str]:
    """Bearer tokens the sandbox accepts -> the key whose account each acts for.
    None -> no tokens; a dict token -> key; a list (or one token) -> the first key that may task."""
    if not tokens:
        return {}
    if isinstance(tokens, dict):
        return {str(t): str(k) for t, k in tokens.items()}
    default = next((k for k, may_task in keys.items() if may_task), "")
    return {str(t): default for t in ([tokens] if isinstance(tokens, str) else tokens)}


def _json_body(req: Request) -> Any:
    def refuse_constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(req.body.decode("utf-8"), parse_constant=refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpError(400, f"JSON parse error - {exc}") from None


def _int_param(req: Request, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = req.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(400, f"{name}: {raw!r} is not an integer") from None
    if value < minimum:
        raise HttpError(400, f"{name}: must be at least {minimum}")
    return min(value, maximum)


def _ordering(req: Request, allowed: Dict[str, str], default: str) -> List[Tuple[str, bool]]:
    """'-created_time,name' -> [("created_time", True), ("name", False)]."""
    out = []
    for part in filter(None, (req.param("ordering") or default).split(",")):
        name = part.strip().lstrip("-")
        if name not in allowed:
            raise HttpError(
                400, f"ordering: unknown field {name!r} (allowed: {', '.join(sorted(allowed))})"
            )
        out.append((name, part.strip().startswith("-")))
    return out


class Api:
    def __init__(
        self,
        *,
        keys: Dict[str, bool],
        store: Store,
        counters: Counters,
        faults: Faults,
        limiter: RateLimiter,
        processor: Processor,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.time,
        list_succeeded_payloads: bool = True,
        dialects: FrozenSet[str] = frozenset(),
        tokens: Optional[Dict[str, str]] = None,
    ):
        self.keys, self.store, self.counters = keys, store, counters
        self.tokens = dict(tokens or {})  # Bearer token -> the key whose account it acts for
        self.dialects = dialects  # see dialects.py
        if "hide-succeeded" in dialects:
            list_succeeded_payloads = False
        # False: /payloads lists only processing and failed payloads, the docs' literal words
        self.list_succeeded_payloads = list_succeeded_payloads
        self.faults, self.limiter, self.processor = faults, limiter, processor
        self._sleep, self._clock = sleep, clock

    # --- entry point ---------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        try:
            if req.path == shapes.ADMIN_PREFIX or req.path.startswith(shapes.ADMIN_PREFIX + "/"):
                return self._admin(req)
            if not (req.path.rstrip("/") == P or req.path.startswith(P + "/")):
                raise HttpError(404, "Not found.")
        except HttpError as exc:
            return exc.response
        self.counters.add("requests")
        try:
            response = self._api(req)
        except HttpError as exc:
            response = exc.response
        if not response.drop:
            self.counters.response(response.status)
        if "error-envelope" in self.dialects and response.status >= 400 and response.body:
            response.body = shapes.error_envelope(response.status, response.body)
        return response

    def _api(self, req: Request) -> Response:
        latency = self.faults.latency()
        if latency > 0:
            self.counters.fault("latency")
            self._sleep(latency)
        status = self.faults.server_error()
        if status is not None:
            self.counters.fault("5xx")
            raise HttpError(status, "Injected server error (sandbox fault).")
        if self.faults.rate_limit_burst():
            self.counters.fault("rate_limit_burst")
            raise HttpError(429, "Request was throttled (sandbox burst).", {"Retry-After": "1"})
        if req.body_too_large and "oversize-400" in self.dialects:
            raise HttpError(
                400, f"Request body too large: at most {shapes.MAX_BODY_BYTES} bytes are accepted."
            )
        if req.body_too_large:
            raise HttpError(413, f"Request body is larger than {shapes.MAX_BODY_BYTES} bytes.")
        key = self._authenticate(req)
        wait = self.limiter.take(key)
        if wait > 0:
            self.counters.add("rate_limited")
            retry = retry_after_header(wait)
            raise HttpError(
                429,
                f"Request was throttled. Expected available in {retry} second(s).",
                {"Retry-After": retry},
            )
        now = self._clock()
        self.processor.advance(now, key)
        return self._route(req, key, now)

    def _authenticate(self, req: Request) -> str:
        header = req.headers.get("authorization", "").strip()
        scheme, _, credentials = header.partition(" ")
        key = None
        if scheme.lower() == "api-key":
            key = credentials.strip()
        elif scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise HttpError(401, "Invalid basic authentication header.") from None
            key = decoded.partition(":")[0]
        elif scheme.lower() == "bearer":  # an OAuth2 token it was given (SandboxServer tokens=)
            key = self.tokens.get(credentials.strip())
            if key is None:
                raise HttpError(401, "Invalid token.", {"WWW-Authenticate": "Bearer"})
        if not key:
            raise HttpError(
                401, "Authentication credentials were not provided.", {"WWW-Authenticate": "Basic"}
            )
        if key not in self.keys:
            raise HttpError(401, "Invalid API key.", {"WWW-Authenticate": "Basic"})
        if not self.keys[key]:
            raise HttpError(403, "You do not have permission to perform this action.")
        return key

    # --- routing -------------------------------------------------------------------------------

    def _route(self, req: Request, key: str, now: float) -> Response:
        parts = [p for p in req.path[len(P) :].split("/") if p]
        routes: Dict[Tuple[str, ...], Dict[str, Callable[..., Response]]] = {
            (): {"GET": self._root},
            ("bulk",): {"GET": self._list_bulks, "POST": self._create_bulk},
            ("bulk", "*"): {"GET": self._get_bulk},
            ("bulk", "*", "payloads"): {"GET": self._list_payloads},
            ("orders",): {"GET": self._list_orders, "POST": self._create_order},
            ("orders", "*"): {
                "GET": self._get_order,
                "PUT": self._put_order,
                "PATCH": self._put_order,
                "DELETE": self._delete_order,
            },
        }
        shape = tuple("*" if i == 1 else p for i, p in enumerate(parts))
        methods = routes.get(shape)
        if methods is None:
            raise HttpError(404, "Not found.")
        handler = methods.get(req.method)
        if handler is None:
            raise HttpError(
                405, f'Method "{req.method}" not allowed.', {"Allow": ", ".join(sorted(methods))}
            )
        self.counters.route(req.method + " /" + "/".join(shape))  # e.g. "GET /bulk/*"
        return handler(req, key, now, *parts[1:2])

    def _root(self, req, key, now):
        return Response(200, shapes.api_root(req.origin + P))

    # --- bulks ---------------------------------------------------------------------------------

    def _create_bulk(self, req: Request, key: str, now: float) -> Response:
        body = _json_body(req)
        if not isinstance(body, dict):
            raise HttpError(400, "Request body must be a JSON object.")
        kinds = [k for k in shapes.BULK_KINDS if k in body]
        action = kinds and shapes.BULK_KINDS[kinds[0]] != "create"
        if action and "bulk-actions-refused" in self.dialects:
            raise HttpError(400, shapes.order_payloads_required())
        unknown = sorted(set(body) - set(shapes.BULK_KINDS) - {shapes.BULK_ID_KEY})
        if unknown:
            raise HttpError(400, f"{unknown[0]}: unknown field")
        if len(kinds) != 1:
            raise HttpError(400, f"Give exactly one of {', '.join(shapes.BULK_KINDS)}.")
        payloads = body[kinds[0]]
        if not isinstance(payloads, list):
            raise HttpError(400, f"{kinds[0]}: must be a list")
        if not payloads:
            raise HttpError(400, f"{kinds[0]}: must hold at least one payload")
        if len(payloads) > shapes.MAX_PAYLOADS_PER_BULK:
            raise HttpError(
                400,
                f"{kinds[0]}: at most {shapes.MAX_PAYLOADS_PER_BULK} payloads per request "
                f"(got {len(payloads)})",
            )
        bulk_id = self._client_bulk_id(body.get(shapes.BULK_ID_KEY, None))
        with self.store.lock:
            if bulk_id is None:
                bulk_id = self.processor.new_bulk_id()
            elif self.store.bulk_exists(bulk_id) and "dup-400" in self.dialects:
                raise HttpError(400, shapes.duplicate_id_400(bulk_id))
            elif self.store.bulk_exists(bulk_id):
                raise HttpError(409, f"id: a bulk with id {bulk_id} already exists.")
            if action and "bulk-actions-noop" in self.dialects:
                payloads = []  # accepted, but the unknown key is silently dropped
            self.processor.accept(key, bulk_id, shapes.BULK_KINDS[kinds[0]], payloads, now)
        location = f"{P}/bulk/{bulk_id}"
        drop = self.faults.drop_after_commit()
        if drop:
            self.counters.fault("dropped")
        if "create-201" in self.dialects:
            row = self.store.get_bulk(bulk_id, key, now)
            headers = {"Location": req.origin + location}
            return Response(201, self._bulk_body(row, now), headers, drop=drop)
        return Response(202, None, {"Location": location}, drop=drop)

    def _client_bulk_id(self, raw: Any) -> Optional[str]:
        if raw is None:
            return None
        try:
            return str(uuid.UUID(raw)) if isinstance(raw, str) else str(uuid.UUID(str(raw)))
        except ValueError:
            raise HttpError(400, f"id: {raw!r} is not a valid UUID.") from None

    def _bulk_body(self, row: Dict[str, Any], now: float) -> Dict[str, Any]:
        started = now >= row["start_at"]
        return shapes.bulk_summary(
            bulk_id=row["id"],
            status=row["status"],
            payload_count=row["payload_count"],
            processing=row["payload_count"] - row["processed"],
            successful=row["succeeded"],
            failed=row["failed"],
            created_time=fmt_iso(row["created_at"]),
            start_time=fmt_iso(row["start_at"]) if started else None,
            end_time=fmt_iso(row["end_at"]) if row["status"] == shapes.BULK_COMPLETE else None,
        )

    def _get_bulk(self, req: Request, key: str, now: float, bulk_id: str) -> Response:
        row = self.store.get_bulk(bulk_id, key, now)
        if row is None:
            raise HttpError(404, "Not found.")
        return Response(200, self._bulk_body(row, now))

    def _list_bulks(self, req: Request, key: str, now: float) -> Response:
        comparisons = []
        for name, value in req.query:
            field, _, op = name.partition("__")
            if field not in BULK_COLUMNS or field == "created_time":
                continue  # unknown filters are ignored, like Django REST framework does
            op = op or "exact"
            if field == "status":
                if op != "exact" or value not in shapes.BULK_STATUSES:
                    raise HttpError(400, f"status: {value!r} is not one of {shapes.BULK_STATUSES}")
                comparisons.append((field, op, value))
                continue
            if op not in ("exact", "gt", "gte", "lt", "lte") or not value.lstrip("-").isdigit():
                raise HttpError(400, f"{name}: {value!r} is not an integer comparison")
            comparisons.append((field, op, int(value)))
        limit, offset = self._paging(req)
        ordering = _ordering(req, {"created_time": "seq"}, "-created_time")
        count, rows = self.store.list_bulks(
            key, now, comparisons=comparisons, ordering=ordering, limit=limit, offset=offset
        )
        return self._page(req, count, limit, offset, [self._bulk_body(r, now) for r in rows])

    def _list_payloads(self, req: Request, key: str, now: float, bulk_id: str) -> Response:
        if self.store.get_bulk(bulk_id, key, now) is None:
            raise HttpError(404, "Not found.")
        status = req.param("status")
        if status and status not in shapes.PAYLOAD_STATUSES:
            raise HttpError(400, f"status: {status!r} is not one of {shapes.PAYLOAD_STATUSES}")
        limit, offset = self._paging(req)
        hidden = None if self.list_succeeded_payloads else shapes.PAYLOAD_SUCCESS
        if status and status == hidden:
            return self._page(req, 0, limit, offset, [])
        count, rows = self.store.list_payloads(
            bulk_id, status=status, exclude=hidden, limit=limit, offset=offset
        )
        results = [
            shapes.payload_result_variant(
                self.dialects,
                result_id=r["id"],
                status=r["status"],
                order_id=r["order_id"],
                error=r["error"],
                payload=json.loads(r["payload"]),
            )
            for r in rows
        ]
        return self._page(req, count, limit, offset, results)

    # --- orders --------------------------------------------------------------------------------

    def _list_orders(self, req: Request, key: str, now: float) -> Response:
        statuses: List[str] = []
        for name in ("status", "status__in"):
            statuses += [s.strip() for s in (req.param(name) or "").split(",") if s.strip()]
        ids = None if "id-in-ignored" in self.dialects else req.param("id__in")
        created = {}
        for op in ("gte", "lte"):
            raw = req.param(f"created_time__{op}")
            if raw:
                try:
                    created[op] = parse_iso(raw)
                except ValueError:
                    message = {f"created_time__{op}": ["Enter a valid date/time."]}
                    raise HttpError(400, message) from None
        limit, offset = self._paging(req)
        count, rows = self.store.list_orders(
            key,
            now,
            statuses=statuses,
            name_contains=req.param("name__icontains"),
            ids=[i.strip() for i in ids.split(",") if i.strip()] if ids is not None else None,
            scheduling_type=req.param("scheduling_type"),
            created_gte=created.get("gte"),
            created_lte=created.get("lte"),
            ordering=_ordering(req, ORDER_COLUMNS, "-created_time"),
            limit=limit,
            offset=offset,
        )
        return self._page(req, count, limit, offset, [order_to_body(r) for r in rows])

    def _order_or_404(self, key: str, order_id: str, now: float) -> Dict[str, Any]:
        row = self.store.get_order(order_id, key, now)
        if row is None:
            raise HttpError(404, "Not found.")
        return row

    def _get_order(self, req: Request, key: str, now: float, order_id: str) -> Response:
        return Response(200, order_to_body(self._order_or_404(key, order_id, now)))

    def _create_order(self, req: Request, key: str, now: float) -> Response:
        """POST /orders/: one order, synchronously (the element type of order_payloads)."""
        errors, order = validate_order(_json_body(req), now, "enforce-window" in self.dialects)
        if errors:
            raise HttpError(400, shapes.field_errors(e.split(": ", 1) for e in errors))
        with self.store.lock:
            # seed + how many orders exist: deterministic, and unique as orders are never deleted
            seq = self.store.count_orders()
            order_id = derive_uuid(self.processor.seed, "order", "single", seq)
            row = new_order_row(
                order_id=order_id, key=key, bulk_id=None, order=order, created_at=now,
                seed=self.processor.seed, clock=self.processor.order_clock,
            )  # fmt: skip
            self.store.insert_orders([row])
        self.counters.add("orders_created")
        return Response(201, order_to_body(self._order_or_404(key, order_id, now)))

    def _put_order(self, req: Request, key: str, now: float, order_id: str) -> Response:
        fields = _json_body(req)
        if not isinstance(fields, dict):
            raise HttpError(400, "Request body must be a JSON object.")
        fields = {k: v for k, v in fields.items() if k != "id" or v == order_id}
        problems, before = edit_order(self.store, key, order_id, fields, now)
        if before is None:
            raise HttpError(404, "Not found.")
        if problems:
            raise HttpError(400, shapes.field_errors(problems))
        self.counters.add("orders_edited")
        return Response(200, order_to_body(self._order_or_404(key, order_id, now)))

    def _delete_order(self, req: Request, key: str, now: float, order_id: str) -> Response:
        self._order_or_404(key, order_id, now)
        problems = cancel_order(self.store, key, order_id, now)
        if problems:
            raise HttpError(400, problems[0][1])
        self.counters.add("orders_cancelled")
        if "delete-200" in self.dialects:
            return Response(200, order_to_body(self._order_or_404(key, order_id, now)))
        return Response(204)

    # --- paging --------------------------------------------------------------------------------

    def _paging(self, req: Request) -> Tuple[int, int]:
        limit = _int_param(req, "limit", shapes.DEFAULT_PAGE_LIMIT, 1, shapes.MAX_PAGE_LIMIT)
        offset = _int_param(req, "offset", 0, 0, 1 << 62)
        return limit, offset

    def _page(self, req, count, limit, offset, results) -> Response:
        def link(new_offset: int) -> str:
            query = [(k, v) for k, v in req.query if k not in ("limit", "offset")]
            query += [("limit", str(limit)), ("offset", str(new_offset))]
            return f"{req.origin}{req.path}?{urlencode(query)}"

        next_url = link(offset + limit) if offset + limit < count else None
        previous_url = link(max(0, offset - limit)) if offset > 0 else None
        return Response(200, shapes.page(count, next_url, previous_url, results))

    # --- admin ---------------------------------------------------------------------------------

    def _admin(self, req: Request) -> Response:
        if not (req.client_ip.startswith("127.") or req.client_ip in ("::1", "::ffff:127.0.0.1")):
            raise HttpError(403, "The sandbox admin endpoint answers loopback clients only.")
        name = req.path[len(shapes.ADMIN_PREFIX) :].strip("/")
        if name == "counters" and req.method == "GET":
            self.processor.advance(self._clock())
            return Response(200, self.counters.snapshot())
        if name == "faults" and req.method == "GET":
            return Response(200, self.faults.settings())
        if name == "faults" and req.method in ("POST", "PUT"):
            body = _json_body(req) if req.body.strip() else {}
            if not isinstance(body, dict):
                raise HttpError(400, "Request body must be a JSON object of fault settings.")
            try:
                return Response(200, self.faults.configure(**body))
            except ValueError as exc:
                raise HttpError(400, str(exc)) from None
        if name == "reset" and req.method == "POST":
            self.reset()
            return Response(200, {"detail": "Sandbox state, counters, faults and buckets reset."})
        raise HttpError(
            404, "Not found. Admin endpoints: GET counters, GET/POST faults, POST reset."
        )

    def reset(self) -> None:
        self.store.reset()
        self.counters.reset()
        self.faults.configure()
        self.limiter.reset()
