"""The `xinfang` command: one entry point for setting up, running and feeding the desk."""

from __future__ import annotations

import sys

import click

from xinfang.core.errors import XinfangError


class ErrorHandlingGroup(click.Group):
    """Show our errors as their message and exit code, not as a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except XinfangError as exc:
            click.secho(f"error: {exc.message}", fg="red", err=True)
            sys.exit(int(exc.exit_code))


@click.group(cls=ErrorHandlingGroup)
@click.version_option(package_name="xinfang")
def main() -> None:
    """Intake and triage of petition letters (信访件)."""


def _register() -> None:
    # start-up: loaded when a command runs, so `xinfang --help` stays fast
    from xinfang.commands import data, demo, serve, setup

    for command in (setup.init, setup.user, serve.web, serve.worker, data.ingest, data.export, data.requeue,
                    data.reindex, demo.demo):
        main.add_command(command)
    # start-up: loaded when a command runs, so `xinfang --help` stays fast
    from xinfang.commands.model import evaluate_command, model_group, train_command

    # start-up: loaded when a command runs, so `xinfang --help` stays fast
    from xinfang.commands.ocr import ocr_group

    # start-up: loaded when a command runs, so `xinfang --help` stays fast
    from xinfang.commands.samples import samples_group

    main.add_command(train_command, "train")
    main.add_command(evaluate_command, "evaluate")
    main.add_command(model_group, "model")
    main.add_command(samples_group, "samples")
    main.add_command(ocr_group, "ocr")
    # start-up: loaded when a command runs, so `xinfang --help` stays fast
    from xinfang.web.tokens import token_command

    main.add_command(token_command, "token")


_register()
