"""Every copy of (or reliance on) framework internals is fingerprinted: an upgrade
that changes the upstream source fails here with "re-review this copy"."""

import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

from apps.core.upstream import MIRRORS, Mirror, fingerprint, resolve, stale


@pytest.mark.parametrize("mirror", MIRRORS, ids=lambda mirror: mirror.upstream)
def test_upstream_source_is_what_we_reviewed(mirror: Mirror) -> None:
    assert (problem := stale(mirror)) is None, problem


def test_ours_exists_for_every_mirror() -> None:
    for mirror in MIRRORS:
        resolve(mirror.ours)  # raises if ours was renamed without updating MIRRORS


def test_an_altered_upstream_is_caught(tmp_path: Path) -> None:
    """The proof: a copy of Django's ``ASGIHandler.handle`` with one line changed
    (as an upgrade would change it) fails the check loudly."""
    mirror = next(m for m in MIRRORS if m.upstream.endswith("ASGIHandler.handle"))
    source = inspect.getsource(resolve(mirror.upstream))
    altered = source.replace("set_script_prefix(", "set_script_prefix_v2(", 1)
    assert altered != source
    module_file = tmp_path / "altered_upstream.py"
    module_file.write_text("class ASGIHandler:\n" + altered)
    spec = importlib.util.spec_from_file_location("altered_upstream", module_file)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["altered_upstream"] = module
    try:
        spec.loader.exec_module(module)
        target = module.ASGIHandler.handle
        assert fingerprint(target) != mirror.sha256
        problem = stale(mirror, target)
    finally:
        del sys.modules["altered_upstream"]
    assert problem is not None
    assert problem.startswith("re-review this copy: apps.core.upstream.handler.AsyncHandler")
    assert mirror.upstream in problem
