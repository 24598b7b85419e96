from yrd.clean.script import detect_script, strip_pinyin, to_simplified


def test_pinyin_appended_by_a_converter_is_stripped():
    assert strip_pinyin("湖州推進(jìn)綠色發(fā)展") == "湖州推進綠色發展"
    assert strip_pinyin("長(zhǎng)三角一體(tǐ)化") == "長三角一體化"


def test_real_parentheses_stay():
    text = "開放合作(擴大)，價格（含稅），型號(A)，(ok)"
    assert strip_pinyin(text) == text


def test_toneless_ascii_in_parentheses_is_not_pinyin():
    assert strip_pinyin("示范区(shi)方案") == "示范区(shi)方案"


def test_detect_script():
    assert detect_script("湖州推進綠色發展，長三角一體化進程加快。") == "zh-Hant"
    assert detect_script("湖州推进绿色发展，长三角一体化进程加快。") == "zh-Hans"
    assert detect_script("GDP增长5.6%") == "zh-Hans"
    # a simplified text with one legitimately traditional-looking name stays simplified
    assert detect_script("乾隆年间的古镇周庄，如今是长三角一体化示范区的一部分。") == "zh-Hans"


def test_to_simplified_keeps_every_offset():
    original = "長三角生態綠色一體化發展示範區執行委員會在嘉善揭牌\n頭髮、乾隆、著作"
    simplified = to_simplified(original)
    assert len(simplified) == len(original)
    assert simplified.startswith("长三角生态绿色一体化发展示范区执行委员会")
    i = original.index("嘉善")
    assert simplified[i:i + 2] == "嘉善"
