"""The Planet Tasking API (v2) client: one method per endpoint. No QGIS, no Qt.

``TaskingClient`` adds the endpoints to ``HttpCore`` (``http_core.py``: how a request
is sent, retried, cut, and kept free of the key). Here: what each endpoint means.

- ``POST /bulk/`` carries a client-chosen UUID, so retrying it is safe: a 4xx for
  our own id (409, or Django's 400 "already exists") is confirmed with
  ``GET /bulk/<id>``; a lost answer is asked about before giving up;
- ``iter_orders(ids=...)`` sends ``id__in`` in URL-sized batches and yields only the
  orders asked for; a server that ignores the filter is remembered (``facts.py``) and
  read one ``GET /orders/<id>`` each;
- every failure of a public method is a ``TaskingError`` with the key masked;
  ``abort()`` (any thread) makes the method in progress raise ``CancelledError``.

Shapes of bodies and answers, and every limit: ``api.py``.
"""

import functools
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union
from urllib.parse import quote, urlsplit

import requests

from . import api, failures
from .api import BulkSummary, Page, PayloadResult
from .errors import (
    BadSummaryError,
    CancelledError,
    ConflictError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    PayloadTooLargeError,
    TaskingError,
    UnexpectedResponseError,
)
from .facts import ENDPOINT_FACTS
from .http_core import HttpCore
from .http_safety import describe_url, resolve_link

logger = logging.getLogger(__name__)

#: 4xx answers to a POST /bulk/ that may mean "this id already exists"
_NOT_A_DUPLICATE = (401, 403, 429)
_SIZE_WORDS = ("too large", "too big", "size", "bytes", "megabyte", "1 mb")


def _checked(build, *args):
    """A body builder's refusal (not a UUID, over 1000 payloads...) as a TaskingError
    that is still a ValueError."""
    try:
        return build(*args)
    except (ValueError, TypeError) as exc:
        raise InvalidRequestError(f"The plugin refused to send this request: {exc}") from None



def _typed(method):
    """Every failure of a public method is a TaskingError, with the key masked."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TaskingError as exc:
            raise self._redact_error(exc) from None
        except Exception as exc:  # noqa: BLE001 - OverflowError, RecursionError, ValueError...
            raise self._redact_error(failures.unexpected(exc, self._redact)) from None

    return wrapper


def _typed_iter(method):
    """``_typed`` for generators: failures while iterating are typed too."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        items = method(self, *args, **kwargs)
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except TaskingError as exc:
                raise self._redact_error(exc) from None
            except Exception as exc:  # noqa: BLE001
                raise self._redact_error(failures.unexpected(exc, self._redact)) from None
            yield item

    return wrapper


@dataclass
class ConnectionReport:
    """What ``check_connection`` found, in the user's words."""

    state: str  # valid | invalid | forbidden | unreachable
    message: str
    status: Optional[int] = None
    details: Optional[str] = None

    VALID = "valid"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    UNREACHABLE = "unreachable"

    @property
    def ok(self) -> bool:
        return self.state == self.VALID


class TaskingClient(HttpCore):
    """Planet Tasking API v2 client. See the module docstrings (here and ``http_core.py``).

    ``abort()`` (any thread) or a set ``stop_event`` cancels: every wait between retries
    ends, and a request in flight is cut, so the call raises ``CancelledError`` within a
    fraction of a second whatever the server does.
    """

    # -- bulk ----------------------------------------------------------------------------
    def _bulk_exists(self, bulk_id: str) -> Optional[bool]:
        """True/False when the server says; None when it cannot be asked right now."""
        try:
            resp = self._send("GET", self._url(api.bulk_path(bulk_id)), max_retries=2)
        except CancelledError:
            raise
        except TaskingError:
            return None
        if resp.status_code == 200:
            return True
        if resp.status_code == 404:
            return False
        return None

    def _post_bulk(self, body: dict, bulk_id: str, what: str) -> str:
        url = self._url(api.BULK_COLLECTION)
        data = api.encode_body(body)
        logger.info("POST bulk %s (%s, %d bytes)", bulk_id, what, len(data))
        try:
            resp = self._send("POST", url, body=data, retry_safe=True, retry_500=False)
        except NetworkError:
            # An earlier try may have reached the server: ask before giving up.
            if self._bulk_exists(bulk_id):
                logger.warning("bulk %s: answer lost, but the server has it", bulk_id)
                return bulk_id
            raise
        status = resp.status_code
        if status in (200, 201, 202):
            self._log_body_shape(resp, "bulk creation answer")
            return self._accepted_id(resp, bulk_id)
        if 400 <= status < 500 and status not in _NOT_A_DUPLICATE:
            return self._post_refused(resp, bulk_id, what)
        if status >= 500 and self._bulk_exists(bulk_id):
            logger.warning("bulk %s: %d, but the server has it", bulk_id, status)
            return bulk_id
        raise self._error_for_response(resp, what)

    def _post_refused(self, resp: requests.Response, bulk_id: str, what: str) -> str:
        """A 4xx to our POST. Our own UUID may already exist (an earlier try got through):
        409 is our guess, Django REST answers 400 "already exists". GET /bulk/<id> decides;
        a 409 nothing confirms is re-posted later with the same UUID (it cannot create the
        bulk twice), never taken as accepted on faith."""
        status = resp.status_code
        error = self._error_for_response(resp, what)
        found = self._bulk_exists(bulk_id)
        if found:
            logger.info("bulk %s: %d for our own id, and the server has it -> accepted",
                        bulk_id, status)  # fmt: skip
            return bulk_id
        if status == 409 or found is None:
            logger.warning("bulk %s: %d that GET /bulk/<id> cannot confirm (%s); it will be "
                           "posted again with the same id", bulk_id, status,
                           "not found" if found is False else "no answer")  # fmt: skip
            error = ConflictError(
                f"The server refused bulk {bulk_id} ({status}) but cannot show it: it will be "
                "sent again later with the same id, which cannot create its orders twice.",
                status=status, details=error.details, url=error.url, method="POST",
            )  # fmt: skip
            error.transient = True
            raise error
        text = (error.details or "").lower()
        if status == 400 and any(w in text for w in _SIZE_WORDS):
            raise PayloadTooLargeError(status=status, details=error.details, url=error.url)
        raise error

    def _log_body_shape(self, resp: requests.Response, kind: str) -> None:
        if resp.content:
            try:
                api.log_shape_once(self.base_url, kind, self._json(resp))
            except TaskingError:
                pass  # a 2xx whose body is not JSON: nothing to show

    # -- what this endpoint supports (learnt, remembered per endpoint) ----------------
    def fact(self, name: str) -> Any:
        return ENDPOINT_FACTS.get(self.base_url, name)

    def learn(self, name: str, value: Any, why: str = "") -> None:
        if ENDPOINT_FACTS.learn(self.base_url, name, value):
            logger.info("%s: %s %s%s", describe_url(self.base_url), name,
                        "works" if value is True else "does not work" if value is False
                        else f"= {value}", f" ({why})" if why else "")  # fmt: skip

    def _accepted_id(self, resp: requests.Response, bulk_id: str) -> str:
        location = resp.headers.get("Location")
        if not location:
            return bulk_id
        # Refuse a Location to another origin (it is not followed, but it is a sign
        # of something wrong between us and the server).
        resolved = resolve_link(self.base_url, location, resp.url or self.base_url, "Location")
        server_id = api.bulk_id_from_location(urlsplit(resolved).path)
        try:
            server_id = str(uuid.UUID(server_id or ""))
        except ValueError:
            return bulk_id
        if server_id != bulk_id:
            logger.warning("server named the bulk %s, not %s", server_id, bulk_id)
        return server_id

    @_typed
    def create_bulk(self, order_payloads: Sequence[dict], bulk_id: str) -> str:
        """``POST /bulk/`` with our UUID. Returns the bulk id (202/201, or 409 for our own id)."""
        body = _checked(api.build_create_body, list(order_payloads), bulk_id)
        return self._post_bulk(body, body["id"], f"bulk {body['id']}")

    @_typed
    def edit_orders(self, edits: List[dict], bulk_id: str) -> str:
        """Bulk edit: ``edits`` like ``[{"id": order_id, "name": ..., "start_time": ...}]``."""
        body = _checked(api.build_edit_body, edits, bulk_id)
        return self._post_bulk(body, body["id"], f"edit bulk {body['id']}")

    @_typed
    def cancel_orders(self, order_ids: Sequence[str], bulk_id: str) -> str:
        body = _checked(api.build_cancel_body, list(order_ids), bulk_id)
        return self._post_bulk(body, body["id"], f"cancel bulk {body['id']}")

    @_typed
    def get_bulk(self, bulk_id: str) -> BulkSummary:
        """The bulk's summary; BadSummaryError (transient: the worker asks again a few
        times) when the answer is not an object with a status or counts."""
        data = self._get_json(self._url(api.bulk_path(bulk_id)), what=f"bulk {bulk_id}")
        api.log_shape_once(self.base_url, "bulk summary", data)
        summary = BulkSummary.from_json(data, bulk_id)
        if not summary.is_usable:
            raise BadSummaryError(
                f"The server's answer about bulk {bulk_id} had no status and no counts.",
                details=api.truncate(self._redact(json.dumps(data, default=str)[:300]), 200),
                url=describe_url(self._url(api.bulk_path(bulk_id))),
            )
        return summary

    @_typed_iter
    def iter_bulk_payloads(
        self, bulk_id: str, page_size: int = api.DEFAULT_PAGE_SIZE
    ) -> Iterator[PayloadResult]:
        """Every payload result of a bulk, all pages. Never in submission order."""
        path = api.bulk_payloads_path(bulk_id)
        # twice what a bulk may hold: a listing longer than that is not believed
        for item in self._iter_pages(path, {}, page_size, 2 * api.MAX_PAYLOADS_PER_BULK):
            api.log_shape_once(self.base_url, "/payloads item", item)
            result = PayloadResult.from_json(item)
            if result.reason:  # kept in the job, the journal, the CSV: masked after decoding
                result.reason = self._redact(result.reason)
            yield result

    @_typed_iter
    def iter_bulks(
        self, *, page_size: int = api.BULK_LIST_PAGE_SIZE, **filters
    ) -> Iterator[BulkSummary]:
        """``GET /bulk/`` with filters such as ``failed_payload_count__gt=0``."""
        for item in self._iter_pages(api.BULK_COLLECTION, filters, page_size):
            yield BulkSummary.from_json(item)

    @_typed
    def list_bulk_summaries(self, bulk_ids: Sequence[str]) -> Dict[str, BulkSummary]:
        """The summaries of these bulks read from the ``GET /bulk/`` listing, newest first
        (one request where it holds them all), instead of one ``GET /bulk/<id>`` each.

        Only what the listing holds comes back: the caller asks for the others one by one.
        A listing that ignores the ordering or the page size is walked a few pages at
        most; one that is refused (4xx) or never lists our bulks is remembered per endpoint
        (``BULK_LISTING`` False) and not asked again."""
        wanted = {str(i) for i in bulk_ids if i}
        if not wanted or self.fact(api.BULK_LISTING) is False:
            return {}
        # newest first: a job's bulks are the account's latest; a page a little larger
        # than what is watched leaves room for other jobs' bulks posted meanwhile
        page_size = min(api.DEFAULT_PAGE_SIZE, max(api.BULK_LIST_PAGE_SIZE, 2 * len(wanted)))
        params = {api.PARAM_ORDERING: "-created_time"}
        found: Dict[str, BulkSummary] = {}
        listed = 0
        try:
            for item in self._iter_pages(api.BULK_COLLECTION, params, page_size):
                listed += 1
                summary = BulkSummary.from_json(item)
                if summary.id in wanted and summary.is_usable:
                    found[summary.id] = summary
                    if len(found) == len(wanted):
                        break
                if listed >= api.BULK_LIST_PAGES * page_size:
                    break
        except CancelledError:
            raise
        except TaskingError as exc:
            if exc.transient:
                return found  # asked one by one this time; the listing may work next time
            self.learn(api.BULK_LISTING, False, f"GET /bulk/ refused ({exc.status})")
            return {}
        if found:
            self.learn(api.BULK_LISTING, True, "it listed the bulks asked for")
        elif self.fact(api.BULK_LISTING) is None and listed < api.BULK_LIST_PAGES * page_size:
            # walked to its end without one of ours: it lists something else
            self.learn(api.BULK_LISTING, False, "it did not list the bulks asked for")
        return found

    # -- orders --------------------------------------------------------------------------
    def _id_batches(self, ids: Sequence[str]) -> Iterator[List[str]]:
        """Chunks of ids whose encoded ``id__in`` value stays under max_id_query_chars."""
        batch: List[str] = []
        size = 0
        for i in ids:
            cost = len(quote(str(i), safe="")) + 3  # + encoded comma
            if batch and size + cost > self.max_id_query_chars:
                yield batch
                batch, size = [], 0
            batch.append(str(i))
            size += cost
        if batch:
            yield batch

    @_typed_iter
    def iter_orders(
        self,
        *,
        ids: Optional[Sequence[str]] = None,
        status: Union[None, str, Sequence[str]] = None,
        name_contains: Optional[str] = None,
        ordering: Optional[str] = None,
        created_since: Optional[str] = None,
        page_size: int = api.DEFAULT_PAGE_SIZE,
        **filters,
    ) -> Iterator[dict]:
        """Orders, all pages. ``ids`` are sent as ``id__in`` in URL-sized batches; only the
        orders asked for come out. A server that ignores ``id__in`` (it answers orders not
        asked for) is remembered, and the ids are then read one ``GET /orders/<id>`` each.
        ``created_since``: ``created_time__gte`` (a server may ignore it: callers check)."""
        params: Dict[str, Any] = dict(filters)
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            if len(statuses) == 1:
                params[api.PARAM_STATUS] = statuses[0]
            else:
                params[api.PARAM_STATUS_IN] = ",".join(statuses)
        if name_contains:
            params[api.PARAM_NAME_CONTAINS] = name_contains
        if ordering:
            params[api.PARAM_ORDERING] = ordering
        if created_since:
            params[api.PARAM_CREATED_GTE] = created_since
        if ids is None:
            for order in self._iter_pages(api.ORDERS_COLLECTION, params, page_size):
                api.log_shape_once(self.base_url, "order", order)
                yield order
            return
        unique = list(dict.fromkeys(str(i) for i in ids if i))
        if unique and self.fact(api.PARAM_IDS) is False:
            yield from self._orders_one_by_one(unique)
            return
        batches = list(self._id_batches(unique))
        for n, batch in enumerate(batches):
            query = dict(params, **{api.PARAM_IDS: ",".join(batch)})
            wanted, given = set(batch), set()
            ignored = False
            size = max(page_size, min(len(batch), api.DEFAULT_PAGE_SIZE))
            for order in self._iter_pages(api.ORDERS_COLLECTION, query, size, len(batch)):
                oid = api.order_id_of(order)
                if oid not in wanted:  # not asked for: the filter was ignored
                    ignored = True
                    break
                if oid not in given:
                    given.add(oid)
                    api.log_shape_once(self.base_url, "order", order)
                    yield order
            if ignored:
                self.learn(api.PARAM_IDS, False, "it answered orders that were not asked for")
                rest = [i for b in batches[n:] for i in b if i not in given]
                yield from self._orders_one_by_one(rest)
                return
            if given:
                self.learn(api.PARAM_IDS, True)

    def _orders_one_by_one(self, ids: Sequence[str]) -> Iterator[dict]:
        """``GET /orders/<id>`` for each id (the documented way); unknown ids are skipped."""
        for order_id in ids:
            try:
                order = self.get_order(order_id)
            except NotFoundError:
                logger.warning("order %s: not found (404)", order_id)
                continue
            if api.order_id_of(order) == order_id:  # anything else was not asked for
                yield order

    @_typed
    def id_filter_works(self, sample_id: str) -> bool:
        """Whether ``id__in`` filters here: one cheap probe (``limit=2``), remembered."""
        known = self.fact(api.PARAM_IDS)
        if known is not None:
            return known
        page = self._get_json(
            self._url(api.ORDERS_COLLECTION),
            params={api.PARAM_IDS: sample_id, api.PARAM_LIMIT: "2"},
            what="orders",
        )
        results = Page.from_json(page).results
        works = all(api.order_id_of(o) == sample_id for o in results)
        self.learn(api.PARAM_IDS, works, "probe with one order id")
        return works

    @_typed
    def get_order(self, order_id: str) -> dict:
        data = self._get_json(self._url(api.order_path(order_id)), what=f"order {order_id}")
        if not isinstance(data, dict):
            raise UnexpectedResponseError(
                "The server's answer for an order was not an object.", details=str(data)[:200]
            )
        api.log_shape_once(self.base_url, "order", data)
        return data

    @_typed
    def put_order(self, order_id: str, fields: dict) -> dict:
        """``PUT /orders/<id>`` [doc]: edit name, rank, start_time, end_time of one order."""
        body = api.encode_body({k: v for k, v in fields.items() if k != "id"})
        resp = self._send("PUT", self._url(api.order_path(order_id)), body=body)
        if resp.status_code not in (200, 201, 202, 204):
            raise self._error_for_response(resp, f"order {order_id}")
        return self._json(resp) if resp.content else {}

    @_typed
    def delete_order(self, order_id: str) -> dict:
        """``DELETE /orders/<id>`` [doc]: cancel one order. The answer may be 204 (no body)
        or 200 with the order (the edit notebook reads JSON): either means accepted."""
        resp = self._send("DELETE", self._url(api.order_path(order_id)))
        if resp.status_code not in (200, 202, 204):
            raise self._error_for_response(resp, f"order {order_id}")
        if not resp.content:
            return {}
        try:
            data = self._json(resp)
        except UnexpectedResponseError:
            return {}  # accepted all the same: the status says so
        return data if isinstance(data, dict) else {}

    # -- connection check ----------------------------------------------------------------
    def check_connection(self) -> ConnectionReport:
        """One cheap authenticated request (``GET /orders/?limit=1``), in the user's words.
        Never raises but CancelledError: every other failure is a report."""
        if not self.has_key:
            return ConnectionReport(
                ConnectionReport.INVALID, "No API key: enter your Planet API key first."
            )
        if self._key_problem:
            return ConnectionReport(ConnectionReport.INVALID, self._key_problem)
        try:
            return self._check_connection()
        except CancelledError:
            raise
        except TaskingError as exc:
            return ConnectionReport(
                ConnectionReport.UNREACHABLE, exc.user_message, exc.status, exc.details
            )

    @_typed
    def _check_connection(self) -> ConnectionReport:
        host = urlsplit(self.base_url).hostname
        try:
            resp = self._send(
                "GET",
                self._url(api.ORDERS_COLLECTION),
                params={api.PARAM_LIMIT: "1"},
                max_retries=min(1, self.max_retries),
                max_delay=2.0,  # the user is waiting for an answer
            )
        except CancelledError:
            raise
        except TaskingError as exc:
            return ConnectionReport(
                ConnectionReport.UNREACHABLE, exc.user_message, exc.status, exc.details
            )
        status = resp.status_code
        if status == 200:
            try:
                self._json(resp)
            except UnexpectedResponseError as exc:
                return ConnectionReport(
                    ConnectionReport.UNREACHABLE,
                    f"{host} answered, but not like the Planet Tasking API: check the address "
                    "(or a network login page may be in the way).",
                    status,
                    exc.details,
                )
            return ConnectionReport(
                ConnectionReport.VALID, f"Connected to {host}: the API key works.", status
            )
        error = self._error_for_response(resp, "the Tasking API")
        if status == 401:
            return ConnectionReport(
                ConnectionReport.INVALID,
                "The API key is not valid (the server answered 401): check it.",
                status,
                error.details,
            )
        if status == 403:
            return ConnectionReport(
                ConnectionReport.FORBIDDEN,
                "The API key is valid but not allowed to task (403): tasking needs a Planet "
                "contract that includes it.",
                status,
                error.details,
            )
        if status == 404:
            message = (
                f"{host} answered, but there is no Tasking API at this address (404): "
                "check the address."
            )
        elif status == 429:
            message = f"{host} is limiting requests right now (429): try again in a moment."
        elif status >= 500:
            message = f"{host} is having trouble ({status}): try again later."
        else:
            message = error.user_message
        return ConnectionReport(ConnectionReport.UNREACHABLE, message, status, error.details)
