from sisnaker.core import extensions


def test_points_answer_through_their_providers_only():
    assert extensions.collect_one("test.nobody", default={}, ids=[1]) == {}

    def ratings(*, ids):
        return {i: 4.5 for i in ids}

    extensions.provide("test.ratings", ratings)
    extensions.provide("test.ratings", ratings)  # once only
    assert extensions.collect("test.ratings", ids=[1, 2]) == [{1: 4.5, 2: 4.5}]
    assert extensions.collect_one("test.ratings", ids=[3]) == {3: 4.5}
