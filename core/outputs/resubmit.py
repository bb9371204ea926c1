"""Fix and resubmit: the payloads to send again for failed or skipped targets, with the
analyst's changes, rebuilt from the features when asked. The dock asks for the values
and hands the result to JobManager.resubmit."""

import copy
from typing import Dict, List, Tuple

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from ..layers import find_layer
from ..model.job import BulkJob

#: what the order dialogs change, for a resubmit and for an edit at Planet (the API's
#: editable fields are core.engine.bulk_actions.EDITABLE_FIELDS; rank is not offered)
DIALOG_FIELDS = ("name", "start_time", "end_time")


def tr(text: str) -> str:
    # the dock's context: these words were the dock's and keep their translations
    return QCoreApplication.translate("PlanetBulkTaskingDock", text)


def revised_payloads(job: BulkJob, targets, values: dict) -> Tuple[Dict[str, dict], List[str]]:
    """({key: new payload}, [problems in words]). Keys stay the same: rebuilt targets
    are matched to the existing ones by feature id and part."""
    values = dict(values or {})
    problems: List[str] = []
    rebuilt = {}
    if values.get("rebuild"):
        layer = find_layer(job.layer)
        if layer is None:
            return {}, [
                tr("Layer “{layer}” is not in the project: cannot rebuild.").format(
                    layer=job.layer.name
                )
            ]
        from ..targets.build import build_targets
        from ..targets.parameters import OrderParameters

        result = build_targets(
            layer,
            OrderParameters.from_dict(job.parameters),
            selected_only=False,
            feature_ids=sorted({int(t.feature_id) for t in targets}),
            transform_context=QgsProject.instance().transformContext(),
        )
        rebuilt = {(int(t.feature_id), int(t.part or 0)): t for t in result.targets}
    revised = {}
    for t in targets:
        if values.get("rebuild"):
            new = rebuilt.get((int(t.feature_id), int(t.part or 0)))
            if new is None:
                problems.append(tr("{label}: the feature is gone").format(label=t.label))
                continue
            if new.payload is None:
                problems.append(f"{t.label}: {new.reason}")
                continue
            payload = copy.deepcopy(new.payload)
        elif t.payload is None:
            problems.append(
                tr(
                    "{label}: nothing to resend ({why}); fix the feature and use "
                    "“Rebuild from the features”"
                ).format(label=t.label, why=t.reason or "")
            )
            continue
        else:
            payload = copy.deepcopy(t.payload)
        payload.update(values.get("extra_fields") or {})
        for field in DIALOG_FIELDS:
            if values.get(field):
                payload[field] = values[field]
        revised[t.key] = payload
    return revised, problems
