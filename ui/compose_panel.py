"""The Compose form: which features, and the order parameters every order shares.

The form only collects values: ``parameters()`` gives a core ``OrderParameters`` and
``problems()`` the reasons it cannot be sent yet (core.parameters.validate_parameters
plus what only the form knows: the layer, the selection, the extra-fields JSON).
Nothing is built here: payloads are built on Preview/Submit, never per keystroke.
"""

import json
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional

from qgis.core import QgsMapLayerProxyModel, QgsProject, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsFieldExpressionWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QDateTime, Qt, QTimeZone, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.identity import PLUGIN_ID
from ..core.targets.build import validate_for_layer
from ..core.targets.naming import default_name_expression
from ..core.targets.parameters import (
    DEFAULT_START_DELAY,
    DEFAULT_WINDOW_DAYS,
    FLEXIBLE,
    MIN_LEAD_TIME,
    MIN_WINDOW,
    MONITORING,
    MULTIPART_REFUSE,
    MULTIPART_SPLIT,
    MonitoringCadence,
    OrderParameters,
    window_duration,
)

ERROR_STYLE = "color: #b2182b;"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


PROJECT_SCOPE = PLUGIN_ID
#: set on the plugin's own layers (result layers): never a target for new orders
PLUGIN_LAYER_PROPERTY = PLUGIN_ID + "/job_id"


def is_plugin_layer(layer) -> bool:
    try:
        return layer is not None and bool(layer.customProperty(PLUGIN_LAYER_PROPERTY))
    except RuntimeError:  # deleted
        return False


def qdatetime_to_utc(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), timezone.utc)


def utc_qdatetime(dt: datetime) -> QDateTime:
    q = QDateTime.fromSecsSinceEpoch(int(dt.timestamp()), QTimeZone.utc())
    return q.toTimeSpec(Qt.TimeSpec.UTC)


class ComposePanel(QWidget):
    changed = pyqtSignal()  # anything that makes a built preview stale
    layer_changed = pyqtSignal(object)  # QgsVectorLayer or None
    selection_changed = pyqtSignal(int)  # number of selected features

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self._iface = iface
        self._layer: Optional[QgsVectorLayer] = None
        self._extra_error = ""
        self._extra_value: dict = {}
        self._forms: Dict[str, dict] = {}  # layer id -> {"name", "start", "end"} expressions
        self._restoring = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)

        # -- features ---------------------------------------------------------------
        features = QGroupBox(self.tr("Features"))
        form = QFormLayout(features)
        self.layer_combo = QgsMapLayerComboBox()
        self.layer_combo.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        self.layer_combo.setAllowEmptyLayer(True)
        self.layer_combo.setToolTip(self.tr("The layer whose features become orders"))
        form.addRow(self.tr("Layer"), self.layer_combo)
        row = QHBoxLayout()
        self.selected_only = QCheckBox(self.tr("Selected features only"))
        self.selected_only.setChecked(True)
        row.addWidget(self.selected_only)
        row.addStretch(1)
        form.addRow(row)
        self.selection_label = QLabel()
        self.selection_label.setWordWrap(True)
        form.addRow(self.selection_label)
        layout.addWidget(features)

        # -- orders -------------------------------------------------------------------
        orders = QGroupBox(self.tr("Orders"))
        form = QFormLayout(orders)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_widget = QgsFieldExpressionWidget()
        self.name_widget.setExpressionDialogTitle(self.tr("Order name"))
        self.name_widget.setToolTip(self.tr("A field or an expression giving each order's name"))
        form.addRow(self.tr("Name"), self.name_widget)

        self.window_days = DEFAULT_WINDOW_DAYS  # the dock passes the user's setting
        start, end = self._default_window()
        self.start_edit = self._datetime_edit(start)
        self.end_edit = self._datetime_edit(end)
        self._times_touched = False  # untouched: the defaults are computed again when sent
        form.addRow(self.tr("Start (UTC)"), self.start_edit)
        self.end_label = QLabel(self.tr("End (UTC)"))
        form.addRow(self.end_label, self.end_edit)
        self.window_warning = QLabel()
        self.window_warning.setWordWrap(True)
        self.window_warning.setStyleSheet("color: #b35806;")
        self.window_warning.hide()
        form.addRow("", self.window_warning)

        self.scheduling_combo = QComboBox()
        self.scheduling_combo.addItem(self.tr("Flexible"), FLEXIBLE)
        self.scheduling_combo.addItem(self.tr("Monitoring (repeated captures)"), MONITORING)
        form.addRow(self.tr("Scheduling"), self.scheduling_combo)

        self.monitoring_box = QWidget()
        mon = QFormLayout(self.monitoring_box)
        mon.setContentsMargins(0, 0, 0, 0)
        self.freq_combo = QComboBox()
        for label, value in (
            (self.tr("Daily"), "DAILY"),
            (self.tr("Weekly"), "WEEKLY"),
            (self.tr("Monthly"), "MONTHLY"),
        ):
            self.freq_combo.addItem(label, value)
        self.freq_combo.setCurrentIndex(1)
        cadence = QHBoxLayout()
        cadence.addWidget(QLabel(self.tr("every")))
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(1, 365)
        cadence.addWidget(self.interval_spin)
        cadence.addWidget(self.freq_combo, 1)
        mon.addRow(self.tr("Repeat"), cadence)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 365)
        self.count_spin.setValue(4)
        self.count_spin.setSuffix(self.tr(" captures"))
        mon.addRow(self.tr("Count"), self.count_spin)
        self.weekday_combo = QComboBox()
        self.weekday_combo.addItem(self.tr("Any day"), "")
        for code, label in zip(
            WEEKDAYS,
            (
                self.tr("Monday"),
                self.tr("Tuesday"),
                self.tr("Wednesday"),
                self.tr("Thursday"),
                self.tr("Friday"),
                self.tr("Saturday"),
                self.tr("Sunday"),
            ),
        ):
            self.weekday_combo.addItem(label, code)
        mon.addRow(self.tr("Weekday"), self.weekday_combo)
        mon_note = QLabel(
            self.tr("Monitoring orders take points and lines only; the end time is not used.")
        )
        mon_note.setWordWrap(True)
        mon_note.setStyleSheet("color: palette(dark);")
        mon.addRow(mon_note)
        form.addRow(self.monitoring_box)
        layout.addWidget(orders)

        # -- advanced -------------------------------------------------------------------
        advanced = QgsCollapsibleGroupBox(self.tr("Contract, angles and extra fields"))
        advanced.setCollapsed(True)
        advanced.setSaveCollapsedState(False)
        form = QFormLayout(advanced)
        self.pl_number_edit = QLineEdit()
        self.pl_number_edit.setPlaceholderText(self.tr("PL-123456 (default: your contract)"))
        form.addRow(self.tr("PL number"), self.pl_number_edit)
        self.product_edit = QLineEdit()
        self.product_edit.setPlaceholderText(self.tr("default: your contract's product"))
        form.addRow(self.tr("Product"), self.product_edit)
        angles = QHBoxLayout()
        self.elev_min_spin = self._angle_spin()
        self.elev_max_spin = self._angle_spin()
        angles.addWidget(QLabel(self.tr("min")))
        angles.addWidget(self.elev_min_spin)
        angles.addWidget(QLabel(self.tr("max")))
        angles.addWidget(self.elev_max_spin)
        angles.addStretch(1)
        form.addRow(self.tr("Elevation (°)"), angles)
        self.start_expr_widget = self._time_expression(
            self.tr("Start time per feature (UTC)"),
            self.tr(
                "Optional: a date/time field or expression giving each order its own start "
                "(UTC). Empty: the start above."
            ),
        )
        form.addRow(self.tr("Start per feature"), self.start_expr_widget)
        self.end_expr_widget = self._time_expression(
            self.tr("End time per feature (UTC)"),
            self.tr(
                "Optional: a date/time field or expression giving each order its own end "
                "(UTC). Empty: the end above, or 14 days after a per-feature start."
            ),
        )
        form.addRow(self.tr("End per feature"), self.end_expr_widget)
        self.multipart_combo = QComboBox()
        self.multipart_combo.addItem(self.tr("One order per part"), MULTIPART_SPLIT)
        self.multipart_combo.addItem(self.tr("Skip multipart features"), MULTIPART_REFUSE)
        form.addRow(self.tr("Multipart"), self.multipart_combo)
        self.extra_edit = QPlainTextEdit()
        self.extra_edit.setPlaceholderText('{"exclusivity_days": 0}')
        self.extra_edit.setTabChangesFocus(True)
        self.extra_edit.setFixedHeight(64)
        self.extra_edit.setToolTip(
            self.tr("More order fields as a JSON object, added to every order as they are")
        )
        form.addRow(self.tr("Extra fields"), self.extra_edit)
        self.extra_message = QLabel()
        self.extra_message.setWordWrap(True)
        self.extra_message.setStyleSheet(ERROR_STYLE)
        self.extra_message.hide()
        form.addRow("", self.extra_message)
        layout.addWidget(advanced)
        layout.addStretch(1)

        # -- signals ------------------------------------------------------------------------
        self.layer_combo.layerChanged.connect(self._on_layer_changed)
        self.selected_only.toggled.connect(self._update_selection_label)
        self.selected_only.toggled.connect(self.changed.emit)
        for w in (self.name_widget, self.start_expr_widget, self.end_expr_widget):
            w.fieldChanged.connect(lambda *_: self.changed.emit())
        for w in (self.start_edit, self.end_edit):
            w.dateTimeChanged.connect(self._on_times_edited)
            w.dateTimeChanged.connect(lambda *_: self.changed.emit())
        self.scheduling_combo.currentIndexChanged.connect(self._update_scheduling)
        for w in (self.freq_combo, self.weekday_combo, self.multipart_combo):
            w.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.freq_combo.currentIndexChanged.connect(self._update_scheduling)
        for w in (self.interval_spin, self.count_spin, self.elev_min_spin, self.elev_max_spin):
            w.valueChanged.connect(lambda *_: self.changed.emit())
        for w in (self.pl_number_edit, self.product_edit):
            w.textChanged.connect(lambda *_: self.changed.emit())
        self.extra_edit.textChanged.connect(self._validate_extra)

        for _key, w in self._form_widgets():
            w.fieldChanged.connect(self._remember_form)

        self._iface_connected = False
        if iface is not None and hasattr(iface, "currentLayerChanged"):
            iface.currentLayerChanged.connect(self._on_current_layer_changed)
            self._iface_connected = True
        QgsProject.instance().layersAdded.connect(self._on_layers_added)
        self._except_plugin_layers()
        self._update_scheduling()
        active = iface.activeLayer() if iface is not None else None
        if isinstance(active, QgsVectorLayer) and not is_plugin_layer(active):
            self.layer_combo.setLayer(active)
        elif is_plugin_layer(self.layer_combo.currentLayer()):
            self.layer_combo.setLayer(None)
        self._on_layer_changed(self.layer_combo.currentLayer())

    # -- widgets ---------------------------------------------------------------------------
    def _datetime_edit(self, value: datetime) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setTimeSpec(Qt.TimeSpec.UTC)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        edit.setDateTime(utc_qdatetime(value))
        edit.setToolTip(self.tr("Date and time in UTC"))
        return edit

    def _time_expression(self, title: str, tip: str) -> QgsFieldExpressionWidget:
        widget = QgsFieldExpressionWidget()
        widget.setAllowEmptyFieldName(True)
        widget.setExpressionDialogTitle(title)
        widget.setToolTip(tip)
        return widget

    def _angle_spin(self) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(-1, 90)  # -1 shows as "unset"
        spin.setSpecialValueText(self.tr("unset"))
        spin.setValue(-1)
        spin.setSuffix("°")
        spin.setToolTip(self.tr("Satellite elevation angle, 0–90°; 'unset' uses the default"))
        return spin

    # -- layer and selection -------------------------------------------------------------------
    def layer(self) -> Optional[QgsVectorLayer]:
        return self._layer

    def set_layer(self, layer: Optional[QgsVectorLayer]):
        self.layer_combo.setLayer(layer)

    def _on_current_layer_changed(self, *_):
        # the fake iface of tests sends the canvas here: always ask for the active layer
        layer = self._iface.activeLayer() if self._iface is not None else None
        if isinstance(layer, QgsVectorLayer) and not is_plugin_layer(layer):
            self.layer_combo.setLayer(layer)

    def _on_layers_added(self, layers):
        """The plugin's own layers (result layers) are never offered as targets."""
        if any(is_plugin_layer(layer) for layer in layers):
            self._except_plugin_layers()

    def _except_plugin_layers(self):
        own = [
            layer for layer in QgsProject.instance().mapLayers().values() if is_plugin_layer(layer)
        ]
        self.layer_combo.setExceptedLayerList(own)

    # -- the form remembered per layer (in memory and in the project) -----------------------
    def _form_widgets(self):
        return (
            ("name", self.name_widget),
            ("start", self.start_expr_widget),
            ("end", self.end_expr_widget),
        )

    def _remember_form(self, *_):
        layer = self._layer
        if layer is None or self._restoring:
            return
        try:
            layer_id = layer.id()
        except RuntimeError:  # the layer was deleted
            return
        form = {key: w.expression().strip() for key, w in self._form_widgets()}
        if self._forms.get(layer_id) == form:
            return
        default = {"name": default_name_expression(layer), "start": "", "end": ""}
        if form == default and layer_id not in self._forms and not self._form_of(layer):
            return  # nothing chosen yet: the project stays unmodified
        self._forms[layer_id] = form
        project = QgsProject.instance()
        for key, value in form.items():
            project.writeEntry(PROJECT_SCOPE, f"compose/{layer_id}/{key}", value)

    def _form_of(self, layer: QgsVectorLayer) -> dict:
        form = self._forms.get(layer.id())
        if form is None:  # saved with the project (a restart, a reopened project)
            project = QgsProject.instance()
            form = {}
            for key, _w in self._form_widgets():
                value, ok = project.readEntry(PROJECT_SCOPE, f"compose/{layer.id()}/{key}", "")
                if ok:
                    form[key] = value
        return form

    def _on_layer_changed(self, layer):
        layer = layer if isinstance(layer, QgsVectorLayer) else None
        if layer is self._layer:
            return
        self._remember_form()
        self._disconnect_layer()
        self._layer = layer
        form = self._form_of(layer) if layer is not None else {}
        self._restoring = True
        try:
            if layer is not None:
                layer.selectionChanged.connect(self._on_selection_changed)
                self.name_widget.setLayer(layer)
                self.name_widget.setExpression(form.get("name") or default_name_expression(layer))
            else:
                self.name_widget.setLayer(None)
            for key, w in self._form_widgets()[1:]:  # another layer's fields
                w.setLayer(layer)
                w.setExpression(form.get(key, ""))
        finally:
            self._restoring = False
        self._update_selection_label()
        self.layer_changed.emit(layer)
        self.changed.emit()

    def _disconnect_layer(self):
        if self._layer is None:
            return
        try:
            self._layer.selectionChanged.disconnect(self._on_selection_changed)
        except (TypeError, RuntimeError):
            pass

    def _on_selection_changed(self, *_):
        self._update_selection_label()
        self.selection_changed.emit(self.selected_count())
        if self.selected_only.isChecked():
            self.changed.emit()

    def selected_count(self) -> int:
        return self._layer.selectedFeatureCount() if self._layer is not None else 0

    def feature_count(self) -> int:
        """How many features would be sent."""
        if self._layer is None:
            return 0
        if self.selected_only.isChecked():
            return self.selected_count()
        return max(0, self._layer.featureCount())

    def _update_selection_label(self, *_):
        layer = self._layer
        if layer is None:
            text, error = self.tr("Choose a vector layer."), True
        elif self.selected_only.isChecked():
            n = self.selected_count()
            if n == 0:
                text = self.tr(
                    "Nothing is selected on “{layer}”. Select features on the map, "
                    "or untick “Selected features only”."
                ).format(layer=layer.name())
                error = True
            else:
                text = self.tr("{n} of {total} features selected.").format(
                    n=n, total=max(0, layer.featureCount())
                )
                error = False
        else:
            text = self.tr("All {total} features of “{layer}”.").format(
                total=max(0, layer.featureCount()), layer=layer.name()
            )
            error = False
        self.selection_label.setText(text)
        self.selection_label.setStyleSheet(ERROR_STYLE if error else "")

    # -- scheduling ------------------------------------------------------------------------
    def scheduling_type(self) -> str:
        return self.scheduling_combo.currentData()

    # -- time window ------------------------------------------------------------------------
    def _default_window(self):
        now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        start = now + DEFAULT_START_DELAY + timedelta(minutes=1)  # whole minutes, still > 25 h
        return start, start + window_duration(self.window_days)

    def set_default_window_days(self, days: int) -> None:
        """The user's default window length (Settings); untouched times follow it."""
        self.window_days = window_duration(days).days
        self._refresh_default_times()

    def _on_times_edited(self, *_):
        if not getattr(self, "_setting_defaults", False):
            self._times_touched = True
        self._update_window_warning()

    def _refresh_default_times(self) -> None:
        """Untouched times follow the clock: start = now + 24 h + a margin when sent."""
        if self._times_touched:
            return
        start, end = self._default_window()
        self._setting_defaults = True
        try:
            self.start_edit.setDateTime(utc_qdatetime(start))
            self.end_edit.setDateTime(utc_qdatetime(end))
        finally:
            self._setting_defaults = False

    def window_warnings(self) -> List[str]:
        """Not errors (the service may accept it), but what the Dashboard would refuse."""
        start = qdatetime_to_utc(self.start_edit.dateTime())
        end = qdatetime_to_utc(self.end_edit.dateTime())
        out = []
        if start - datetime.now(timezone.utc) < MIN_LEAD_TIME:
            out.append(
                self.tr(
                    "The window starts within 24 hours: Planet may refuse it (flexible "
                    "orders start at least 24 hours after they are placed)."
                )
            )
        if self.scheduling_type() == FLEXIBLE and end - start < MIN_WINDOW:
            out.append(
                self.tr(
                    "The window is shorter than 14 days: Planet may refuse it (flexible "
                    "windows last at least 14 days)."
                )
            )
        return out

    def _update_window_warning(self, *_):
        text = " ".join(self.window_warnings())
        self.window_warning.setText(text)
        self.window_warning.setVisible(bool(text))

    def _update_scheduling(self, *_):
        self._update_window_warning()
        monitoring = self.scheduling_type() == MONITORING
        self.monitoring_box.setVisible(monitoring)
        self.end_edit.setVisible(not monitoring)
        self.end_label.setVisible(not monitoring)
        self.weekday_combo.setEnabled(self.freq_combo.currentData() == "WEEKLY")
        self.changed.emit()

    # -- extra fields -------------------------------------------------------------------------
    def _validate_extra(self):
        text = self.extra_edit.toPlainText().strip()
        error, value = "", {}
        if text:
            try:
                value = json.loads(text)
            except ValueError as exc:
                error = self.tr("Not valid JSON: {error}").format(error=exc)
            else:
                if not isinstance(value, dict):
                    error = self.tr('Extra fields must be a JSON object, like {"key": "value"}.')
                    value = {}
        self._extra_error, self._extra_value = error, value
        self.extra_edit.setStyleSheet(
            "QPlainTextEdit { border: 1px solid #d7301f; }" if error else ""
        )
        self.extra_message.setText(error)
        self.extra_message.setVisible(bool(error))
        self.changed.emit()

    def extra_fields_error(self) -> str:
        return self._extra_error

    # -- values ---------------------------------------------------------------------------
    def parameters(self) -> OrderParameters:
        self._refresh_default_times()
        monitoring = None
        if self.scheduling_type() == MONITORING:
            monitoring = MonitoringCadence(
                freq=self.freq_combo.currentData(),
                interval=self.interval_spin.value(),
                count=self.count_spin.value(),
                byday=self.weekday_combo.currentData() if self.weekday_combo.isEnabled() else "",
            )

        def angle(spin):
            return None if spin.value() < 0 else float(spin.value())

        return OrderParameters(
            start_time=qdatetime_to_utc(self.start_edit.dateTime()),
            end_time=qdatetime_to_utc(self.end_edit.dateTime()),
            scheduling_type=self.scheduling_type(),
            monitoring=monitoring,
            pl_number=self.pl_number_edit.text().strip() or None,
            product=self.product_edit.text().strip() or None,
            sat_elevation_angle_min=angle(self.elev_min_spin),
            sat_elevation_angle_max=angle(self.elev_max_spin),
            extra_fields=dict(self._extra_value),
            name_expression=self.name_widget.expression().strip(),
            start_expression=self.start_expr_widget.expression().strip(),
            end_expression=self.end_expr_widget.expression().strip(),
            multipart=self.multipart_combo.currentData(),
            window_days=self.window_days,
        )

    def problems(self) -> List[str]:
        """Why this cannot be sent yet, in the user's words (empty when it can)."""
        out: List[str] = []
        if self._layer is None:
            return [self.tr("Choose a vector layer.")]
        if self.selected_only.isChecked() and self.selected_count() == 0:
            out.append(
                self.tr(
                    "Nothing is selected on “{layer}”: select features on the map "
                    "or untick “Selected features only”."
                ).format(layer=self._layer.name())
            )
        elif self.feature_count() == 0:
            out.append(self.tr("“{layer}” has no features.").format(layer=self._layer.name()))
        if self._extra_error:
            out.append(self.tr("Extra fields: {error}").format(error=self._extra_error))
        if not self.name_widget.expression().strip():
            out.append(self.tr("Give the orders a name (a field or an expression)."))
        elif not self.name_widget.isValidExpression():
            out.append(self.tr("The name expression is not valid."))
        for widget, what in (
            (self.start_expr_widget, self.tr("The per-feature start expression is not valid.")),
            (self.end_expr_widget, self.tr("The per-feature end expression is not valid.")),
        ):
            if widget.expression().strip() and not widget.isValidExpression():
                out.append(what)
        out.extend(validate_for_layer(self._layer, self.parameters()))
        return out

    def shutdown(self):
        self._remember_form()
        try:
            QgsProject.instance().layersAdded.disconnect(self._on_layers_added)
        except (TypeError, RuntimeError):
            pass
        self._disconnect_layer()
        self._layer = None
        if self._iface_connected:
            try:
                self._iface.currentLayerChanged.disconnect(self._on_current_layer_changed)
            except (TypeError, RuntimeError):
                pass
            self._iface_connected = False
