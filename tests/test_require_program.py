"""``require_program`` and ``require_font``: a missing program or font skips a test with its
install command, fails in CI.

``shutil.which`` is replaced so each case sees a machine with or without the program.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import require_font, require_program, under_ci

HINT = "apt-get install -y chromium"


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The programs this fake machine has: ``{name: path}``, empty unless a test adds some."""
    installed: dict[str, str] = {}
    monkeypatch.setattr("shutil.which", lambda name, *a, **k: installed.get(name))
    return installed


def test_found_returns_the_first_name_on_the_machine(machine: dict[str, str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    machine["chromium-browser"] = "/opt/bin/chromium-browser"
    machine["chromium"] = "/usr/local/bin/chromium"
    assert require_program(("/usr/bin/chromium", "chromium", "chromium-browser"), HINT) \
        == "/usr/local/bin/chromium"
    assert require_program("chromium-browser", HINT) == "/opt/bin/chromium-browser"


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_outside_ci_skips_naming_the_install_command(
        machine: dict[str, str], monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    machine["firefox"] = "/usr/bin/firefox"  # another program does not count
    with pytest.raises(pytest.skip.Exception) as info:
        require_program(("chromium", "chromium-browser"), HINT)
    reason = str(info.value)
    assert "\n" not in reason
    assert reason == ("needs chromium or chromium-browser, which is not installed; "
                      "install it with `apt-get install -y chromium`")


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_missing_under_ci_fails(machine: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    assert under_ci()
    with pytest.raises(pytest.fail.Exception) as info:
        require_program("soffice", "apt-get install -y libreoffice-calc-nogui")
    message = str(info.value)
    assert "`apt-get install -y libreoffice-calc-nogui`" in message and "CI=true" in message
    assert "\n" not in message


def test_the_two_program_tests_use_it() -> None:
    """The browser and LibreOffice tests go through the helper (no pytest.fail of their own)."""
    from pathlib import Path

    here = Path(__file__).parent
    for name, hint in (("test_report_browser.py", "apt-get install -y chromium"),
                       ("test_workbook.py", "apt-get install -y libreoffice-calc-nogui")):
        text = (here / name).read_text(encoding="utf-8")
        assert "require_program(" in text and hint in text, name
        assert "shutil.which" not in text, name


@pytest.mark.parametrize("fonts", ["", "Noto Sans CJK JP\nNoto Serif CJK JP\n"])
@pytest.mark.parametrize("ci", ["", "true"])
def test_a_font_for_a_language(machine: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                               fonts: str, ci: str) -> None:
    """fontconfig lists the fonts of a language; none listed (or no fc-list) is a skip
    naming the package, a failure under CI."""
    monkeypatch.setenv("CI", ci)
    machine["fc-list"] = "/usr/bin/fc-list"
    asked: list[list[str]] = []

    def fc_list(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        asked.append(args)
        return subprocess.CompletedProcess(args, 0, stdout=fonts, stderr="")

    monkeypatch.setattr(subprocess, "run", fc_list)
    if fonts:
        require_font("ja", "apt-get install -y fonts-noto-cjk")
    else:
        expected = pytest.fail.Exception if ci else pytest.skip.Exception
        with pytest.raises(expected, match="needs a font for language 'ja', which is not "
                           "installed; install it with `apt-get install -y fonts-noto-cjk`"):
            require_font("ja", "apt-get install -y fonts-noto-cjk")
    assert asked == [["/usr/bin/fc-list", ":lang=ja", "family"]]


def test_no_fontconfig_is_no_font(machine: dict[str, str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="fonts-noto-cjk"):
        require_font("ja", "apt-get install -y fonts-noto-cjk")
