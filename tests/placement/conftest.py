import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """AK/1 photos (and any other stored file) go to a temporary MEDIA_ROOT (the default storage)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
