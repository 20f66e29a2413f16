import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reviews.references import ALPHABET, format_reference, new_reference, parse_reference

# A valid reference: 13 data symbols whose value mod 37 is 9.
KNOWN = "0000000000009" + "9"


def _value(symbols: str) -> int:
    value = 0
    for symbol in symbols:
        value = value * 32 + ALPHABET.index(symbol)
    return value


# Valid references built independently of the module: any 13 data symbols whose check value
# has a symbol in the plain alphabet, followed by that symbol.
references = (
    st.text(alphabet=ALPHABET, min_size=13, max_size=13)
    .filter(lambda data: _value(data) % 37 < 32)
    .map(lambda data: data + ALPHABET[_value(data) % 37])
)


def test_round_trip():
    reference = new_reference()
    assert parse_reference(reference) == reference
    assert parse_reference(format_reference(reference)) == reference


def test_a_thousand_references_are_distinct_and_valid():
    references = [new_reference() for _ in range(1000)]
    assert len(set(references)) == 1000
    for reference in references:
        assert len(reference) == 14
        assert set(reference) <= set(ALPHABET)
        assert parse_reference(reference) == reference


def test_format_groups_of_four():
    assert format_reference("ABCDEFGHJKMNPQ") == "ABCD-EFGH-JKMN-PQ"


def test_check_symbol_is_the_value_mod_37():
    assert parse_reference(KNOWN) == KNOWN
    assert parse_reference("000000000000Z" + "Z") == "000000000000ZZ"  # 31 mod 37
    assert parse_reference("00000000000100") is None  # 32 mod 37 needs a symbol we never use


@pytest.mark.parametrize(
    "transform",
    [
        str.lower,
        format_reference,
        lambda ref: " ".join(format_reference(ref).split("-")),
        lambda ref: f"  {format_reference(ref).lower()}\n",
        lambda ref: "-".join(ref),
    ],
)
def test_case_and_separators_are_ignored(transform):
    reference = new_reference()
    assert parse_reference(transform(reference)) == reference


@given(references)
def test_any_valid_reference_parses(reference):
    assert parse_reference(reference) == reference


@given(reference=references, data=st.data())
def test_confusable_letters_are_read_as_digits(reference, data):
    typed = "".join(
        data.draw(st.sampled_from({"0": "0oO", "1": "1iIlL"}.get(symbol, symbol)))
        for symbol in reference
    )
    assert parse_reference(typed) == reference


@given(
    reference=references,
    position=st.integers(min_value=0, max_value=13),
    replacement=st.sampled_from(ALPHABET),
)
def test_a_single_changed_symbol_is_rejected(reference, position, replacement):
    assume(reference[position] != replacement)
    changed = reference[:position] + replacement + reference[position + 1 :]
    assert parse_reference(changed) is None


@given(reference=references, position=st.integers(min_value=0, max_value=12))
def test_swapping_neighbouring_symbols_is_rejected(reference, position):
    first, second = reference[position], reference[position + 1]
    assume(first != second)
    swapped = reference[:position] + second + first + reference[position + 2 :]
    assert parse_reference(swapped) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        KNOWN[:-1],  # too short
        KNOWN + "0",  # too long
        "U" + KNOWN[1:],  # U is not in the alphabet
        "*" + KNOWN[1:],
        KNOWN[:6] + "_" + KNOWN[6:-1],
        "\uff10" + KNOWN[1:],  # full-width zero
        "hello, world!!",
        "ABCD-EFGH-JKMN-PQ",  # right shape, wrong check symbol
    ],
)
def test_garbage_is_rejected(text):
    assert parse_reference(text) is None
