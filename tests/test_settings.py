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
    ({"pdf_edge_band": 0.7}, r"pdf_edge_band=0.7: must be from 0 to 0.5 of the page height"),
    ({"pdf_title_size": 1.1}, r"pdf_title_size=1.1, pdf_heading_size=1.15: .*title >= heading"),
    ({"pdf_gutter_min_rows": 0}, r"pdf_gutter_min_rows=0: must be at least 1 rows"),
    ({"html_keep_wrappers": 300}, r"html_keep_wrappers=300: must be from 1 to 255 levels"),
    ({"outline_probe_chars": 2}, r"outline_probe_chars=2: must be at least 3 characters"),
    ({"widget_max_line_words": 0}, r"widget_max_line_words=0"),
    ({"doctype_lead_words": 0}, r"doctype_lead_words=0: must be from 1 to 1000 words"),
    ({"pdf_heading_size": "big"}, r"pdf_heading_size='big': expected float"),
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


def test_extraction_options_are_the_settings_with_the_old_values():
    """Every extraction heuristic that was a module constant is a setting with the value it had."""
    from dataclasses import asdict

    from pipeline.records import DoctypeOptions, ExtractOptions

    assert asdict(ExtractOptions()) == {
        "pdf_edge_lines": 1, "pdf_edge_band": 0.1, "pdf_running_share": 0.5, "pdf_heading_size": 1.15,
        "pdf_title_size": 1.4, "pdf_heading_max_words": 15, "pdf_caps_heading_max_words": 8,
        "pdf_caps_heading_min_letters": 4, "pdf_numbered_heading_max_words": 10, "pdf_heading_wrap_gap": 2.5,
        "pdf_paragraph_gap": 1.6, "pdf_short_line": 0.8, "pdf_size_tolerance": 0.5, "pdf_wide_lines_share": 0.3,
        "pdf_gutter_min_gap": 12.0, "pdf_gutter_side_share": 0.15, "pdf_gutter_min_rows": 5,
        "pdf_gutter_rows_share": 0.3, "pdf_gutter_crossing_gap": 8.0, "pdf_column_min_letters": 0.6,
        "pdf_column_min_words": 3.0, "pdf_page_number_drop": 1.5, "pdf_hyphen_common_zipf": 3.5, "html_label_max_words": 14, "html_keep_wrappers": 100,
        "outline_probe_chars": 40, "outline_max_gap_chars": 80, "outline_max_link_share": 0.5, "widget_max_words": 100, "widget_max_line_words": 25, "sidebar_max_share": 0.3,
    }
    assert asdict(DoctypeOptions()) == {"doctype_body_chars": 200_000, "doctype_body_floor_chars": 5_000,
                                        "doctype_lead_blocks": 4, "doctype_lead_words": 20}
    assert Settings().briefing_panel_rows == 100
    s = Settings.from_mapping({"pdf_edge_band": "0.05", "widget_max_words": 60})
    assert ExtractOptions.from_settings(s) == ExtractOptions(pdf_edge_band=0.05, widget_max_words=60)


def test_extraction_options_are_checked_like_settings():
    from pipeline.records import ExtractOptions

    with pytest.raises(SettingsError, match="pdf_short_line=1.5: must be from 0 to 1 of the full line width"):
        ExtractOptions(pdf_short_line=1.5)
