"""planet_bulk_tasking:refresh_orders: the current status of the orders a layer lists."""

import threading
from typing import Callable, Dict, Optional

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
)
from qgis.PyQt.QtCore import QCoreApplication, Qt

from ..core.engine.monitor import OrderUpdate, order_update
from ..core.tasking.client import TaskingClient
from ..core.tasking.errors import CancelledError, TaskingError
from .engine import (
    AUTHCFG,
    ENDPOINT,
    Endpoint,
    add_connection_parameters,
    client_factory_for,
    plural,
    read_connection,
    utc_clock,
)
from .output import ORDER_FIELDS

ORDER_ID_FIELD = "order_id"
BATCH = 200  # order ids per /orders/ request (the client splits URLs further if needed)


class RefreshOrdersAlgorithm(QgsProcessingAlgorithm):
    INPUT = "INPUT"
    ENDPOINT = ENDPOINT
    AUTHCFG = AUTHCFG
    OUTPUT = "OUTPUT"

    def __init__(self, services: Optional[Callable] = None):
        super().__init__()
        self._services = services or (lambda: None)
        self._endpoint: Optional[Endpoint] = None
        self._credential = None

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("RefreshOrdersAlgorithm", text)

    def createInstance(self):  # noqa: N802
        return RefreshOrdersAlgorithm(self._services)

    def name(self):
        return "refresh_orders"

    def displayName(self):  # noqa: N802
        return self.tr("Refresh order status")

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Reads the current status of the orders listed in a layer's 'order_id' field (for "
            "example the output of 'Submit tasking orders') and writes the same features with "
            "order_status, capture_count and order_updated (UTC). Features without an order id "
            "are kept with empty values; an order the service does not know is said so in "
            "order_error. Nothing is changed at Planet."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT,
                self.tr("Layer with an order_id field"),
                [QgsProcessing.SourceType.TypeVector],
            )
        )
        add_connection_parameters(self)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT,
                self.tr("Orders with current status"),
                QgsProcessing.SourceType.TypeVector,
            )
        )

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self._endpoint, self._credential = read_connection(
            self, parameters, context, self._services()
        )
        return True

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        in_fields = source.fields()
        id_index = next(
            (i for i, f in enumerate(in_fields) if f.name().lower() == ORDER_ID_FIELD), -1
        )
        if id_index < 0:
            raise QgsProcessingException(
                f"The layer has no '{ORDER_ID_FIELD}' field: use the output of 'Submit tasking "
                "orders', or a layer with the order ids in a field of that name."
            )
        fields = QgsFields(in_fields)
        for name, kind in ORDER_FIELDS:
            if fields.indexOf(name) < 0:
                fields.append(QgsField(name, kind))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        features = list(source.getFeatures())
        ids = [str(f[id_index]) for f in features if _has_value(f[id_index])]
        try:
            updates = self._fetch(list(dict.fromkeys(ids)), feedback)
        finally:
            self._endpoint.close()
        if feedback.isCanceled():
            return {self.OUTPUT: dest_id}
        idx = {name: fields.indexOf(name) for name, _ in ORDER_FIELDS}
        missing = 0
        for f in features:
            out = QgsFeature(fields)
            out.setGeometry(f.geometry())
            values = list(f.attributes()) + [None] * (fields.count() - len(f.attributes()))
            order_id = str(f[id_index]) if _has_value(f[id_index]) else ""
            u = updates.get(order_id)
            if order_id and u is None:
                missing += 1
                values[idx["order_error"]] = "the service does not know this order"
            elif u is not None:
                values[idx["order_status"]] = u.status
                values[idx["capture_count"]] = u.capture_count
                values[idx["order_updated"]] = u.updated_time
                values[idx["order_error"]] = None
            out.setAttributes(values)
            sink.addFeature(out, QgsFeatureSink.Flag.FastInsert)
        feedback.pushInfo(
            f"{utc_clock()}: {len(updates)} of {len(set(ids))} orders read"
            + (
                "; "
                + plural(
                    missing,
                    "1 feature lists an order the service does not know.",
                    "{n} features list an order the service does not know.",
                )
                if missing
                else "."
            )
        )
        return {self.OUTPUT: dest_id}

    def _fetch(self, ids, feedback) -> Dict[str, OrderUpdate]:
        stop = threading.Event()
        # direct: the feedback is cancelled from another thread, with no event loop here
        feedback.canceled.connect(stop.set, Qt.ConnectionType.DirectConnection)
        factory = client_factory_for(self._endpoint, self._credential)(self._endpoint.job_endpoint)
        client: TaskingClient = factory(stop_event=stop)
        found: Dict[str, OrderUpdate] = {}
        try:
            for start in range(0, len(ids), BATCH):
                for order in client.iter_orders(ids=ids[start : start + BATCH]):
                    u = order_update(order)
                    if u is not None:
                        found[u.order_id] = u
                feedback.setProgress(100.0 * min(len(ids), start + BATCH) / max(1, len(ids)))
        except CancelledError:
            feedback.pushInfo("Cancelled: no output written.")
        except TaskingError as exc:
            raise QgsProcessingException(f"Reading the orders failed: {exc.user_message}") from None
        finally:
            client.close()
            try:
                feedback.canceled.disconnect(stop.set)
            except TypeError:
                pass
        return found


def _has_value(value) -> bool:
    if value is None:
        return False
    is_null = getattr(value, "isNull", None)
    if callable(is_null) and is_null():
        return False
    return str(value).strip() not in ("", "NULL")
