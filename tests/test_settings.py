"""Every setting is documented: in the README's settings table (as python -m yrd.settings prints it) and in the
--help of the commands that take it."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from yrd import settings
from yrd.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_holds_the_settings_table_as_the_code_writes_it():
    assert settings.markdown() in README, "README's settings table is stale: paste `python -m yrd.settings`"


@pytest.mark.parametrize("name", sorted(settings.SETTINGS))
def test_every_setting_is_in_the_readme(name):
    s = settings.SETTINGS[name]
    assert f"`{s.env}`" in README and (s.option is None or f"`{s.option}`" in README)


@pytest.mark.parametrize("command,names", [
    ("ingest", ["db", "workers", "batch", "max_bytes", "timeout"]), ("extract", ["max_bytes", "timeout"]),
    ("serve", ["db", "host", "port", "token"]), ("search", ["db"]),
])
def test_help_texts_come_from_the_table(command, names):
    out = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
    for name in names:
        s = settings.SETTINGS[name]
        assert s.option in out
        assert s.help.split(" (")[0].split(";")[0][:30] in " ".join(out.split())


def test_values_come_from_the_environment_then_the_default(monkeypatch):
    monkeypatch.setenv("YRD_MAX_BYTES", "2M")
    assert settings.get("max_bytes") == 2 * 2**20
    monkeypatch.delenv("YRD_MAX_BYTES")
    assert settings.get("max_bytes") == 50 * 2**20
    assert settings.get("max_bytes", 7) == 7
    monkeypatch.setenv("YRD_BATCH", "many")
    with pytest.raises(ValueError, match="YRD_BATCH='many': expected a whole number"):
        settings.get("batch")
