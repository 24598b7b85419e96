import pytest

from yrd.extract.dates import find_dates

PUB = "2022-09-20T10:00:00+08:00"


def only(text: str, published_at: str | None = PUB) -> dict:
    """The one date found in ``text``, with its span checked against the slice."""
    found = find_dates(text, published_at)
    assert len(found) == 1, found
    d = found[0]
    assert text[d["start"]:d["end"]] == d["text"]
    return d


# (sentence, span expected, value, precision, end_value, relative) — published 2022-09-20
CASES = [
    # absolute
    ("第三届长三角一体化发展高层论坛于2021年10月22日在合肥举行。", "2021年10月22日", "2021-10-22", "day", None, False),
    ("示范区执委会2019年3月发布首批制度创新成果。", "2019年3月", "2019-03", "month", None, False),
    ("2022年，沪苏浙皖共推出跨省通办事项百余项。", "2022年", "2022", "year", None, False),
    ("公告落款日期为2023-05-18，自发布之日起施行。", "2023-05-18", "2023-05-18", "day", None, False),
    ("方案自2023/5/18起施行。", "2023/5/18", "2023-05-18", "day", None, False),
    ("签约仪式定于2023.05.18举行。", "2023.05.18", "2023-05-18", "day", None, False),
    ("会议纪要编号注明2019-03印发。", "2019-03", "2019-03", "month", None, False),
    ("二〇二三年五月十八日，三省一市联合印发通知。", "二〇二三年五月十八日", "2023-05-18", "day", None, False),
    ("该报告披露了企业2023年度的研发投入。", "2023年度", "2023", "year", None, False),
    # partial, resolved against the publication date
    ("9月18日上午，长三角G60科创走廊联席会议在松江召开。", "9月18日上午", "2022-09-18", "day", None, True),
    ("15日下午，沪苏两地签署了合作备忘录。", "15日下午", "2022-09-15", "day", None, True),
    ("当地时间18日晚，代表团抵达汉堡。", "18日晚", "2022-09-18", "day", None, True),
    ("安徽省统计局8月发布的数据显示增长明显。", "8月", "2022-08", "month", None, True),
    # relative words
    ("今天，长三角区域合作办公室发布年度工作要点。", "今天", "2022-09-20", "day", None, True),
    ("昨日，杭州都市圈协调会在湖州召开。", "昨日", "2022-09-19", "day", None, True),
    ("前天，首批跨省公交线路开通运营。", "前天", "2022-09-18", "day", None, True),
    ("明天，长三角文旅联盟将在黄山启动。", "明天", "2022-09-21", "day", None, True),
    ("去年11月，示范区推出第二批共建共享公共服务项目。", "去年11月", "2021-11", "month", None, True),
    ("今年5月，合肥都市圈扩容至九市。", "今年5月", "2022-05", "month", None, True),
    ("明年，沪宁合高铁将开工建设。", "明年", "2023", "year", None, True),
    ("上个月，上海与南通签署了战略合作协议。", "上个月", "2022-08", "month", None, True),
    ("本月，嘉兴启动了新一轮招商推介。", "本月", "2022-09", "month", None, True),
    ("下月，首届长三角数字经济大会将在苏州举办。", "下月", "2022-10", "month", None, True),
    ("上周，长三角生态绿色一体化发展示范区开发者大会召开。", "上周", "2022-09-13", "approx", None, True),
    ("近日，浙江省出台支持嘉兴全面接轨上海的意见。", "近日", "2022-09-20", "approx", None, True),
    ("江苏省政府日前印发了实施方案。", "日前", "2022-09-20", "approx", None, True),
    ("示范区年内将再推出一批制度创新成果。", "年内", "2022", "year", None, True),
    ("今年底，沪苏湖铁路主体工程将基本完工。", "今年底", "2022", "year", None, True),
    # periods
    ("2023年上半年，长三角地区生产总值同比增长。", "2023年上半年", "2023-01", "period", "2023-06", False),
    ("一季度，宁波舟山港集装箱吞吐量保持增长。", "一季度", "2022-01", "period", "2022-03", True),
    ("前三季度，苏州实际使用外资创新高。", "前三季度", "2022-01", "period", "2022-09", True),
    ("2022年1-8月，三省一市进出口总额稳中有升。", "2022年1-8月", "2022-01", "period", "2022-08", False),
    ("论坛5月18日至20日在南京举行。", "5月18日至20日", "2022-05-18", "period", "2022-05-20", True),
    # deadlines and plan periods
    ("到2027年，长三角一体化发展取得实质性进展。", "到2027年", "2027", "year", None, False),
    ("至2027年，示范区将形成一批可复制的制度成果。", "至2027年", "2027", "year", None, False),
    ("相关工程力争2027年前全部建成。", "2027年前", "2027", "year", None, False),
    ("到2025年底，都市圈通勤一小时可达。", "到2025年底", "2025", "year", None, False),
    ("2035年前基本实现区域一体化。", "2035年前", "2035", "year", None, False),
    ("“十五五”期间，三省一市将共建世界级产业集群。", "“十五五”期间", "2026", "period", "2030", False),
    ("十五五时期是长三角一体化的关键阶段。", "十五五时期", "2026", "period", "2030", False),
    ("“十四五”规划纲要明确了长三角的战略定位。", "“十四五”", "2021", "period", "2025", False),
    ("十三五以来，区域合作机制不断完善。", "十三五", "2016", "period", "2020", False),
    ("展望十六五，区域发展将迈上新台阶。", "十六五", "2031", "period", "2035", False),
    ("《2021—2025年行动计划》正式印发。", "2021—2025年", "2021", "period", "2025", False),
    ("《2023-2025年三年行动方案》提出了具体任务。", "2023-2025年", "2023", "period", "2025", False),
]


@pytest.mark.parametrize("text, span, value, precision, end_value, relative", CASES)
def test_date(text, span, value, precision, end_value, relative):
    d = only(text)
    assert d["text"] == span
    assert d["start"] == text.index(span)
    assert (d["value"], d["precision"], d["end_value"], d["relative"]) == (value, precision, end_value, relative)


def test_time_after_a_date_joins_the_span():
    text = "2023年5月18日 10:21，长三角一体化示范区发布公告。"
    d = only(text)
    assert (d["text"], d["value"], d["precision"], d["time"]) == ("2023年5月18日 10:21", "2023-05-18", "day", "10:21")


def test_afternoon_time_is_on_the_24_hour_clock():
    d = only("活动于9月18日下午3时30分开幕。")
    assert (d["text"], d["value"], d["time"]) == ("9月18日下午3时30分", "2022-09-18", "15:30")


def test_no_time_key_without_a_time():
    assert "time" not in only("9月18日上午，会议召开。")


@pytest.mark.parametrize(
    "text, published_at, span, value",
    [
        ("12月30日，长三角铁路年度运输工作会议召开。", "2023-01-03", "12月30日", "2022-12-30"),
        ("12月，沪苏湖铁路全线铺轨贯通。", "2023-01-03", "12月", "2022-12"),
        ("15日，跨年招商活动在苏州举行。", "2023-01-03", "15日", "2022-12-15"),
        ("1月2日，首趟跨省通勤专列发车。", "2022-12-30", "1月2日", "2023-01-02"),
        ("3日上午，专题会议在上海召开。", "2023-01-03T08:00:00+08:00", "3日上午", "2023-01-03"),
        ("昨天，长三角统计部门发布数据。", "2023-01-01", "昨天", "2022-12-31"),
        ("去年11月，示范区出台新政。", "2023-01-03", "去年11月", "2022-11"),
    ],
)
def test_year_boundary(text, published_at, span, value):
    d = only(text, published_at)
    assert (d["text"], d["value"]) == (span, value)


def test_far_future_month_day_reads_as_last_year():
    # published in March, an undated "10月18日" in news is most likely the past October
    assert only("10月18日，三省一市签署合作协议。", "2023-03-10")["value"] == "2022-10-18"


def test_deadline_month_reads_as_this_year():
    # "到12月底" points forward, so the coming December wins
    d = only("到12月底，项目将全部完工。", "2022-09-20")
    assert (d["text"], d["value"], d["precision"]) == ("到12月底", "2022-12", "month")


def test_utc_publication_time_is_read_in_beijing_time():
    # 2022-09-19 20:00 UTC is already the 20th in Beijing
    assert only("今天，论坛开幕。", "2022-09-19T20:00:00+00:00")["value"] == "2022-09-20"


def test_without_publication_date_relative_dates_have_no_value():
    found = find_dates("9月18日上午，长三角联席会议召开；去年11月方案印发；近日，上海发布通知；2023年5月正式实施。", None)
    assert [(d["text"], d["value"], d["relative"]) for d in found] == [
        ("9月18日上午", None, True), ("去年11月", None, True), ("近日", None, True), ("2023年5月", "2023-05", False)]


def test_several_dates_in_order_without_overlap():
    text = "2021年至2023年间，示范区于2022年6月发布方案，到2025年底完成建设。"
    found = find_dates(text, PUB)
    assert [d["text"] for d in found] == ["2021年至2023年", "2022年6月", "到2025年底"]
    assert all(text[d["start"]:d["end"]] == d["text"] for d in found)
    assert all(a["end"] <= b["start"] for a, b in zip(found, found[1:]))


@pytest.mark.parametrize(
    "text",
    [
        "两地出资比例为6∶4。",
        "项目建设周期为24个月。",
        "咨询电话0571-88886666。",
        "G60科创走廊建设持续推进。",
        "全年完成投资2027亿元。",
        "这座百年老街已有100年历史。",
        "力争3年内完成改造，5年内全面见效。",
        "前天津市委书记出席了活动。",
        "一体化发展由来已久，成效明显。",
        "记者从现场了解到相关情况。",
        "此后年均增长保持在百分之五以上。",
        "在5个交易日前披露提示性公告。",
    ],
)
def test_no_false_dates(text):
    assert find_dates(text, PUB) == []


def test_to_after_a_verb_is_not_a_deadline():
    d = only("企业受到2022年疫情的冲击。")
    assert d["text"] == "2022年"
