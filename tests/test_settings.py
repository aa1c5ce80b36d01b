import pytest

from pipeline.settings import Settings, SettingsError


def test_defaults_are_polite():
    s = Settings()
    assert s.delay == 1.0 and s.respect_robots and not s.allow_private
    assert "hrdc" in s.user_agent


def test_from_mapping_coerces_and_checks():
    s = Settings.from_mapping({"delay": "0.5", "allow_private": "yes", "jobs": "2"})
    assert (s.delay, s.allow_private, s.jobs) == (0.5, True, 2)


def test_unknown_key_lists_allowed_ones():
    with pytest.raises(SettingsError, match="unknown setting.*dealy.*allowed:.*delay"):
        Settings.from_mapping({"dealy": 1})


@pytest.mark.parametrize("values, message", [
    ({"delay": -1}, "delay"),
    ({"backend": "spark"}, "loky, threading, dask"),
    ({"backend": "dask"}, "--scheduler"),
    ({"jobs": "many"}, "jobs"),
])
def test_bad_values_are_named(values, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_mapping(values)


def test_contact_goes_into_user_agent():
    assert "ops@example.org" in Settings(contact="ops@example.org").full_user_agent


def test_public_api_resolves_every_name():
    import pipeline

    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None, name
    with pytest.raises(AttributeError):
        pipeline.no_such_name
