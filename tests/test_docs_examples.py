"""Every example in README.md and docs/*.md runs as written and says what the code does.

- Each ```python block runs, in a fresh folder holding copies of ``inputs/`` and
  ``models/`` (the repository root as a reader has it after a clone). A block followed by
  a line ``prints`` and a ```text block must print exactly that text.
- Each ``osa-opt …`` line of a ```bash, ```sh, ```console, ```text or bare block (with or
  without a leading ``$``) parses: the subcommand exists and accepts its options and values
  (a usage synopsis such as ``osa-opt compare [INPUT] [--policy FILE]...`` must name only
  real options). Each inline ```osa-opt …``` in the prose names only real options too.
- The lines that are fast on the shipped example run for real, through the console entry
  point (``run_cli``), in that fresh folder: every ``validate``, ``template``, ``explain``
  and ``solve``, and every line the docs show output for. Where output is shown, each shown
  line must occur in what the command prints (box-drawing and runs of spaces ignored, so a
  table may be abridged or wrapped differently; ``…`` or ``...`` stands for any text). The
  exit code must be 0, or 3 when the shown output is a diagnosis (lines ``- …``). A solve
  with no output shown runs with ``--no-explain`` added, to keep the suite fast.

A block not meant to run is marked by a line ``<!-- no-test -->`` just before it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest

from osa_opt.cli import COMMANDS, cli
from osa_opt.cli.common import run_cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP_MARK = "<!-- no-test -->"
COMMAND_LANGS = {"", "bash", "sh", "shell", "console", "text"}
FAST = {"validate", "template", "explain", "solve"}

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^(?P=indent)```",
                   re.S | re.M)


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    body: str
    skip: bool
    after: str  # the page's text after the block

    @property
    def where(self) -> str:
        return f"{self.page.name}:{self.line}"


@dataclass
class CommandLine:
    where: str
    args: list[str]
    synopsis: bool
    shown: list[str] = field(default_factory=list)  # the output the docs show for it

    @property
    def name(self) -> str:
        return self.args[0] if self.args else ""


def blocks() -> list[Block]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            before = text[: m.start()].rstrip().splitlines()
            indent = m.group("indent")
            body = "".join(line[len(indent):] if line.startswith(indent) else line
                           for line in m.group("body").splitlines(keepends=True))
            found.append(Block(page, text[: m.start()].count("\n") + 1, m.group("lang"), body,
                               bool(before) and before[-1].strip() == SKIP_MARK,
                               text[m.end():]))
    return found


BLOCKS = blocks()
PYTHON = [b for b in BLOCKS if b.lang == "python" and not b.skip]


def command_lines(block: Block) -> list[CommandLine]:
    """The ``osa-opt`` lines of a block, continuation lines joined, with the output shown."""
    out: list[CommandLine] = []
    lines = block.body.splitlines()
    prompt_style = any(x.strip().startswith("$ ") for x in lines)  # else: no output shown
    k = 0
    while k < len(lines):
        line = lines[k].strip()
        k += 1
        if line.startswith("$ "):
            line = line[2:].strip()
        if not (line == "osa-opt" or line.startswith("osa-opt ")):
            continue
        while line.endswith("\\") and k < len(lines):  # shell continuation
            line = line[:-1] + " " + lines[k].strip()
            k += 1
        synopsis = "[--" in line or "]..." in line
        while synopsis and k < len(lines) and lines[k][:1].isspace():  # synopsis goes on
            line += " " + lines[k].strip()
            k += 1
        words = shlex.split(line, comments=True)
        for stop in (">", "|", "&&"):  # redirections and pipes are the shell's
            if stop in words:
                words = words[: words.index(stop)]
        shown = []
        while prompt_style and k < len(lines) and not lines[k].strip().startswith("$ "):
            if lines[k].strip():
                shown.append(lines[k])
            k += 1
        out.append(CommandLine(f"{block.where} `{line}`", words[1:], synopsis, shown))
    return out


COMMANDS_SHOWN = [c for b in BLOCKS if b.lang in COMMAND_LANGS and not b.skip
                  for c in command_lines(b)]


def get_command(name: str) -> click.Command:
    assert name in COMMANDS, f"no command osa-opt {name!r} (commands: {sorted(COMMANDS)})"
    return cli.get_command(click.Context(cli), name)


def option_names(command: click.Command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


# ---------------------------------------------------------------------- a fresh folder
@pytest.fixture
def reader_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out like the repository root, as the docs assume, and made current."""
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(ROOT / "models", tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "150")  # tables as the docs show them (a pipe's width)
    return tmp_path


# ---------------------------------------------------------------------- python blocks
def printed_text(block: Block) -> str | None:
    """The ```text block that a line ``prints`` right after ``block`` announces, if any."""
    m = re.match(r"\s*prints\s*\n\s*```text\n(.*?)^```", block.after, re.S | re.M)
    return m.group(1) if m else None


@pytest.mark.slow
@pytest.mark.parametrize("block", PYTHON, ids=[b.where for b in PYTHON])
def test_python_block_runs_as_written(block: Block, reader_folder: Path) -> None:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        exec(compile(block.body, block.where, "exec"), {"__name__": "__docs__"})
    expected = printed_text(block)
    if expected is not None:
        assert stdout.getvalue().strip() == expected.strip()


def test_the_docs_have_python_examples_and_commands() -> None:
    """The extraction itself works: the README's Python block and its solve are found."""
    assert any(b.page.name == "README.md" for b in PYTHON)
    assert any(c.where.startswith("README.md") and c.args == ["solve"] and c.shown
               for c in COMMANDS_SHOWN)
    assert any(c.synopsis for c in COMMANDS_SHOWN)


# ---------------------------------------------------------------------- command lines
@pytest.mark.parametrize("line", COMMANDS_SHOWN, ids=[c.where for c in COMMANDS_SHOWN])
def test_command_line_parses(line: CommandLine) -> None:
    command = get_command(line.name)
    if line.synopsis:
        used = set(re.findall(r"(?<![\w-])(-{1,2}[a-z][\w-]*)", " ".join(line.args[1:])))
        assert used <= option_names(command), f"unknown: {used - option_names(command)}"
        return
    try:
        command.make_context(line.name, list(line.args[1:]))
    except click.exceptions.Exit:  # --help
        pass
    except click.UsageError as exc:
        pytest.fail(f"{line.where}: {exc.format_message()}")


INLINE = sorted({(page.name, " ".join(m.group(1).split()))
                 for page in PAGES
                 for m in re.finditer(r"`(osa-opt [a-z][^`]*)`", page.read_text(encoding="utf-8"))})


@pytest.mark.parametrize("page, text", INLINE, ids=[f"{p} `{t}`" for p, t in INLINE])
def test_inline_command_names_real_options(page: str, text: str) -> None:
    command = get_command(text.split()[1])
    used = set(re.findall(r"(?<![\w'-])(--[a-z][\w-]*)", text))
    assert used <= option_names(command), f"unknown: {used - option_names(command)}"


def normalized(text: str) -> str:
    """Text without box drawing, timestamps or runs of white space."""
    text = re.sub(r"[\u2500-\u257f]", " ", text)
    text = re.sub(r"\d{8}-\d{6}", "<time>", text)
    return " ".join(text.split())


def occurs(shown_line: str, output: str) -> bool:
    """Whether a shown line occurs in the (normalized) output; ``…``/``...`` match any text."""
    parts = [part.strip() for part in re.split(r"…|\.\.\.", normalized(shown_line))]
    pattern = ".*?".join(re.escape(part) for part in parts if part)
    return re.search(pattern, output) is not None


def runnable(line: CommandLine) -> bool:
    """Fast (or with output shown), and every file it reads ships with the repository:
    ``osa-opt validate my-round.xlsx`` in the docs is parsed, not run."""
    if line.synopsis or not (line.shown or line.name in FAST):
        return False
    try:
        ctx = get_command(line.name).make_context(line.name, list(line.args[1:]))
    except (AssertionError, click.UsageError):  # test_command_line_parses says why
        return False
    files = [ctx.params.get(name) for name in ("input_path", "policy_path")]
    return all(f is None or (Path(f).parts[:1] in (("inputs",), ("models",))
                             and (ROOT / f).exists()) for f in files)


RUNS = [c for c in COMMANDS_SHOWN if runnable(c)]
_OUTPUTS: dict[tuple[str, ...], tuple[int, str]] = {}  # one run per distinct command line


def run_osa(args: list[str], monkeypatch: pytest.MonkeyPatch,
            capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``osa-opt ARGS`` through the console entry point: exit code, stdout + stderr."""
    key = tuple(args)
    if key not in _OUTPUTS:
        monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
        code = run_cli(cli)
        captured = capfd.readouterr()
        _OUTPUTS[key] = (code, captured.out + "\n" + captured.err)
    return _OUTPUTS[key]


@pytest.mark.slow
@pytest.mark.parametrize("line", RUNS, ids=[c.where for c in RUNS])
def test_command_runs_and_prints_what_the_docs_show(
        line: CommandLine, reader_folder: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    args = list(line.args)
    if line.name == "solve" and not line.shown and "--no-explain" not in args:
        args.append("--no-explain")
    code, output = run_osa(args, monkeypatch, capfd)
    assert "Traceback" not in output
    diagnosis = any(s.strip().startswith("- ") for s in line.shown)
    assert code == (3 if diagnosis else 0), output
    text = normalized(output)
    missing = [s for s in line.shown if s.strip() not in ("…", "...") and not occurs(s, text)]
    assert not missing, f"shown in {line.where} but not printed:\n" + "\n".join(missing)
