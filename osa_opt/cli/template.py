"""``osa-opt template PATH``: write an empty, documented input workbook."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("template")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Policy model (TOML) whose fiscal years and criteria name the cost and "
                   "score columns. Default: the shipped models/default.toml.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def command(path: Path, policy_path: Path | None, force: bool) -> None:
    """Write an empty input workbook to PATH (.xlsx).

    The workbook has the sheets projects and countries with every column of the policy, a
    comment on each header, drop-down lists for columns with fixed values, and a README
    sheet explaining every column.

    \b
    Example:
      osa-opt template my_round.xlsx --policy models/humanitarian_focus.toml
    """
    from osa_opt.cli.console import terminal_text
    from osa_opt.inputs.policy import Policy
    from osa_opt.inputs.template import write_template

    policy = Policy.load(policy_path) if policy_path else Policy.default()
    written = write_template(path, policy, overwrite=force, option="--force")
    click.echo(terminal_text(f"Wrote {written} (fiscal years {', '.join(policy.fiscal_years)}; "
                             f"criteria {', '.join(policy.criteria)}). Fill it in, then "
                             f"run: osa-opt validate {written}", stdout=True))
