"""fib_benchmarks.builds: which wheel is which build."""

import pytest
from fib_benchmarks import builds


def test_a_wheel_rebuilt_after_the_manifest_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(builds, "WHEELS_DIR", tmp_path)
    monkeypatch.setattr(builds, "MANIFEST", tmp_path / "manifest.json")
    wheel = tmp_path / "native-release" / "fib_pyrs-0.1.0-cp311-cp311-linux_x86_64.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"first build")
    builds.write_manifest()
    assert builds.find_wheel("rust-release").path == wheel
    wheel.write_bytes(b"second build")
    with pytest.raises(builds.BuildError, match=r"changed after manifest\.json was written"):
        builds.find_wheel("rust-release")
