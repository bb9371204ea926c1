"""The general path: any layer, any geometry, any name and time expressions, one
QgsFeature at a time. It reads and converts (names, per-feature times, geometries:
points kept as x/y, other geometries converted right away); rules.point_targets then
makes the targets as for the point readers."""

import math
from typing import Dict

from qgis.core import QgsFeature, QgsWkbTypes

from .naming import FeatureExpression, fallback_name
from .rules import PROGRESS_EVERY, clean_name, plain_point, point_targets, read_cancelled
from .times import feature_times


def read_general(
    src, request, result, converter, exprs, shared, time_args, total, feedback, wanted, point_layer
):
    """Targets for every feature ``request`` gives. ``exprs``: (name, start, end)
    FeatureExpressions (start/end None when not per feature). Returns the set of
    feature ids read when ``wanted`` is given, else None."""
    name_expr, start_expr, end_expr = exprs
    per_feature_times = start_expr is not None or end_expr is not None
    layer_name = src.name
    multi = QgsWkbTypes.isMultiType(src.wkb_type)
    convert = converter.convert
    name_mode_field = name_expr.mode == FeatureExpression.FIELD
    name_mode_fallback = name_expr.mode == FeatureExpression.FALLBACK
    name_idx = name_expr.field_index
    name_eval = name_expr.evaluate
    seen = set() if wanted is not None else None
    nan = math.nan
    count = 0

    # one row per feature: (fid, name, warnings, reason, times, x, y); a geometry that is
    # not a plain point has NaN x/y and its converted parts in ``specials``
    rows = []
    add_row = rows.append
    specials: Dict[int, list] = {}
    iterator = src.getFeatures(request)
    f = QgsFeature()
    next_feature = iterator.nextFeature
    while next_feature(f):
        fid = f.id()
        count += 1
        if count % PROGRESS_EVERY == 0 and read_cancelled(feedback, result, count, total):
            break
        if seen is not None:
            seen.add(fid)

        warnings = None
        reason = None
        if name_mode_fallback:
            name = f"{layer_name} {fid}"
        else:
            if name_mode_field:
                v, err = f.attribute(name_idx), None
            else:
                v, err = name_eval(f)
            if err is not None:
                name = fallback_name(layer_name, fid)
                reason = err
            else:
                name, warnings = clean_name(v, layer_name, fid)

        times = None
        if per_feature_times:
            times, time_reason, time_notes = feature_times(f, start_expr, end_expr, *time_args)
            if time_reason:
                reason = f"{reason}; {time_reason}" if reason else time_reason
            elif time_notes:
                warnings = (warnings or []) + time_notes

        g = f.geometry()
        p = plain_point(g, multi) if point_layer else None
        if p is not None:
            add_row((fid, name, warnings, reason, times, p.x(), p.y()))
        else:
            specials[fid] = convert(g)
            add_row((fid, name, warnings, reason, times, nan, nan))
    del iterator
    if wanted is not None and len(rows) > 1:
        # providers return filtered ids in any order: follow the selection/ids order
        order = {fid: i for i, fid in enumerate(wanted)}
        rows.sort(key=lambda row: order.get(row[0], 0))
    if rows:
        fids, names, warnings, reasons, times, xs, ys = map(list, zip(*rows))
    else:
        fids = names = warnings = reasons = times = xs = ys = []
    del rows
    point_targets(
        result,
        converter,
        shared,
        fids,
        names,
        xs,
        ys,
        warnings=warnings,
        specials=specials,
        reasons=reasons,
        times=times if per_feature_times else None,
    )
    return seen
