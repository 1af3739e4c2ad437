"""The ``ARCHIVE_*`` settings registry (``crawler.settings.archive_settings``) and everything that follows it.

Each of the crawler's own settings is declared once, with its default, type and description: the module's
defaults, what the crawler reads, what ``--set`` accepts, and the README's settings table come from it.
These tests fail when one of them drifts (run this file as a script to print the README's table).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.settings import Settings

import crawler.settings
from crawler.runner import SettingError, check_overrides, default_settings
from crawler.settings import archive_settings, read_setting

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SETTING_NAME = re.compile(r"\bARCHIVE_[A-Z_]+\b")


def _shown(default: object) -> str:
    if default is None:
        return "unset"
    if isinstance(default, float):
        return f"`{default:g}`"
    return f"`{default}`"


def readme_table() -> str:
    """The README's settings table, as the registry says it."""
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {_shown(s.default)} | {s.description} |" for s in archive_settings.values()]
    return "\n".join(rows) + "\n"


def test_the_readme_table_is_the_registry_s():
    assert readme_table() in README.read_text(encoding="utf-8"), (
        "README.md's settings table differs from crawler.settings.archive_settings; put this one in its "
        f"place (`python -m tests.test_settings` prints it):\n{readme_table()}"
    )


def test_the_module_s_defaults_are_the_registry_s():
    settings = Settings()
    settings.setmodule(crawler.settings)
    assert {name: settings[name] for name in settings.attributes if name.startswith("ARCHIVE_")} == {
        name: s.default for name, s in archive_settings.items()
    }


@pytest.mark.parametrize("setting", archive_settings.values(), ids=lambda s: s.name)
def test_each_setting_is_well_declared(setting):
    assert setting.name.startswith("ARCHIVE_") and setting.description.strip()
    assert "\n" not in setting.description and "|" not in setting.description  # one table cell
    assert setting.default is None or type(setting.default) is setting.type
    assert read_setting(Settings(), setting.name) == setting.default
    assert read_setting(Settings({setting.name: setting.default}), setting.name) == setting.default


def _python_files():
    for package in ("crawler", "cess_archive"):
        yield from (ROOT / package).rglob("*.py")


def test_every_archive_setting_the_code_names_is_declared():
    named = {name for path in _python_files() for name in SETTING_NAME.findall(path.read_text(encoding="utf-8"))}
    assert named - set(archive_settings) == set()


def test_no_call_site_repeats_a_default():
    """The crawler reads its settings with ``read_setting`` (type and default from the registry), not with
    ``settings.getint("ARCHIVE_…", 2)``."""
    repeated = re.compile(r"\.get(?:bool|int|float|list|dict)?\(\s*[\"']ARCHIVE_")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if repeated.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("setting", archive_settings.values(), ids=lambda s: s.name)
def test_set_follows_the_registry(setting):
    """``--set`` refuses what the registry says cannot be set, or does not work, and takes the rest."""
    name = setting.name
    assert name in default_settings()

    def refused(value: str) -> str:
        with pytest.raises(SettingError) as error:
            check_overrides({name: value})
        return str(error.value)

    if setting.chosen_by:
        assert refused("x").endswith(setting.chosen_by)
        return
    if setting.type in (bool, int, float):
        assert "expected" in refused("not-a-value")
    if setting.at_least is not None:
        assert f"of at least {setting.at_least:g}" in refused(str(setting.at_least - 1))
        assert check_overrides({name: str(setting.at_least)})[0] == {name: str(setting.at_least)}
    if setting.greater_than is not None:
        assert f"greater than {setting.greater_than:g}" in refused(str(setting.greater_than))
    if name != "ARCHIVE_ENABLED":  # cess-archive crawl always archives
        assert check_overrides({name: str(setting.default)}) == ({name: str(setting.default)}, [])


if __name__ == "__main__":
    print(readme_table(), end="")
