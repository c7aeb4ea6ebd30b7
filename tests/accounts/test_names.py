"""``accounts.domain.names_match``: the rule that links a typed name to a registered person. Tolerant of
case, spacing, punctuation, accents, and titles or degrees before or after the name; never of a
different name (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sisnaker.accounts.domain import NAME_DEGREES, NAME_PREFIXES, name_key, names_match

PREFIXES = ["Dr.", "dr", "Ir.", "Ir", "Drs.", "Dra.", "Prof.", "Prof", "H.", "H", "Hj.", "Hj", "KH.", "drg."]
DEGREES = ["S.Kom", "S.Kom.", "SKom", "S.T.", "ST", "S.Pd.", "S.Pd", "M.M.", "MM", "A.Md.", "A.Md.Kom", "S.E.", "SE",
           "M.Kom", "M.Kom.", "S.H.", "M.Pd.", "Ph.D.", "S.Pd.I", "M.T."]

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10).filter(
    lambda w: w not in NAME_PREFIXES and w not in NAME_DEGREES)
names = st.lists(word, min_size=1, max_size=4).map(" ".join)
gaps = st.sampled_from([" ", "  ", " \t", ". ", " - ", "\u00a0"])


def _decorate(draw, name: str) -> str:
    """The same name as staff might type it: titles, degrees, other case, other spacing and dots."""
    words = name.split(" ")
    text = words[0]
    for w in words[1:]:
        text += draw(gaps) + w
    cases = draw(st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
    text = cases(text)
    before = draw(st.lists(st.sampled_from(PREFIXES), max_size=3))
    after = draw(st.lists(st.sampled_from(DEGREES), max_size=3))
    joiner = draw(st.sampled_from([", ", " ", ","]))
    out = " ".join(before + [text])
    if after:
        out += joiner + joiner.join(after)
    return draw(st.sampled_from(["", " ", "  "])) + out + draw(st.sampled_from(["", " ", "."]))


@st.composite
def name_and_variant(draw):
    name = draw(names)
    return name, _decorate(draw, name)


@settings(max_examples=400, deadline=None)
@given(name_and_variant())
def test_titles_degrees_case_and_spacing_do_not_count(pair):
    name, variant = pair
    assert names_match(name, variant), (name, variant, name_key(name), name_key(variant))
    assert names_match(variant, name)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_different_name_never_matches_whatever_its_decoration(data):
    a, b = data.draw(names), data.draw(names)
    assume(a.replace(" ", "") != b.replace(" ", ""))
    assert not names_match(_decorate(data.draw, a), _decorate(data.draw, b))


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_any_text_gives_a_symmetric_answer_and_never_raises(a, b):
    assert names_match(a, b) is names_match(b, a)
    assert isinstance(name_key(a), str)
    if name_key(a):
        assert names_match(a, a)
    else:
        assert not names_match(a, a)  # nothing to compare: never a match


@pytest.mark.parametrize(("registered", "typed"), [
    ("Budi Santoso", "Dr. Ir. H. Budi Santoso, S.T., M.M."),
    ("Siti Aminah", "Hj. SITI AMINAH, S.Pd.I"),
    ("Siti Aminah", "Dra Siti  Aminah SE"),
    ("Budi Santoso", "Prof.Dr.Budi Santoso S.T.M.M."),
    ("Budi Santoso", "budi santoso,S.Kom"),
    ("Budi Santoso", "Drs. Budi Santoso, A.Md."),
    ("Budi Santoso", "BUDI SANTOSO M.Kom"),
    ("Dédé Sunarya", "Dede Sunarya"),
    ("Ma'ruf Amin", "Maruf Amin"),
    ("Nur Aini", "Nuraini"),
])
def test_examples_that_match(registered, typed):
    assert names_match(registered, typed)


@pytest.mark.parametrize(("registered", "typed"), [
    ("Budi Santoso", "Budi Santosa"),
    ("Budi Santoso", "Budi"),
    ("Siti Aminah", "Aminah Siti"),
    ("Hendra Wijaya", "Endra Wijaya"),  # "H" only counts as a title when it stands alone
    ("Budi Santoso", ""),
    ("", ""),
])
def test_examples_that_do_not_match(registered, typed):
    assert not names_match(registered, typed)
