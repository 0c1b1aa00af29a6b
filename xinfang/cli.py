"""The `xinfang` command: one entry point for setting up, running and feeding the desk."""

from __future__ import annotations

import importlib
import sys

import click

from xinfang.core.errors import XinfangError

# Each command's module is imported only when that command runs (or `--help` lists them): importing all of
# them took seconds (the web app, scikit-learn, the OCR stack), paid by every `xinfang ingest` before the
# first letter reached a worker.
COMMANDS = {
    "init": "xinfang.commands.setup:init",
    "user": "xinfang.commands.setup:user",
    "web": "xinfang.commands.serve:web",
    "worker": "xinfang.commands.serve:worker",
    "ingest": "xinfang.commands.data:ingest",
    "export": "xinfang.commands.data:export",
    "requeue": "xinfang.commands.data:requeue",
    "reindex": "xinfang.commands.data:reindex",
    "demo": "xinfang.commands.demo:demo",
    "train": "xinfang.commands.model:train_command",
    "evaluate": "xinfang.commands.model:evaluate_command",
    "model": "xinfang.commands.model:model_group",
    "samples": "xinfang.commands.samples:samples_group",
    "ocr": "xinfang.commands.ocr:ocr_group",
    "token": "xinfang.web.tokens:token_command",
}


class LazyGroup(click.Group):
    """Commands by name, each imported on first use (click's documented lazy-loading pattern); our errors
    shown as their message and exit code, not as a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except XinfangError as exc:
            click.secho(f"error: {exc.message}", fg="red", err=True)
            sys.exit(int(exc.exit_code))


@click.group(cls=LazyGroup)
@click.version_option(package_name="xinfang")
def main() -> None:
    """Intake and triage of petition letters (信访件)."""
