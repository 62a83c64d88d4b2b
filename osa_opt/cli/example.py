"""``osa-opt example [FOLDER]``: a copy of the shipped example and policies to edit."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("example")
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the files if they exist.")
def command(folder: Path, force: bool) -> None:
    """Copy the shipped example and policies into FOLDER (default: the current folder).

    Writes inputs/example.xlsx (the example workbook: fictional partners, illustrative
    numbers) and models/default.toml, models/humanitarian_focus.toml and
    models/strict_round.toml, the paths the docs' commands use, so they run there as
    written. Edit a copy of the workbook as a round of your own.

    \b
    Example:
      osa-opt example && cp inputs/example.xlsx my_round.xlsx
      osa-opt validate my_round.xlsx
    """
    from osa_opt.cli.console import terminal_text
    from osa_opt.inputs.example_copy import write_example

    written = write_example(folder, overwrite=force, option="--force")
    workbook, *policies = written
    where = "" if folder == Path(".") else f"cd {folder}, then "
    click.echo(terminal_text(
        f"Wrote {workbook} (the shipped example: fictional partners, illustrative numbers) "
        f"and the policies {', '.join(map(str, policies))}. To edit a round of your own: "
        f"{where}cp inputs/example.xlsx my_round.xlsx, edit it, then run: osa-opt validate "
        "my_round.xlsx", stdout=True))
