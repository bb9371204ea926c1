"""planet_bulk_tasking:submit_orders: a layer's features become Planet tasking orders."""

import json
from typing import Callable, Dict, List, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core import settings
from ..core.model.job import BulkJob, ChunkState, JobState, TargetStatus
from ..core.targets.build import BuildCancelled, InvalidParameters, create_job, validate_for_layer
from ..core.targets.parameters import (
    FLEXIBLE,
    MAX_MONITORING_COUNT,
    MONITORING,
    MonitoringCadence,
    OrderParameters,
    to_utc_datetime,
)
from ..core.tasking.errors import AuthenticationError, PermissionDeniedError
from .engine import (
    AUTHCFG,
    ENDPOINT,
    Endpoint,
    JobDriver,
    add_connection_parameters,
    client_factory_for,
    open_store,
    plural,
    read_connection,
    utc_clock,
)
from .output import (
    TARGET_FIELDS,
    WGS84,
    SourceGeometry,
    make_fields,
    output_wkb_type,
    target_feature,
)

SCHEDULINGS = (FLEXIBLE, MONITORING)
CADENCES = ("DAILY", "WEEKLY", "MONTHLY")
#: job states the dock's JobManager carries on (the algorithm did not wait for the end)
HANDED_OVER_STATES = (JobState.INTERRUPTED, JobState.FOLLOWING)


class SubmitOrdersAlgorithm(QgsProcessingAlgorithm):
    """Thread-safe (no FlagNoThreading): prepareAlgorithm reads the layer and credentials and
    builds the job; processAlgorithm runs its engine with a JobDriver on whatever thread
    Processing chose."""

    INPUT = "INPUT"
    NAME = "NAME"
    START = "START"
    END = "END"
    SCHEDULING = "SCHEDULING"
    CADENCE = "CADENCE"
    COUNT = "COUNT"
    PL_NUMBER = "PL_NUMBER"
    PRODUCT = "PRODUCT"
    EXTRA = "EXTRA"
    ENDPOINT = ENDPOINT
    AUTHCFG = AUTHCFG
    WAIT = "WAIT"
    OUTPUT = "OUTPUT"

    def __init__(self, services: Optional[Callable] = None, handover=None):
        super().__init__()
        self._services = services or (lambda: None)
        self._handover = handover
        self._job: Optional[BulkJob] = None
        self._endpoint: Optional[Endpoint] = None
        self._credential = None
        self._wkb = None
        self._skipped_geometry: Dict[str, object] = {}

    # -- identity ------------------------------------------------------------------------------
    def tr(self, text: str) -> str:
        return QCoreApplication.translate("SubmitOrdersAlgorithm", text)

    def createInstance(self):  # noqa: N802 (QGIS's name)
        return SubmitOrdersAlgorithm(self._services, self._handover)

    def name(self):
        return "submit_orders"

    def displayName(self):  # noqa: N802
        return self.tr("Submit tasking orders")

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Turns the features of a vector layer into Planet tasking orders, sent through the "
            "Tasking API's /bulk endpoint (at most 1000 orders per request), with the same "
            "engine as the plugin's dock: the job is saved before the first request and shows "
            "in the dock's Jobs tab.\n\n"
            "Use Processing's 'Selected features only' option to send a selection. Times are in "
            "UTC (a time without a zone is taken as UTC); by default the window starts in 25 "
            "hours and lasts the dock's default window (14 days unless changed). "
            "ENDPOINT: 'planet' (default), 'practice' "
            "for the built-in sandbox (no real orders), or a URL. Credentials: AUTHCFG (any "
            "QGIS authentication configuration), else the PL_API_KEY environment variable.\n\n"
            "Features that cannot make an order are skipped with a reason, never fatal. "
            "Cancelling stops sending at once; bulk requests the service already accepted "
            "cannot be taken back by cancelling and are followed. The output has one feature "
            "per order (per part of a split multipart feature) with its order id and status."
        )

    # -- parameters ------------------------------------------------------------------------------
    def initAlgorithm(self, config=None):  # noqa: N802
        advanced = QgsProcessingParameterDefinition.Flag.FlagAdvanced
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT,
                self.tr("Targets"),
                [QgsProcessing.SourceType.TypeVectorAnyGeometry],
            )
        )
        self.addParameter(
            QgsProcessingParameterExpression(
                self.NAME,
                self.tr("Order name (expression; default: the name field, else layer and id)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        for name, label in (
            (self.START, self.tr("Start time (UTC; default: in 25 hours)")),
            (
                self.END,
                self.tr("End time (UTC; default: start + the default window, 14 days)"),
            ),
        ):
            self.addParameter(
                QgsProcessingParameterDateTime(
                    name,
                    label,
                    QgsProcessingParameterDateTime.Type.DateTime,
                    optional=True,
                )
            )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SCHEDULING,
                self.tr("Scheduling"),
                [self.tr("Flexible"), self.tr("Monitoring")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.CADENCE,
                self.tr("Monitoring cadence"),
                [self.tr("Daily"), self.tr("Weekly"), self.tr("Monthly")],
                defaultValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.COUNT,
                self.tr("Monitoring: number of captures"),
                QgsProcessingParameterNumber.Type.Integer,
                defaultValue=4,
                minValue=1,
                maxValue=MAX_MONITORING_COUNT,
            )
        )
        for name, label in (
            (self.PL_NUMBER, self.tr("PL number (default: the key's contract)")),
            (self.PRODUCT, self.tr("Product (default: the key's contract)")),
        ):
            param = QgsProcessingParameterString(name, label, optional=True)
            param.setFlags(param.flags() | advanced)
            self.addParameter(param)
        extra = QgsProcessingParameterString(
            self.EXTRA, self.tr("Extra order fields (JSON object)"), multiLine=True, optional=True
        )
        extra.setFlags(extra.flags() | advanced)
        self.addParameter(extra)
        add_connection_parameters(self)
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.WAIT, self.tr("Wait until every bulk request is complete"), defaultValue=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT,
                self.tr("Orders"),
                QgsProcessing.SourceType.TypeVectorAnyGeometry,
            )
        )
        self.addOutput(QgsProcessingOutputString("JOB_ID", self.tr("Job id")))
        self.addOutput(QgsProcessingOutputNumber("CREATED", self.tr("Orders created")))
        self.addOutput(QgsProcessingOutputNumber("FAILED", self.tr("Orders refused")))
        self.addOutput(QgsProcessingOutputNumber("SKIPPED", self.tr("Features skipped")))

    # -- prepare (main thread from the toolbox): read the layer, credentials, build the job -----
    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802
        layer = self._layer(parameters, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        params = self._order_parameters(parameters, context)
        problems = validate_for_layer(layer, params)
        if problems:
            raise QgsProcessingException("\n".join(problems))
        self._endpoint, self._credential = read_connection(
            self, parameters, context, self._services()
        )
        ids = self._feature_ids(parameters, layer)
        if ids is not None and not ids:
            raise QgsProcessingException(
                f"No feature of layer '{layer.name()}' is selected ('Selected features only')."
            )
        # building is the first tenth of the progress bar, sending the rest
        build_feedback = QgsProcessingMultiStepFeedback(10, feedback)
        try:
            job = create_job(
                layer,
                params,
                selected_only=False,
                feature_ids=ids,
                endpoint=self._endpoint.job_endpoint,
                transform_context=context.transformContext(),
                feedback=build_feedback,
            )
        except InvalidParameters as exc:
            raise QgsProcessingException("\n".join(exc.problems)) from None
        except BuildCancelled:
            raise QgsProcessingException("Cancelled while building the orders.") from None
        self._report_built(job, layer.name(), feedback)
        source_geometry = SourceGeometry(layer)
        self._skipped_geometry = {
            t.key: source_geometry(t) for t in job.targets if t.payload is None
        }
        self._wkb = output_wkb_type(layer)
        self._job = job
        return True

    def _layer(self, parameters, context):
        """The layer itself (ids, selection, name for the Jobs tab), not a copy of its features.
        QGIS 3.22's parameterAsVectorLayer does not open a 'selected features only' value."""
        value = parameters.get(self.INPUT)
        if isinstance(value, QgsProcessingFeatureSourceDefinition):
            source = value.source.valueAsString(context.expressionContext(), "")[0]
            parameters = dict(parameters, **{self.INPUT: source})
        return self.parameterAsVectorLayer(parameters, self.INPUT, context)

    def _order_parameters(self, parameters, context) -> OrderParameters:
        def when(name):
            value = self.parameterAsDateTime(parameters, name, context)
            return to_utc_datetime(value) if value is not None and value.isValid() else None

        scheduling = SCHEDULINGS[self.parameterAsEnum(parameters, self.SCHEDULING, context)]
        monitoring = None
        if scheduling == MONITORING:
            monitoring = MonitoringCadence(
                freq=CADENCES[self.parameterAsEnum(parameters, self.CADENCE, context)],
                count=self.parameterAsInt(parameters, self.COUNT, context),
            )
        return OrderParameters(
            start_time=when(self.START),
            end_time=when(self.END),
            scheduling_type=scheduling,
            monitoring=monitoring,
            pl_number=self.parameterAsString(parameters, self.PL_NUMBER, context).strip() or None,
            product=self.parameterAsString(parameters, self.PRODUCT, context).strip() or None,
            extra_fields=self._extra(self.parameterAsString(parameters, self.EXTRA, context)),
            name_expression=self.parameterAsExpression(parameters, self.NAME, context) or "",
            window_days=settings.window_days(),  # the dock's Settings: same default window
        )

    @staticmethod
    def _extra(text: str) -> dict:
        if not (text or "").strip():
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise QgsProcessingException(f"EXTRA is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise QgsProcessingException('EXTRA must be a JSON object, like {"key": "value"}.')
        return value

    def _feature_ids(self, parameters, layer) -> Optional[List[int]]:
        """The selection when Processing's 'Selected features only' is ticked, else None (all)."""
        value = parameters.get(self.INPUT)
        if isinstance(value, QgsProcessingFeatureSourceDefinition) and value.selectedFeaturesOnly:
            return sorted(layer.selectedFeatureIds())
        return None

    def _report_built(self, job: BulkJob, layer_name: str, feedback) -> None:
        counts = job.counts()
        ready, skipped = counts[TargetStatus.READY], counts[TargetStatus.SKIPPED]
        features = len({t.feature_id for t in job.targets})
        feedback.pushInfo(
            f"Layer '{layer_name}': {plural(features, '1 feature', '{n} features')} → "
            f"{plural(ready, '1 order', '{n} orders')} in "
            f"{plural(len(job.chunks), '1 bulk request', '{n} bulk requests')}; "
            f"{skipped} skipped."
        )
        for t in job.targets:
            if t.status == TargetStatus.SKIPPED:
                feedback.pushWarning(f"Skipped {t.label}: {t.reason}")
            for warning in t.warnings:
                feedback.pushInfo(f"{t.label}: {warning}")

    # -- process (any thread): send, follow, write the output -----------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        job, endpoint = self._job, self._endpoint
        wait = self.parameterAsBoolean(parameters, self.WAIT, context)
        sink, dest_id = self.parameterAsSink(
            parameters,
            self.OUTPUT,
            context,
            make_fields(TARGET_FIELDS),
            self._wkb,
            QgsCoordinateReferenceSystem(WGS84),
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        if job.chunks:
            self._send(job, endpoint, feedback, wait)
        else:
            feedback.pushWarning("Nothing to send: every feature was skipped.")
        fields = make_fields(TARGET_FIELDS)
        geometry = lambda t: self._skipped_geometry.get(t.key)  # noqa: E731
        for t in job.targets:
            sink.addFeature(
                target_feature(job, t, fields, geometry), QgsFeatureSink.Flag.FastInsert
            )
        counts = job.counts()
        return {
            self.OUTPUT: dest_id,
            "JOB_ID": job.job_id,
            "CREATED": counts[TargetStatus.SUCCEEDED],
            "FAILED": counts[TargetStatus.FAILED],
            "SKIPPED": counts[TargetStatus.SKIPPED],
        }

    def _send(self, job: BulkJob, endpoint: Endpoint, feedback, wait: bool) -> None:
        services = self._services()
        store = open_store(services)
        factory_for = client_factory_for(endpoint, self._credential)
        driver = JobDriver(store, job, factory_for, feedback, wait=wait)
        feedback.pushInfo(
            f"{utc_clock()}: sending to {endpoint.label()} (job {job.job_id}, saved in the "
            "plugin's job store before the first request)."
        )
        try:
            outcome = driver.run()
        finally:
            if services is None:
                store.close()
            endpoint.close()
        self._report_end(job, driver, outcome, feedback)
        if self._handover is not None:  # the dock lists it; carries it on if not finished
            self._handover.recorded.emit(job.job_id, job.state in HANDED_OVER_STATES)

    @staticmethod
    def _report_failure(job: BulkJob, error, feedback) -> None:
        """Stopped by an error: say what the service may have. Raise when it has nothing."""
        message = getattr(error, "user_message", None) or str(error or "")
        accepted = any(c.state in (ChunkState.ACCEPTED, ChunkState.COMPLETE) for c in job.chunks)
        if accepted:
            feedback.reportError(f"Sending stopped: {message}", False)
            return
        refused = isinstance(error, (AuthenticationError, PermissionDeniedError))
        if refused or not any(c.state == ChunkState.POSTING for c in job.chunks):
            raise QgsProcessingException(
                f"Sending stopped: {message} No order was created; the job is saved and can "
                "be resumed from the dock's Jobs tab."
            )
        raise QgsProcessingException(
            f"Sending stopped: {message} A bulk request may have reached the service before "
            "that; the job is saved: resume it from the dock's Jobs tab to find out (a bulk "
            "request is never created twice)."
        )

    def _report_end(self, job: BulkJob, driver: JobDriver, outcome: str, feedback) -> None:
        counts = job.counts()
        for t in job.targets:
            if t.status == TargetStatus.FAILED:
                feedback.reportError(f"Refused {t.label}: {t.reason}", False)
        summary = (
            f"{counts[TargetStatus.SUCCEEDED]} orders created, "
            f"{counts[TargetStatus.FAILED]} refused, {counts[TargetStatus.SKIPPED]} skipped"
        )
        if counts[TargetStatus.READY]:
            summary += f", {counts[TargetStatus.READY]} not sent"
        if counts[TargetStatus.SUBMITTED]:  # accepted, result unknown: they may have orders
            summary += f", {counts[TargetStatus.SUBMITTED]} accepted but not confirmed yet"
        feedback.pushInfo(f"{utc_clock()}: {summary} (job {job.job_id}, state {job.state}).")
        if outcome == "failed":
            self._report_failure(job, driver.error, feedback)
        if job.state in HANDED_OVER_STATES:
            feedback.pushInfo(
                "The job is saved and not finished: the plugin's dock follows it (Jobs tab); "
                "without the dock open it is resumed at the next QGIS start. No order is sent "
                "twice (each bulk request carries its own id)."
            )
        if outcome == "cancelled" and counts[TargetStatus.READY]:
            feedback.pushInfo(
                plural(
                    counts[TargetStatus.READY],
                    "1 order was never sent: it stays in the saved job, marked 'ready'.",
                    "{n} orders were never sent: they stay in the saved job, marked 'ready'.",
                )
            )
