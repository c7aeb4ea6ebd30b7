"""``sisnaker seed`` refuses a database that holds other data, unless told (``--yes``)."""

import pytest

from sisnaker.demo import seed


@pytest.mark.django_db
def test_refuses_a_database_with_other_data_unless_told(citizen):
    with pytest.raises(seed.SeedRefused, match="--yes"):
        seed.seed_check(allow_existing=False)
    seed.seed_check(allow_existing=True)
