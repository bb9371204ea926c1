"""The two point readers: a point layer named by a field (or the default name) with the
shared times. Both only *read* (feature id, name value, x, y); rules.point_targets
turns what they read into targets, as for every path.

* ``read_ogr``: OGR layers (GeoPackage, shapefile) read in bulk by fast_read (Arrow
  batches, no QgsFeature per feature). Returns None, having added nothing, when the
  bulk reader cannot give exactly what QGIS reads (see fast_read's module doc).
* ``read_points``: any provider, one QgsFeature at a time into flat lists (from the
  provider's own feature source when the layer adds nothing to it: source.py).

Features that are not plain points (null, empty, several parts) are read through QGIS
and converted like the general path converts them.
"""

import math
from typing import Dict, List

from qgis.core import QgsFeature, QgsFeatureRequest, QgsWkbTypes

from . import fast_read
from .naming import FeatureExpression
from .rules import PROGRESS_EVERY, clean_names, plain_point, point_targets, read_cancelled

#: With a selection or feature ids, read in bulk only when they are at least this share of
#: the layer (a few ids are faster through QgsFeatureRequest.setFilterFids).
FAST_READ_MIN_SHARE = 0.1


def read_points(src, request, result, converter, name_expr, shared, total, feedback, wanted):
    """Pass 1 reads (id, name value, x, y) into flat lists; rules.point_targets makes
    the targets. Returns the list of feature ids read."""
    multi = QgsWkbTypes.isMultiType(src.wkb_type)
    name_idx = name_expr.field_index if name_expr.mode == FeatureExpression.FIELD else -1
    convert = converter.convert
    nan = math.nan
    ids: List[int] = []
    raw: list = []
    xs: List[float] = []
    ys: List[float] = []
    add_id, add_raw, add_x, add_y = ids.append, raw.append, xs.append, ys.append
    specials: Dict[int, list] = {}  # fid -> converter parts, for anything not a plain point
    f = QgsFeature()
    iterator = src.provider_features(request)
    next_feature = iterator.nextFeature
    count = 0
    while next_feature(f):
        count += 1
        if count % PROGRESS_EVERY == 0 and read_cancelled(feedback, result, count, total):
            break
        fid = f.id()
        g = f.geometry()
        if multi:
            p = plain_point(g, True)
        else:
            try:  # plain_point inlined: this loop runs once per feature
                p = g.asPoint()
            except (TypeError, ValueError):
                p = None
        if p is None:
            specials[fid] = convert(g)
            add_x(nan)
            add_y(nan)
        else:
            add_x(p.x())
            add_y(p.y())
        add_id(fid)
        if name_idx >= 0:
            add_raw(f[name_idx])  # the same value as attribute(), a little cheaper
    del iterator
    if wanted is not None and len(ids) > 1:
        # providers return filtered ids in any order: follow the selection/ids order
        order = {fid: i for i, fid in enumerate(wanted)}
        perm = sorted(range(len(ids)), key=lambda i: order.get(ids[i], 0))
        ids = [ids[i] for i in perm]
        xs = [xs[i] for i in perm]
        ys = [ys[i] for i in perm]
        if raw:
            raw = [raw[i] for i in perm]
    _targets(src, result, converter, shared, ids, raw if name_idx >= 0 else None, xs, ys, specials)
    return ids


def read_ogr(src, result, converter, name_expr, shared, feedback, wanted):
    """``read_points`` for OGR layers read in bulk (core/targets/fast_read.py): same
    targets, same order, same sizes. Returns the feature ids read, or None when the
    layer is not one the bulk reader can read exactly (nothing is added to ``result``)."""
    if wanted is not None:
        count = src.feature_count
        if count <= 0 or len(wanted) < FAST_READ_MIN_SHARE * count:
            return None
    name_field = None
    if name_expr.mode == FeatureExpression.FIELD:
        name_field = src.fields.at(name_expr.field_index).name()
    batch = fast_read.read_points(src, name_field, feedback)
    if batch is None:
        return None
    np = fast_read._np
    fids, xs, ys, names = batch.fids, batch.xs, batch.ys, batch.names
    if wanted is not None:
        want = np.asarray(wanted, dtype=np.int64)
        keep = np.isin(fids, want)
        fids, xs, ys = fids[keep], xs[keep], ys[keep]
        # follow the selection / ids order
        sorter = np.argsort(want, kind="stable")
        pos = sorter[np.searchsorted(want, fids, sorter=sorter)]
        perm = np.argsort(pos, kind="stable")
        fids, xs, ys = fids[perm], xs[perm], ys[perm]
        if names is not None:
            names = np.asarray(names, dtype=object)[keep][perm].tolist()
    fid_list = fids.tolist()

    # geometries that are not plain points: read through QGIS, handled as read_points does
    specials: Dict[int, list] = {}
    special_ids = set(batch.special)
    if wanted is not None and special_ids:
        special_ids &= set(fid_list)
    if special_ids:
        multi = QgsWkbTypes.isMultiType(src.wkb_type)
        req = QgsFeatureRequest().setFilterFids(sorted(special_ids))
        req.setNoAttributes()
        points = {}
        for f in src.getFeatures(req):
            fid = f.id()
            special_ids.discard(fid)
            g = f.geometry()
            p = plain_point(g, multi)
            if p is None:
                specials[fid] = converter.convert(g)
            else:
                points[fid] = (p.x(), p.y())
        if special_ids:  # QGIS does not see what OGR read: let the general path do it
            return None
        if points:
            xs, ys = xs.copy(), ys.copy()
            for i, fid in enumerate(fid_list):
                xy = points.get(fid)
                if xy is not None:
                    xs[i], ys[i] = xy
    _targets(src, result, converter, shared, fid_list, names, xs, ys, specials)
    if feedback is not None:
        feedback.setProgress(90.0)
    return fid_list


def _targets(src, result, converter, shared, fids, raw_names, xs, ys, specials):
    if raw_names is None:  # the default name: "<layer name> <fid>"
        layer_name = src.name
        names, warnings = [f"{layer_name} {fid}" for fid in fids], None
    else:
        names, warnings = clean_names(raw_names, src.name, fids)
    point_targets(
        result, converter, shared, fids, names, xs, ys, warnings=warnings, specials=specials
    )
