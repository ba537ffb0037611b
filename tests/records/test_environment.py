import platform
from importlib import metadata

from govaudit.records import EnvironmentInfo
from govaudit.records._environment import DEFAULT_PACKAGES, capture_environment

from _factories import make_record


def test_default_packages_cover_the_stack():
    assert set(DEFAULT_PACKAGES) == {
        "numpy", "pandas", "scipy", "scikit-learn", "fairlearn", "shap", "skops", "pydantic", "pyarrow", "govaudit",
    }


def test_capture_environment_describes_this_interpreter():
    env = capture_environment()
    assert isinstance(env, EnvironmentInfo)
    assert env.python == platform.python_version()
    assert env.platform == platform.platform()
    assert env.packages["pydantic"] == metadata.version("pydantic")
    assert env.packages["govaudit"] == metadata.version("govaudit")
    assert set(env.packages) <= set(DEFAULT_PACKAGES)


def test_package_not_installed_is_omitted():
    env = capture_environment(packages=("pydantic", "govaudit-no-such-package-xyz"))
    assert set(env.packages) == {"pydantic"}


def test_faked_metadata_decides_what_is_recorded(monkeypatch):
    installed = {"numpy": "2.1.0", "scikit-learn": "1.5.2"}

    def fake_version(name):
        if name not in installed:
            raise metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(metadata, "version", fake_version)
    env = capture_environment()
    assert env.packages == installed


def test_empty_package_list():
    assert capture_environment(packages=()).packages == {}


def test_captured_environment_fits_in_a_record():
    record = make_record(environment=capture_environment())
    assert record.environment.python == platform.python_version()
