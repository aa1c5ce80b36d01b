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


def test_run_knobs_are_settings_with_the_old_defaults():
    from pipeline.limits import DEFAULT_LIMITS
    from pipeline.records import PassageSizes

    s = Settings.from_mapping({"passage_max_chars": "300", "export_chunk_companies": 2, "document_seconds": "30"})
    assert (s.passage_max_chars, s.export_chunk_companies, s.document_seconds) == (300, 2, 30.0)
    assert PassageSizes() == PassageSizes(max_sentences=5, max_chars=1200, context_words=100)
    assert (DEFAULT_LIMITS.seconds, DEFAULT_LIMITS.memory, DEFAULT_LIMITS.in_process_bytes) == (180.0, 2 * 1024**3, 1 << 20)
    assert (Settings().tag_store_floor, Settings().query_max_ids, Settings().max_retry_after) == (0.05, 500, 120.0)


@pytest.mark.parametrize("values, message", [
    ({"passage_max_chars": 10}, "passage_max_chars"),
    ({"document_seconds": 0}, "document_seconds"),
    ({"tag_store_floor": 2}, "tag_store_floor"),
    ({"export_chunk_companies": 0}, "export_chunk_companies"),
    ({"max_child_sitemaps": -1}, "max_child_sitemaps"),
    ({"evidence_full_chars": -5}, "evidence_full_chars"),
    ({"language_min_confidence": 1.5}, "language_min_confidence"),
])
def test_bad_knob_values_are_named(values, message):
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
