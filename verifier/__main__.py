"""`nverify` and `python -m verifier`: Ctrl-C handling first, then the command line.

The handler is installed here, before the command line and the parser are imported
(most of a second on a busy machine), so that Ctrl-C during start-up ends as cleanly
as Ctrl-C during a check. Importing this module installs nothing.
"""

from __future__ import annotations


def main() -> None:
    import sys

    from verifier import interrupt

    interrupt.install()
    # A model may hold a figure of more digits than Python converts to text by default (4,300).
    sys.set_int_max_str_digits(0)
    from verifier import collector

    collector.tune()
    from verifier.cli import main as command_line

    command_line()


if __name__ == "__main__":  # not when a worker process (--jobs, started fresh) imports it
    main()
