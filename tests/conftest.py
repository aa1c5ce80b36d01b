import pytest

from pipeline.settings import data_dir


@pytest.fixture(scope="session")
def shared_data():
    """The shared evaluation data; tests that need it skip where it is absent (a user's clone)."""
    path = data_dir()
    if not (path / "README.md").exists():
        pytest.skip(f"shared data not found at {path} (set HRDC_DATA to run this test)")
    return path
