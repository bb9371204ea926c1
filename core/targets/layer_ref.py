"""What a job records of its layer (``layer_ref``), with credentials stripped from the
data source string (``strip_credentials``): jobs.sqlite and logs never hold a password."""

import re

from qgis.core import QgsVectorLayer

from ..model.job import LayerRef

_SECRET_KV = re.compile(
    r"""\s*\b(password|passwd|pwd)\s*=\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;|]*)""",
    re.IGNORECASE,
)
_SECRET_QUERY = re.compile(
    r"""(?<=[?&;|])(password|passwd|pwd|token|access_token|api_key|apikey|api-key|secret|"""
    r"""client_secret|signature|x-amz-signature|sig)=[^&;|'"\s]*&?""",
    re.IGNORECASE,
)
_URL_USERINFO = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<user>[^/@:\s'\"]*):[^/@\s'\"]*@", re.I
)


def strip_credentials(source: str) -> str:
    """A data source string without passwords or tokens (authcfg ids are kept: not secrets)."""
    if not source:
        return ""
    s = _SECRET_KV.sub("", source)
    s = _SECRET_QUERY.sub("", s)
    s = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{m.group('user')}@", s)
    return s.rstrip("&?;| ").strip() if s != source else s


def layer_ref(layer: QgsVectorLayer) -> LayerRef:
    crs = layer.crs()
    return LayerRef(
        layer_id=layer.id(),
        name=layer.name(),
        source=strip_credentials(layer.source()),
        provider=layer.providerType(),
        crs=(crs.authid() or crs.toWkt()) if crs.isValid() else "",
    )
