"""Every place this project copies, patches or leans on a framework's internals.

Django, DRF, asgiref and psycopg_pool do not promise these functions' behaviour (some are
private); only a version pin would otherwise guard them. Each entry of
``MIRRORS`` names an upstream function, what of ours mirrors it or relies on
it, and the SHA-256 of the upstream function's source
(``inspect.getsource``) as last reviewed. ``tests/core/test_upstream.py``
recomputes every fingerprint: after an upgrade that changed one, it fails
with "re-review this copy". Re-read the upstream diff, bring our copy in
line (or confirm that it still holds), then record the new fingerprint
(``uv run python -m apps.core.upstream`` prints them). ``docs/upgrading.md`` lists
the same pieces for a human.

The copies themselves live in this package:

- ``handler``: Django's ``ASGIHandler.handle`` without its per-request hops;
- ``drf_views``: DRF's ``dispatch``/``initial``/checks/authentication, async;
- ``middleware``: ``MiddlewareMixin.__acall__`` without hops, for pure hooks;
- ``model_iterable``: ``ModelIterable`` rows -> instances, for the async pool;
- ``cursor_pagination``: DRF's ``CursorPagination.paginate_queryset``, async.
"""

import hashlib
import importlib
import inspect
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mirror:
    upstream: str  # dotted path of the upstream function
    ours: str  # what of ours mirrors it or relies on it
    kind: str  # "mirrors" (a copy) or "relies on" (private API or exact behaviour)
    sha256: str  # of inspect.getsource(upstream) when last reviewed


def resolve(dotted: str) -> Any:
    """The object at ``dotted`` (a module path, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


def fingerprint(target: Any) -> str:
    """SHA-256 of the source of ``target``."""
    return hashlib.sha256(inspect.getsource(target).encode()).hexdigest()


def stale(mirror: Mirror, target: Any = None) -> str | None:
    """Why ``mirror`` needs a review (its upstream source changed), or None."""
    current = fingerprint(resolve(mirror.upstream) if target is None else target)
    if current == mirror.sha256:
        return None
    return (
        f"re-review this copy: {mirror.ours} {mirror.kind} {mirror.upstream}, whose source "
        f"changed (reviewed {mirror.sha256[:12]}, now {current[:12]}). Read the upstream "
        f"diff, update ours, then record sha256={current!r} in apps/core/upstream/__init__.py."
    )


_DJANGO_HANDLER = "apps.core.upstream.handler.AsyncHandler"
_DRF_VIEWS = "apps.core.upstream.drf_views.AsyncDispatchMixin"
_AQUERY = "apps.core.aquery.afetch"

MIRRORS: tuple[Mirror, ...] = (
    # The ASGI handler (project/asgi.py serves every request through it).
    Mirror(
        "django.core.handlers.asgi.ASGIHandler.handle",
        f"{_DJANGO_HANDLER}.handle",
        "mirrors",
        "c91f27c7fcdc3fff4f1c7082e91cb30f0bfaa5781ca632a116b1d9e607fd752a",
    ),
    Mirror(
        "django.dispatch.Signal._live_receivers",
        _DJANGO_HANDLER,
        "relies on",
        "79c68a4b8a99f5ed26a9e03c88806481f2087e04d9e4b83122d27df806f48913",
    ),
    Mirror(
        "asgiref.sync.SyncToAsync.__call__",
        _DJANGO_HANDLER,
        "relies on",
        "6376e33c6d3d94c58df80c3f2386c38401d19a543d08626a34721abe309845f6",
    ),
    Mirror(
        "django.http.response.HttpResponseBase.close",
        _DJANGO_HANDLER,
        "relies on",
        "84589f5b23acbb23aa9010f3506ef411b72b1053f2fc2764590e2b3bf3470438",
    ),
    Mirror(
        "django.db.close_old_connections",
        _DJANGO_HANDLER,
        "relies on",
        "c352dd45e8333c97d83fb0905f187e31475cb3d8bb9308611077febb6e21deb6",
    ),
    Mirror(
        "django.db.reset_queries",
        _DJANGO_HANDLER,
        "relies on",
        "9989bcde56b2f76a5f82e3e24bccd1808759ca6ae72b501470e171628f1fe712",
    ),
    # DRF's request cycle, awaited.
    Mirror(
        "rest_framework.views.APIView.dispatch",
        f"{_DRF_VIEWS}.async_dispatch",
        "mirrors",
        "3472ce14592137053f20708c7c57616e49d71bd87fcbb1d730b579ae944f6bd1",
    ),
    Mirror(
        "rest_framework.views.APIView.initial",
        f"{_DRF_VIEWS}.ainitial",
        "mirrors",
        "49a4a966fb04ec8a617151a306a0e96f05c13991745058126fe78b13385a4df5",
    ),
    Mirror(
        "rest_framework.request.Request._authenticate",
        f"{_DRF_VIEWS}.aperform_authentication",
        "mirrors",
        "b3df4cb506df3cf159666d7433d79def6f59bed35d4e70ffe175319f8dca9b64",
    ),
    Mirror(
        "rest_framework.views.APIView.check_permissions",
        f"{_DRF_VIEWS}.acheck_permissions",
        "mirrors",
        "adb6576933b58b82abcdb7f090ec9b6bedcfbba10ec5a9b182f695011e9de089",
    ),
    Mirror(
        "rest_framework.views.APIView.check_object_permissions",
        f"{_DRF_VIEWS}.acheck_object_permissions",
        "mirrors",
        "8fbb782385ccc7130ee525d254e76fb8b41b5a7a3c34e5d69c02fc46e90e7c15",
    ),
    Mirror(
        "rest_framework.views.APIView.check_throttles",
        f"{_DRF_VIEWS}.acheck_throttles",
        "mirrors",
        "265734c05c96d2698d0cad5a8cf2180f3def02a3505f586445da4a8912055471",
    ),
    Mirror(
        "django.core.handlers.base.BaseHandler._get_response_async",
        "apps.core.upstream.drf_views.rendered",
        "relies on",
        "064b55bfd55fc38d1157dfe3997f9d675392168da4d48cbed33d8fb0c4930aea",
    ),
    Mirror(
        "rest_framework.negotiation.DefaultContentNegotiation.select_renderer",
        "apps.core.negotiation.FastContentNegotiation.select_renderer",
        "relies on",
        "72af66a971aff0d3dd3a9c0a6065f3ed35e6679f4d386bb222b76778bfddb708",
    ),
    # Pure middleware hooks run inline.
    Mirror(
        "django.utils.deprecation.MiddlewareMixin.__acall__",
        "apps.core.upstream.middleware.inline_acall",
        "mirrors",
        "adf8cbcaf9f11e45c4ac1953556ac422f2a6fe4193df5edbed186b2b66bea729",
    ),
    Mirror(
        "django.middleware.security.SecurityMiddleware",
        "apps.core.upstream.middleware.INLINE_MIDDLEWARE",
        "relies on",
        "7c0daafdd127de47ad2bb47f63a6c4cb7b77ca64fa0102c8bf35ae54bfe8d15d",
    ),
    Mirror(
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "apps.core.upstream.middleware.INLINE_MIDDLEWARE",
        "relies on",
        "b005c3dcd16801e1f195424685998882d855be76154b4571fb9e391f47b12865",
    ),
    # Its hooks run inline too (no I/O); for a non-HTML response without a
    # csp_override our process_response writes the cached API policy, as
    # Django's would (same headers, same "don't overwrite" rule).
    Mirror(
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "apps.core.middleware.ContentSecurityPolicyMiddleware",
        "mirrors",
        "23c2cd6da037dec7613578277dc90c60ce13f5ee58ec9095dce4c0aad8490258",
    ),
    # Querysets evaluated on the async pool.
    Mirror(
        "django.db.models.query.ModelIterable.__iter__",
        "apps.core.upstream.model_iterable.model_instances",
        "mirrors",
        "ecb74201bf2b19458268212d0eb7589b58b09a0b9d689131257e5a6a8445d638",
    ),
    Mirror(
        "django.db.models.sql.compiler.SQLCompiler.execute_sql",
        _AQUERY,
        "mirrors",
        "9aaa46986690d6b83ec866c1287fb88a5a85b8a24c107c029f85c0d737f7819e",
    ),
    Mirror(
        "django.db.models.sql.compiler.cursor_iter",
        _AQUERY,
        "mirrors",
        "b9ac243742b04e3a44084265a8fae4ef3ffbfe0a543ddfd5ec64c9750d60b3ef",
    ),
    Mirror(
        "django.db.models.sql.compiler.SQLCompiler.results_iter",
        _AQUERY,
        "relies on",
        "d279d61b80a3a1158af6029d13d8410a7aa2a2ab25b67929dda125a6fd459313",
    ),
    Mirror(
        "django.db.models.query.get_related_populators",
        _AQUERY,
        "relies on",
        "0df15deef931bef495cef5792437250b99734a2d78fb85bcc63b578456b96a8a",
    ),
    Mirror(
        "django.db.models.query.RelatedPopulator",
        _AQUERY,
        "relies on",
        "0292b86ac68a3df6e66a08fc5ebebe7378ff0fab3a86987a338fdf548282fa3e",
    ),
    Mirror(
        "django.db.models.query._get_from_db",
        _AQUERY,
        "relies on",
        "73ad62330ee08877b7a2d970c2dd143138b19b836911cbed65f1d2758dc86866",
    ),
    Mirror(
        "django.db.models.query.QuerySet.first",
        "apps.core.aquery.afirst",
        "mirrors",
        "4080a651094f917cca27ee1c4b5578df1757f99df7f5682fb04e7537cbc18ae4",
    ),
    Mirror(
        "django.db.backends.postgresql.base.DatabaseWrapper.get_connection_params",
        "apps.core.db.django_connection_kwargs",
        "mirrors",
        "c3b08b880d604ccb27ea586bcb37425de4c62e0fd4668adb3de445dff1a41835",
    ),
    Mirror(
        "django.db.backends.postgresql.psycopg_any.get_adapters_template",
        "apps.core.db.django_connection_kwargs",
        "relies on",
        "6bff3ca7622806c42cdc7294cb3755ddce1461216886134ddd46412b40b34aa2",
    ),
    Mirror(
        "django.db.backends.postgresql.base.DatabaseWrapper._configure_timezone",
        "apps.core.db.configure_connection",
        "mirrors",
        "3bf5046a8d5e534a211a132dc13c20299cfea485267caaf8534d1538ae9ca01f",
    ),
    # Cursor pagination on the async pool.
    Mirror(
        "rest_framework.pagination.CursorPagination.paginate_queryset",
        "apps.core.upstream.cursor_pagination.apaginate_queryset",
        "mirrors",
        "be7a5cadd71e2f13701a7f72fca9bc21697b84c1ab3fa1a0b9038685e323ae23",
    ),
    Mirror(
        "rest_framework.pagination.CursorPagination.decode_cursor",
        "apps.core.pagination.CursorPagination.decode_cursor",
        "relies on",
        "3f0c1a835ff2b632256f18c464147e7d3fa923860113cc2ea61bfb6a78090650",
    ),
    # No malformed request gets a 500 (docs/security.md).
    Mirror(
        "django.contrib.staticfiles.handlers.StaticFilesHandlerMixin.get_response_async",
        "project.asgi.StaticFilesApp.serve",
        "relies on",
        "b6327375c7333f7cffa15b73416cdd7e635d3ab953829b9e891261a337eed6c0",
    ),
    Mirror(
        "rest_framework.parsers.JSONParser.parse",
        "apps.core.parsers.JSONParser.parse",
        "relies on",
        "c3e7fe4eca088920b28e087ffe45c2bb7b24ebcb8b1ef36bc11e02f7140e2b25",
    ),
    Mirror(
        "rest_framework.renderers.JSONRenderer.render",
        "apps.core.renderers.ORJSONRenderer.render",
        "relies on",
        "9a136d750c0b09d1c9c98f290caf9e8aac99872dcc1e93bf14d7fcf47f8f5ab1",
    ),
    # A new password revokes every session; a hash upgrade at login does not.
    Mirror(
        "django.contrib.auth.base_user.AbstractBaseUser.set_password",
        "apps.accounts.signals.revoke_sessions_on_user_save",
        "relies on",
        "f3b18e8be735b26f803fb520c3eb520a4131157dfcfa1065547f196d2ab39c5e",
    ),
    Mirror(
        "django.contrib.auth.base_user.AbstractBaseUser.check_password",
        "apps.accounts.signals.revoke_sessions_on_user_save",
        "relies on",
        "ffea4dfbd8ebf1ebdee8b1909edf155dd13d8956625062c55295a6a68830289a",
    ),
    Mirror(
        "django.contrib.auth.base_user.AbstractBaseUser.save",
        "apps.accounts.signals.revoke_sessions_on_user_save",
        "relies on",
        "57b7406b6523192184184ba6ea960a93ce7226f6d04e28939db9accc1e89df9a",
    ),
    # The async pools (apps/core/db.py): a checkout fails once the pool is closed,
    # and the checkout check costs a round trip only when it can fail.
    Mirror(
        "psycopg_pool.pool_async.AsyncConnectionPool._getconn_unchecked",
        "apps.core.db.HotPool._get_ready_connection",
        "relies on",
        "55c9edf03c0835933878179bf5c6c8f37b5a95b1c83dc6155d6ca1ac02f552ce",
    ),
    Mirror(
        "psycopg_pool.pool_async.AsyncConnectionPool._get_ready_connection",
        "apps.core.db.HotPool._get_ready_connection",
        "relies on",
        "f6b8f1ae0f304a4d6aab34f5437a5e64a7e25682ed6ad62b5c195d0acca8cbec",
    ),
    Mirror(
        "psycopg_pool.pool_async.AsyncConnectionPool.close",
        "apps.core.db.HotPool._get_ready_connection",
        "relies on",
        "c0d8921359509d39b906cde050f0ae35118da68744dbbfa02f56c7f80559eaca",
    ),
    Mirror(
        "psycopg_pool.pool_async.AsyncConnectionPool._getconn_with_check_loop",
        "apps.core.db.HotPool",
        "relies on",
        "b0d1637bddca5ef6e7812a6df27cfe7daac89f7980f133abaab213fa48ddf048",
    ),
    Mirror(
        "psycopg_pool.pool_async.AsyncConnectionPool.check_connection",
        "apps.core.db.check_connection",
        "relies on",
        "c2fb0ae80181104a947170fb3a1502d2c0cd5b79398caf54ecb459f5ce50d451",
    ),
)
