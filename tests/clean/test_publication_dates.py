import pytest

from yrd.clean.dates import date_from_url, parse_date


@pytest.mark.parametrize(
    "stamp, iso",
    [
        ("Tue, 14 Jun 2022 09:05:41 GMT", "2022-06-14T09:05:41+00:00"),  # a GMT stamp stays GMT
        ("Fri, 17 Jun 2022 03:49:08 +0800", "2022-06-17T03:49:08+08:00"),
        ("2021-10-23T12:22:33+08:00", "2021-10-23T12:22:33+08:00"),
        ("2022-06-14T09:05:41Z", "2022-06-14T09:05:41+00:00"),
        ("2022-08-09 10:21:00", "2022-08-09T10:21:00+08:00"),  # Chinese sites publish in Beijing time
        ("2022年08月09日 10:21", "2022-08-09T10:21:00+08:00"),
        ("2022年8月9日", "2022-08-09"),  # a date stays a date
        ("2023-05-18 08:30:00 +0800", "2023-05-18T08:30:00+08:00"),
        ("20220111 19:00", "2022-01-11T19:00:00+08:00"),
        ("2022/9/18", "2022-09-18"),
    ],
)
def test_parse_date(stamp, iso):
    assert parse_date(stamp) == iso


@pytest.mark.parametrize("bad", ["", "明天", "2022-13-45", "not a date", None])
def test_parse_date_rejects_nonsense(bad):
    assert parse_date(bad) is None


@pytest.mark.parametrize(
    "url, iso",
    [
        ("https://www.example.com.cn/2022/09/18/c_1129012345.htm", "2022-09-18"),
        ("https://tv.cctv.com/2025/02/04/VIDE00Fb8tZtX37PFOkBV9Rf250204.shtml", "2025-02-04"),
        ("http://www.gov.cn/art/2022/9/18/art_1_2.html", "2022-09-18"),
        ("http://www.example.gov.cn/xxgk/t20220918_123.html", "2022-09-18"),
        ("https://example.com/about.html", None),
        (None, None),
    ],
)
def test_date_from_url(url, iso):
    assert date_from_url(url) == iso
