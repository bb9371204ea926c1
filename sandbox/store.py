"""The sandbox's state: bulks, their payloads and the orders, in SQLite (stdlib).

In memory unless a file is given, in which case everything survives a restart. One connection
shared by all server threads and guarded by one re-entrant lock (``store.lock``): callers that
need several calls to be atomic (the processor) hold it around them.

Time-dependent values (bulk and order status, order updated time) are computed in SQL from the
``now`` the caller passes, so filters, ordering and paging stay in SQLite: per-request work is
about one page, not one Python object per order.
"""

import sqlite3
import threading
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bulks (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL,
    created_at REAL NOT NULL, start_at REAL NOT NULL, end_at REAL NOT NULL,
    payload_count INTEGER NOT NULL, processed INTEGER NOT NULL DEFAULT 0,
    succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS bulks_key_seq ON bulks (key, seq);
CREATE TABLE IF NOT EXISTS payloads (
    id TEXT PRIMARY KEY, bulk_id TEXT NOT NULL, idx INTEGER NOT NULL, payload TEXT NOT NULL,
    status TEXT NOT NULL, order_id TEXT, error TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS payloads_bulk_idx ON payloads (bulk_id, idx);
CREATE INDEX IF NOT EXISTS payloads_bulk_id ON payloads (bulk_id, id);
CREATE TABLE IF NOT EXISTS orders (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, key TEXT NOT NULL,
    bulk_id TEXT, name TEXT NOT NULL, scheduling_type TEXT NOT NULL, geometry TEXT NOT NULL,
    original_geometry TEXT NOT NULL, start_at REAL NOT NULL, end_at REAL NOT NULL, rrule TEXT,
    rrule_count INTEGER NOT NULL, pl_number TEXT, product TEXT, extra TEXT NOT NULL,
    created_at REAL NOT NULL, edited_at REAL, cancelled_at REAL, fate TEXT NOT NULL,
    frac REAL NOT NULL, clock REAL NOT NULL,
    t_pending REAL NOT NULL, t_progress REAL NOT NULL, t_final REAL NOT NULL);
CREATE INDEX IF NOT EXISTS orders_key_created ON orders (key, created_at);
"""

# Bulk status: COMPLETE once every payload is processed, RUNNING once its turn has come.
BULK_STATUS_SQL = (
    "CASE WHEN processed >= payload_count THEN 'COMPLETE' "
    "WHEN :now >= start_at THEN 'RUNNING' ELSE 'PENDING' END"
)
# Order status from the precomputed transition instants (see orders.transitions).
ORDER_STATUS_SQL = (
    "CASE WHEN cancelled_at IS NOT NULL THEN 'CANCELLED' WHEN :now >= t_final THEN fate "
    "WHEN :now >= t_progress THEN 'IN_PROGRESS' WHEN :now >= t_pending THEN 'PENDING' "
    "ELSE 'RECEIVED' END"
)
# Latest change the client could have seen: creation, edit, cancellation or a transition
# that happened before now (and before a cancellation, which freezes the timeline).
ORDER_UPDATED_SQL = (
    "MAX(created_at, COALESCE(edited_at, 0), COALESCE(cancelled_at, 0), "
    "CASE WHEN t_pending <= COALESCE(cancelled_at, :now) THEN t_pending ELSE 0 END, "
    "CASE WHEN t_progress <= COALESCE(cancelled_at, :now) THEN t_progress ELSE 0 END, "
    "CASE WHEN t_final <= COALESCE(cancelled_at, :now) THEN t_final ELSE 0 END)"
)
BULK_COLUMNS = {  # public filter/ordering name -> SQL
    "payload_count": "payload_count",
    "processing_payload_count": "(payload_count - processed)",
    "successful_payload_count": "succeeded",
    "failed_payload_count": "failed",
    "created_time": "seq",
    "status": BULK_STATUS_SQL,
}
ORDER_COLUMNS = {  # public ordering name -> SQL
    "created_time": "created_at",
    "updated_time": ORDER_UPDATED_SQL,
    "start_time": "start_at",
    "end_time": "end_at",
    "name": "name",
    "status": ORDER_STATUS_SQL,
    "id": "id",
}
_OPS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_ORDER_INSERT_COLUMNS = (
    "id key bulk_id name scheduling_type geometry original_geometry start_at end_at rrule "
    "rrule_count pl_number product extra created_at edited_at cancelled_at fate frac clock "
    "t_pending t_progress t_final"
).split()
_EDITABLE_ORDER_COLUMNS = {
    "name", "start_at", "end_at", "edited_at", "cancelled_at", "t_pending", "t_progress", "t_final",
    "extra",
}  # fmt: skip


def _casefold(text: Optional[str]) -> Optional[str]:
    return text.casefold() if text is not None else None


class Store:
    """Small persistence interface of the sandbox (see module docstring)."""

    def __init__(self, db_path: Optional[str] = None):
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        # SQLite's lower() only knows ASCII; name__icontains should work for any script.
        self._conn.create_function("casefold", 1, _casefold, deterministic=True)
        with self.lock, self._conn:
            if db_path:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_ids (id TEXT PRIMARY KEY)")

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    def reset(self) -> None:
        with self.lock, self._conn:
            for table in ("bulks", "payloads", "orders"):
                self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)

    def _rows(self, sql: str, params: Any = ()) -> List[Dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self._conn.execute(sql, params)]

    # --- bulks ---------------------------------------------------------------------------------

    def bulk_exists(self, bulk_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM bulks WHERE id = ?", (bulk_id,)))

    def next_bulk_seq(self) -> int:
        return self._rows("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM bulks")[0]["n"]

    def busy_until(self, key: str) -> Optional[float]:
        """When the key's queue will be empty: bulks of one key are processed FIFO."""
        return self._rows("SELECT MAX(end_at) AS t FROM bulks WHERE key = ?", (key,))[0]["t"]

    def insert_bulk(self, bulk: Dict[str, Any], payloads: Iterable[Tuple[str, int, str]]) -> None:
        """A bulk and its payloads ((result id, index, payload JSON)), all PROCESSING."""
        with self.lock, self._conn:
            self._conn.execute(
                "INSERT INTO bulks (id, key, kind, seq, created_at, start_at, end_at, "
                "payload_count) VALUES (:id, :key, :kind, :seq, :created_at, :start_at, "
                ":end_at, :payload_count)",
                bulk,
            )
            self._conn.executemany(
                "INSERT INTO payloads (id, bulk_id, idx, payload, status) "
                "VALUES (?, ?, ?, ?, 'PROCESSING')",
                ((rid, bulk["id"], idx, text) for rid, idx, text in payloads),
            )

    def get_bulk(self, bulk_id: str, key: str, now: float) -> Optional[Dict[str, Any]]:
        rows = self._rows(
            f"SELECT *, {BULK_STATUS_SQL} AS status FROM bulks WHERE id = :id AND key = :key",
            {"id": bulk_id, "key": key, "now": now},
        )
        return rows[0] if rows else None

    def list_bulks(
        self,
        key: str,
        now: float,
        *,
        comparisons: Sequence[Tuple[str, str, Any]] = (),
        ordering: Sequence[Tuple[str, bool]] = (("created_time", True),),
        limit: int = 50,
        offset: int = 0,
    ) -> Tuple[int, List[Dict[str, Any]]]:
        """comparisons: (public field, op in exact/gt/gte/lt/lte, value)."""
        where, params = ["key = :key"], {"key": key, "now": now}
        for i, (field, op, value) in enumerate(comparisons):
            where.append(f"{BULK_COLUMNS[field]} {_OPS[op]} :c{i}")
            params[f"c{i}"] = value
        return self._page(
            f"*, {BULK_STATUS_SQL} AS status", "bulks", where, params,
            _order_sql(ordering, BULK_COLUMNS), limit, offset,
        )  # fmt: skip

    def bulks_with_work(self, now: float) -> List[Dict[str, Any]]:
        """Bulks whose turn has come and that still have unprocessed payloads, FIFO."""
        return self._rows(
            "SELECT * FROM bulks WHERE processed < payload_count AND start_at <= ? "
            "ORDER BY key, seq",
            (now,),
        )

    def bulks_with_work_for(self, key: str, now: float) -> List[Dict[str, Any]]:
        return self._rows(
            "SELECT * FROM bulks WHERE key = ? AND processed < payload_count AND start_at <= ? "
            "ORDER BY seq",
            (key, now),
        )

    # --- payloads ------------------------------------------------------------------------------

    def payloads_between(self, bulk_id: str, first: int, stop: int) -> List[Dict[str, Any]]:
        return self._rows(
            "SELECT * FROM payloads WHERE bulk_id = ? AND idx >= ? AND idx < ? ORDER BY idx",
            (bulk_id, first, stop),
        )

    def record_progress(
        self,
        bulk_id: str,
        processed: int,
        results: Sequence[Tuple[str, Optional[str], Optional[str], int]],
        orders: Sequence[Dict[str, Any]],
    ) -> None:
        """Processed payloads ((status, order id, error, index)) and the orders they created."""
        ok = sum(1 for r in results if r[0] == "SUCCESS")
        with self.lock, self._conn:
            self._conn.executemany(
                "UPDATE payloads SET status = ?, order_id = ?, error = ? "
                "WHERE bulk_id = ? AND idx = ?",
                ((s, o, e, bulk_id, i) for s, o, e, i in results),
            )
            self._insert_orders(orders)
            self._conn.execute(
                "UPDATE bulks SET processed = ?, succeeded = succeeded + ?, failed = failed + ? "
                "WHERE id = ?",
                (processed, ok, len(results) - ok, bulk_id),
            )

    def list_payloads(
        self,
        bulk_id: str,
        *,
        status: Optional[str] = None,
        exclude: Optional[str] = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Tuple[int, List[Dict[str, Any]]]:
        """Ordered by result id: deliberately not submission order."""
        where, params = ["bulk_id = :bulk_id"], {"bulk_id": bulk_id}
        if status:
            where.append("status = :status")
            params["status"] = status
        if exclude:
            where.append("status != :exclude")
            params["exclude"] = exclude
        return self._page("*", "payloads", where, params, "id", limit, offset)

    # --- orders --------------------------------------------------------------------------------

    def insert_orders(self, orders: Sequence[Dict[str, Any]]) -> None:
        with self.lock, self._conn:
            self._insert_orders(orders)

    def _insert_orders(self, orders: Sequence[Dict[str, Any]]) -> None:
        self._conn.executemany(
            f"INSERT INTO orders ({', '.join(_ORDER_INSERT_COLUMNS)}) "  # noqa: S608 (constants)
            f"VALUES ({', '.join(':' + c for c in _ORDER_INSERT_COLUMNS)})",
            orders,
        )

    def get_order(self, order_id: str, key: str, now: float) -> Optional[Dict[str, Any]]:
        rows = self._rows(
            f"SELECT *, {ORDER_STATUS_SQL} AS status, {ORDER_UPDATED_SQL} AS updated_at "
            "FROM orders WHERE id = :id AND key = :key",
            {"id": order_id, "key": key, "now": now},
        )
        return rows[0] if rows else None

    def update_order(self, order_id: str, changes: Dict[str, Any]) -> None:
        bad = set(changes) - _EDITABLE_ORDER_COLUMNS
        if bad:
            raise ValueError(f"not editable: {sorted(bad)}")
        sets = ", ".join(f"{c} = :{c}" for c in changes)
        with self.lock, self._conn:
            self._conn.execute(
                f"UPDATE orders SET {sets} WHERE id = :id",  # noqa: S608 (checked names)
                dict(changes, id=order_id),
            )

    def list_orders(
        self,
        key: str,
        now: float,
        *,
        statuses: Sequence[str] = (),
        name_contains: Optional[str] = None,
        ids: Optional[Sequence[str]] = None,
        scheduling_type: Optional[str] = None,
        created_gte: Optional[float] = None,
        created_lte: Optional[float] = None,
        ordering: Sequence[Tuple[str, bool]] = (("created_time", True),),
        limit: int = 50,
        offset: int = 0,
    ) -> Tuple[int, List[Dict[str, Any]]]:
        where, params = ["key = :key"], {"key": key, "now": now}
        if created_gte is not None:
            where.append("created_at >= :cgte")
            params["cgte"] = created_gte - 0.0005  # times are shown to the millisecond
        if created_lte is not None:
            where.append("created_at <= :clte")
            params["clte"] = created_lte + 0.0005
        if statuses:
            names = [f":s{i}" for i in range(len(statuses))]
            where.append(f"{ORDER_STATUS_SQL} IN ({', '.join(names)})")
            params.update({n[1:]: s for n, s in zip(names, statuses)})
        if name_contains:
            where.append("instr(casefold(name), :needle) > 0")
            params["needle"] = name_contains.casefold()
        if scheduling_type:
            where.append("scheduling_type = :stype")
            params["stype"] = scheduling_type
        with self.lock:
            if ids is not None:
                # A temp table rather than IN (?, ?...): old SQLite builds allow only 999 variables.
                self._conn.execute("DELETE FROM wanted_ids")
                self._conn.executemany(
                    "INSERT OR IGNORE INTO wanted_ids VALUES (?)", ((i,) for i in ids)
                )
                where.append("id IN (SELECT id FROM wanted_ids)")
            return self._page(
                f"*, {ORDER_STATUS_SQL} AS status, {ORDER_UPDATED_SQL} AS updated_at",
                "orders", where, params, _order_sql(ordering, ORDER_COLUMNS), limit, offset,
            )  # fmt: skip

    def count_orders(self) -> int:
        return self._rows("SELECT COUNT(*) AS n FROM orders")[0]["n"]

    # --- shared --------------------------------------------------------------------------------

    def _page(self, columns, table, where, params, order_sql, limit, offset):
        cond = " AND ".join(where)
        with self.lock:
            count = self._conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {cond}",  # noqa: S608 (built from constants)
                params,
            ).fetchone()[0]
            rows = self._rows(
                f"SELECT {columns} FROM {table} WHERE {cond} ORDER BY {order_sql} "  # noqa: S608
                "LIMIT :limit OFFSET :offset",
                dict(params, limit=limit, offset=offset),
            )
        return count, rows


def _order_sql(ordering: Sequence[Tuple[str, bool]], columns: Dict[str, str]) -> str:
    """[("name", False), ("created_time", True)] -> 'name ASC, created_at DESC, rowid DESC'.
    Field names are checked against ``columns`` by callers; the rowid keeps pages stable."""
    parts = [f"{columns[f]} {'DESC' if desc else 'ASC'}" for f, desc in ordering]
    last_desc = ordering[-1][1] if ordering else False
    return ", ".join(parts + [f"rowid {'DESC' if last_desc else 'ASC'}"])
