"""normalize_text: the OCR damage it must undo, and the structure it must keep."""

from xinfang.intake.normalize import normalize_text


def test_fullwidth_digits_and_ascii_punctuation_between_chinese():
    assert normalize_text("电话:１３８００１３８０００,住址:前屯村") == "电话：13800138000，住址：前屯村"


def test_spaces_between_chinese_characters_are_dropped_digit_groups_joined():
    assert normalize_text("我 叫 张 三 ， 电话 131 1824 9431") == "我叫张三，电话13118249431"


def test_letter_lookalikes_inside_numbers():
    assert normalize_text("身份证号：3715231980O1Ol2345") == "身份证号：371523198001012345"
    assert normalize_text("电话：l3800138000") == "电话：13800138000"


def test_chinese_confusions():
    assert normalize_text("赔了3干元，己经半年了，自已也没办法，6月2曰") == "赔了3千元，已经半年了，自己也没办法，6月2日"


def test_word_with_letters_is_left_alone():
    assert normalize_text("Hello 2023") == "Hello 2023"


def test_mid_sentence_line_break_joined_but_signature_block_kept():
    text = "去年村里把我家承包了八年的责任田收回后转包给了\n外地老板，一直没有给补偿。\n此致\n敬礼\n具名：张三\n2023年11月6日"
    assert normalize_text(text) == ("去年村里把我家承包了八年的责任田收回后转包给了外地老板，一直没有给补偿。\n此致\n敬礼\n"
                                    "具名：张三\n2023年11月6日")


def test_numbered_demands_stay_on_their_lines():
    text = "我的要求如下，请领导一定要重视并且尽快处理好\n1、退还土地\n2、赔偿损失"
    assert normalize_text(text).split("\n") == ["我的要求如下，请领导一定要重视并且尽快处理好", "1、退还土地", "2、赔偿损失"]


def test_empty():
    assert normalize_text("") == ""
