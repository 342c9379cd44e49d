"""The project's one command line: ``net-assistant <command> [options]`` (``make`` wraps it).

Each command is the ``main`` of the module that does the work; options after the command go to
it (``net-assistant eval --show-errors``, ``net-assistant retention --days 90``), and
``net-assistant <command> --help`` lists them.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Callable, Dict, List, NamedTuple, Optional


class Command(NamedTuple):
    module: str
    summary: str
    argv: tuple = ()  # arguments the command always gets first


COMMANDS: Dict[str, Command] = {
    "run": Command("net_assistant.servers", "start the assistant (train first if the data changed)"),
    "shell": Command("net_assistant.servers", "chat with the assistant in the terminal", ("shell",)),
    "train": Command("net_assistant.model", "train the model if its inputs changed; print its path"),
    "nlp": Command("net_assistant.nlp", "build the project's spaCy pipeline"),
    "eval": Command("net_assistant.evaluation", "end-to-end evaluation on the held-out sets"),
    "bench": Command("net_assistant.benchmark",
                     "ours vs Rasa's default configuration and floor (docs/benchmarks.md)"),
    "profile": Command("net_assistant.bench.profile", "py-spy profile of both servers under load"),
    "report": Command("net_assistant.report.__main__", "the editors' report from the tracker store"),
    "retention": Command("net_assistant.retention", "delete old (or one person's) conversations"),
    "bench-report": Command("net_assistant.report.benchmark",
                            "the report's time and memory on 100,000 conversations"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="net-assistant", description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n" + "\n".join(f"  {name:<13} {command.summary}"
                                         for name, command in COMMANDS.items()),
    )
    parser.add_argument("command", choices=COMMANDS, metavar="command")
    parser.add_argument("options", nargs=argparse.REMAINDER, help="passed to the command")
    return parser


def _entry_point(module_name: str) -> Callable[[], object]:
    module = importlib.import_module(module_name)
    if module_name == "net_assistant.model":
        return lambda: print(module.ensure_model())
    return module.main


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    command = COMMANDS[args.command]
    sys.argv = [f"net-assistant {args.command}", *command.argv, *args.options]
    result = _entry_point(command.module)()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
