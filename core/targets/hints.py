"""Job-level notes for the preview (``job_hints``): what many targets share and a user
should look at before sending (swapped X/Y in bulk, times without a zone, names that
are no text or over 256 characters, antimeridian cuts)."""

from typing import List

from ..model.gil import yielding
from ..model.job import Target, TargetStatus
from .antimeridian import CROSSES
from .geometry import SWAPPED_QUESTION
from .naming import MAX_NAME_LENGTH, NOT_TEXT_NAME
from .times import NO_TIME_ZONE

SWAPPED_HINT_MIN = 2


def job_hints(targets: List[Target]) -> List[str]:
    """Job-level notes for the preview, in the user's words (English, like the reasons):
    what many targets share and a user should look at before sending, each with a first
    example feature. Empty when nothing stands out. Reads the targets' reasons and
    warnings (made in this package)."""
    swapped, zones, not_text, long_names, cut = [], [], [], [], {}
    ready_points = 0
    for t in yielding(targets, every=1000):  # on the build's thread: leave the GIL now and then
        if t.status == TargetStatus.SKIPPED:
            if t.reason and SWAPPED_QUESTION in t.reason:
                swapped.append(t)
        elif t.payload is not None:
            if t.payload.get("geometry", {}).get("type") == "Point":
                ready_points += 1
            if len(t.name) > MAX_NAME_LENGTH:
                long_names.append(t)
        if not t.warnings or t.payload is None:  # warnings about what is sent
            continue
        if any(w.startswith(NO_TIME_ZONE) for w in t.warnings):
            zones.append(t)
        if any(w.startswith(NOT_TEXT_NAME) for w in t.warnings):
            not_text.append(t)
        if any(w.startswith(CROSSES) for w in t.warnings):
            cut.setdefault(t.feature_id, t)
    hints = []
    if len(swapped) >= SWAPPED_HINT_MIN:
        hints.append(
            f"{len(swapped)} points have a latitude beyond ±90 that would be a valid position "
            "with X and Y the other way round: are the X and Y fields (or the layer's CRS) "
            f"swapped? If so, the {ready_points} ready points are at swapped places too. "
            f"{_example(swapped)}"
        )
    if zones:
        hints.append(
            f"{len(zones)} {_orders(len(zones))} a start or end time without a time zone in "
            f"the data: taken as UTC. Check that these times are meant in UTC. {_example(zones)}"
        )
    if not_text:
        n = len(not_text)
        hints.append(
            f"The name expression gave no text (e.g. a geometry) for {n} "
            f"{'feature' if n == 1 else 'features'}: named '<layer> <feature id>' instead. "
            f"{_example(not_text)}"
        )
    if long_names:
        n = len(long_names)
        longest = max(len(t.name) for t in long_names)
        hints.append(
            f"{n} order {'name is' if n == 1 else 'names are'} longer than {MAX_NAME_LENGTH} "
            f"characters (longest {longest}): Planet publishes no limit, but such names may be "
            f"refused or cut. E.g. feature {long_names[0].feature_id}."
        )
    if cut:
        n = len(cut)
        hints.append(
            f"{n} {'feature crosses' if n == 1 else 'features cross'} the antimeridian (180°): "
            f"each was cut into one order per side. {_example(list(cut.values()))}"
        )
    return hints


def _example(targets: List[Target]) -> str:
    """``E.g. "name" (feature 12).`` for the first target (a long name shortened)."""
    t = targets[0]
    name = t.name if len(t.name) <= 60 else t.name[:57] + "..."
    return f"E.g. '{name}' (feature {t.feature_id})."


def _orders(n: int) -> str:
    return "order has" if n == 1 else "orders have"
