from datetime import date

from xinfang.core import idcard


def test_check_digit_from_the_standard_example():
    # GB 11643-1999 worked example: 11010519491231002 -> X
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.is_valid("11010519491231002X")
    assert not idcard.is_valid("110105194912310021")


def test_impossible_birth_date_is_invalid():
    number = "110105" + "19491331" + "002"
    assert not idcard.is_valid(number + idcard.check_char(number))


def test_full_width_and_spaces_are_normalised():
    assert idcard.repair("１１０１０５ 1949 1231 002x").value == "11010519491231002X"


def test_a_lookalike_letter_is_repaired_when_the_check_digit_allows_one_candidate():
    number = idcard.make("410102", date(1968, 3, 5), 123)
    result = idcard.repair(number[:9] + "B" + number[10:])
    if number[9] == "8":
        assert result.valid and result.repaired_position is None
    else:
        assert result.valid and result.value == number and result.repaired_position == 9
        assert "第10位" in result.note


def test_a_wrong_digit_without_a_suspect_position_is_not_guessed():
    number = idcard.make("410102", date(1968, 3, 5), 123)
    wrong = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    result = idcard.repair(wrong)
    assert not result.valid and result.value == wrong
