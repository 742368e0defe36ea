"""The command line: `nverify PATH...` (check), with exit codes 0 / 1 / 2 / 3. Glue only.

Exit codes: 0 when every finding was expected and every expectation met; 1
for unexpected findings or failed expectations; 2 for bad input (syntax,
names, types, unreadable files) and usage errors, with `file:line:col`, the
line and a caret, never a traceback; 3 for an internal error (a bug in
nverify); 130 when interrupted.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from dsl.render import render_diagnostic
from verifier.budget import Budget

if TYPE_CHECKING:
    from verifier.session import Limits

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _internal_error(err: Exception, debug: bool) -> NoReturn:
    """A bug in nverify (a witness failing its re-check, say): said plainly, never a bare
    traceback, with an exit code of its own so scripts never take it for bad input."""
    if debug:
        traceback.print_exc()
    click.echo(f"nverify: internal error: {type(err).__name__}: {err}. Please report it; "
               "rerun with --debug for the traceback.", err=True)
    sys.exit(EXIT_INTERNAL)


class Seconds(click.ParamType[float, Any]):
    """A finite number of seconds from 1 ms to a million: `nan`, `inf` and negatives are usage errors."""

    name = "seconds"
    low, high = 0.001, 1_000_000.0

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not self.low <= seconds <= self.high:
            self.fail(f"{value} is not a number of seconds from {self.low:g} to {self.high:,.0f}", param, ctx)
        return seconds


SECONDS = Seconds()


class DefaultGroup(click.Group):
    """A group that runs `check` when the first argument is not a subcommand.

    `nverify specs/` and `nverify check specs/` are the same; a file or folder
    that happens to be named like a subcommand is reached as `./diff`.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            # `nverify` alone: the help (with the options of `nverify PATH...`), and exit 0.
            click.echo(ctx.get_help())
            ctx.exit(0)
        if args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] PATH...")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="   or: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The options of `nverify PATH...` (the check command) first, then the commands."""
        check = self.commands.get("check")
        if check is not None:
            records = [record for param in check.get_params(ctx)
                       if isinstance(param, click.Option) and "--help" not in param.opts
                       and (record := param.get_help_record(ctx)) is not None]
            with formatter.section("Options of nverify PATH... (the check command)"):
                formatter.write_dl(records)
        super().format_options(ctx, formatter)

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        # A command-line run (not CliRunner, which passes its arguments) stops cleanly on Ctrl-C.
        if args is None and threading.current_thread() is threading.main_thread():
            from verifier import interrupt

            interrupt.install()
        return super().main(args, *rest, **kwargs)


@click.group(cls=DefaultGroup, name="nverify", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nverify")
def main() -> None:
    """nverify: find contradictions, hollow permissions, pretexts and blockable
    guarantees in neutrality and security instruments, before anyone signs.

    Run `nverify PATH...` on spec files or folders of `.nv` files.
    """


def _write(text: str, output: Path | None, fmt: str | None = None, *, colour: bool = False) -> None:
    if output is None:
        click.echo(text, nl=False, color=True if colour else None)  # (click strips colour off a terminal)
        return
    from verifier.output import OutputError, write_atomically

    try:
        write_atomically(text, output)
    except OutputError as err:
        _bad_output(err, fmt)
    except OSError as err:
        _usage_error(f"cannot write the report to {output}: {err.strerror or err}", fmt, code="output")


def _check_output(output: Path | None, inputs: list[Path], fmt: str | None = None) -> None:
    """Refuse, before any work, a -o FILE that is an input, a link, not a regular file, or in no folder."""
    if output is None:
        return
    from verifier.output import OutputError, refuse_unsafe

    try:
        refuse_unsafe(output, inputs)
    except OutputError as err:
        _bad_output(err, fmt)


def _bad_output(err: Exception, fmt: str | None = None) -> NoReturn:
    _usage_error(str(err), fmt, code="output")


def _machine_errors(problems: list[Any], fmt: str | None) -> None:
    """Under --format json or sarif, the errors in that format too (verifier.report.errors), on
    standard output: nothing is written to a -o FILE (it may even be what the error is about)."""
    from verifier.report.errors import RENDERERS

    if fmt in RENDERERS:
        click.echo(RENDERERS[fmt](problems), nl=False)


def _usage_error(message: str, fmt: str | None, code: str = "usage") -> NoReturn:
    """An error about the command line or a path (no place in a spec): on stderr, and under
    --format json or sarif as that format too; exit 2."""
    from verifier.report.errors import Problem

    click.echo(f"nverify: error: {message}", err=True)
    _machine_errors([Problem(code, message)], fmt)
    sys.exit(EXIT_BAD_INPUT)


def _input_errors(loads: list[Any], nothing: str, fmt: str | None = None) -> NoReturn:
    """Every diagnostic of the loads (each file once, in order), a count, and exit 2; under
    --format json or sarif, the diagnostics in that format as well."""
    from verifier.report.errors import Problem

    count = 0
    problems = []
    for loaded in loads:
        for diag in loaded.diagnostics.sorted():
            click.echo(render_diagnostic(diag, loaded.sources), err=True)
            problems.append(Problem.of(diag))
            count += diag.severity.value == "error"
    click.echo(f"nverify: {count} error{'s' if count != 1 else ''} in the input; nothing was {nothing}", err=True)
    _machine_errors(problems, fmt)
    sys.exit(EXIT_BAD_INPUT)


# The solver's limits and its record, the same for every command that asks the solver.
_rlimit_option = click.option("--rlimit", type=click.IntRange(min=0), default=0, show_default=True,
                              help="Deterministic Z3 resource limit per query (0: none).")
_max_time_option = click.option("--max-time", type=SECONDS, default=600, show_default=True, metavar="SECONDS",
                                help="Seconds for the whole run; when they are spent, the checks left are "
                                     "reported as `unknown`.")
_smt2_option = click.option("--emit-smt2", "smt2_dir", type=click.Path(path_type=Path, file_okay=False),
                            default=None, help="Write every solver query to this folder as SMT-LIB.")


def _limits(timeout: float, rlimit: int, smt2_dir: Path | None, budget: Budget | None = None) -> Limits:
    from verifier.session import Limits

    return Limits(timeout_ms=int(timeout * 1000), rlimit=rlimit, smt2_dir=smt2_dir, budget=budget)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "markdown", "html"]), default="text",
              show_default=True, help="Output format (html is one self-contained page).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text report: on a terminal only (auto), always or never.")
@click.option("--reading", "readings", multiple=True, metavar="[TERM=]NAME",
              help="Use reading NAME as the baseline (for every term that has it, or for TERM only), "
                   "over the spec's own `check under reading`.")
@click.option("--draft", "drafts", multiple=True, metavar="NAME|BRACKET=LABEL",
              help="Check only this draft (base or a party), or pin one bracket's alternative; "
                   "expectations about the other drafts are skipped.")
@click.option("--timeout", type=SECONDS, default=10.0, show_default=True,
              help="Seconds per solver query; a timeout is reported as `unknown`.")
@_rlimit_option
@_max_time_option
@click.option("--max-findings", type=click.IntRange(min=1), default=8, show_default=True,
              help="At most this many findings per check, party and draft (minimal sets, conflicts, acts "
                   "of a pretext); a finding says how many it did not list.")
@click.option("--coalition-size", type=click.IntRange(min=1), default=2, show_default=True, metavar="N",
              help="Ask which groups of up to N parties can block a guarantee, or veto or grant a permission, together.")
@click.option("--no-symmetry", "no_symmetry", is_flag=True,
              help="Check every party as declared. By default, parties that no clause names and that are in "
                   "the same groups are checked through a few of them, and each finding says which others it covers.")
@_smt2_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only the summary line, to standard error (with -o, the report still goes to the file).")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print per-instrument timings and query counts to standard error, and show "
                   "expected findings and the clauses' notes in full.")
@click.option("--show-expected", is_flag=True,
              help="Show expected findings in full in the text report (folded to one line each by default), "
                   "with the clauses' notes.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check up to N spec files (or parts of a large one) at once, in worker processes "
                   "(default: the number of cores). The report is the same for every N.")
def check(paths: tuple[Path, ...], fmt: str, color: str, readings: tuple[str, ...], drafts: tuple[str, ...],
          timeout: float, rlimit: int, max_time: float, max_findings: int, coalition_size: int,
          no_symmetry: bool, smt2_dir: Path | None, output: Path | None, quiet: bool, verbose: bool, show_expected: bool,
          debug: bool, jobs: int | None) -> None:
    """Check spec files and folders (the default command).

    On a terminal, a progress line shows on standard error while a run lasts
    longer than a second.
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    if quiet and fmt != "text" and output is None:
        raise click.UsageError(f"--quiet prints only the summary line; with --format {fmt}, "
                               "name a file for the report with -o FILE")
    from verifier.pipeline import Options, UsageError, run
    from verifier.progress import Activity, watching
    from verifier.report import FORMATS
    from verifier.report.text import render as render_text
    from verifier.report.text import summary

    _check_output(output, list(paths), fmt)
    options = Options(list(readings), list(drafts), timeout, rlimit, smt2_dir, max_findings)
    options.coalition_size = coalition_size
    options.symmetry = not no_symmetry
    options.budget = Budget.start(max_time)
    options.jobs = jobs if jobs is not None else _cores()
    activity = Activity()
    options.observer = activity
    try:
        with watching(activity, show=not quiet):
            loaded, report = run(list(paths), options)
    except UsageError as err:
        _usage_error(str(err), fmt)
    except KeyboardInterrupt:
        click.echo("nverify: interrupted; no report was written", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - an internal error: say so plainly, never a bare traceback
        _internal_error(err, debug)
    if verbose:
        for line in activity.verbose_lines(report):
            click.echo(line, err=True)
    if report is None:
        _input_errors([loaded], "checked", fmt)
    _check_output(output, list(loaded.files.values()), fmt)  # (the imports too)
    colour = color == "always" or (color == "auto" and output is None and sys.stdout.isatty())
    in_full = show_expected or verbose
    kwargs: dict[str, Any] = {"colour": colour, "show_expected": in_full}
    if quiet:
        if output is not None:
            _write(FORMATS[fmt](report, colour=False, show_expected=in_full), output, fmt)
    elif fmt == "text" and output is None:
        # The summary line ends the text report; on standard output it goes to standard error instead.
        _write(render_text(report, colour=colour, with_summary=False, show_expected=in_full), None, colour=colour)
    else:
        _write(FORMATS[fmt](report, **kwargs), output, fmt)
    # The summary line goes to standard error in every format, with -o FILE and with --quiet.
    summary_colour = color == "always" or (color == "auto" and sys.stderr.isatty())
    click.echo(summary(report, colour=summary_colour), err=True, color=True if summary_colour else None)
    sys.exit(report.exit_code)


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--timeout", type=SECONDS, default=10.0, show_default=True,
              help="Seconds per solver query.")
@_rlimit_option
@_max_time_option
@_smt2_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def diff(a: str, b: str, fmt: str, timeout: float, rlimit: int, max_time: float, smt2_dir: Path | None,
         output: Path | None, debug: bool) -> None:
    """Compare two texts: A and B are files, or drafts of one file as FILE@DRAFT
    (base, a party's version, or BRACKET=LABEL). Exit 0 when the meaning is the
    same, 1 when it changed, 2 on bad input."""
    from verifier.pipeline import UsageError

    budget = Budget.start(max_time)
    _check_output(output, [Path(a), Path(b), Path(a.rpartition("@")[0] or a), Path(b.rpartition("@")[0] or b)], fmt)
    try:
        from verifier.diff import SideSpec, compare
        from verifier.report.diff_report import render_json, render_text

        result, loads = compare(SideSpec.parse(a), SideSpec.parse(b),
                                limits=_limits(timeout, rlimit, smt2_dir, budget))
    except UsageError as err:
        _usage_error(str(err), fmt)
    except KeyboardInterrupt:
        click.echo("nverify: interrupted; no report was written", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - an internal error, as in `check`
        _internal_error(err, debug)
    if result is None:
        _input_errors(loads, "compared", fmt)
    _check_output(output, [f for load in loads for f in getattr(load, "files", {}).values()], fmt)
    _write(render_json(result) if fmt == "json" else render_text(result), output)
    sys.exit(EXIT_FINDINGS if result.changed else EXIT_OK)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--timeout", type=SECONDS, default=10.0, show_default=True,
              help="Seconds per solver query.")
@_rlimit_option
@_max_time_option
@_smt2_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def negotiate(path: Path, fmt: str, timeout: float, rlimit: int, max_time: float, smt2_dir: Path | None,
              output: Path | None, debug: bool) -> None:
    """Search every draft of a spec (each choice of bracketed alternatives, and
    every figure between the bracketed numbers) for one meeting every `goal`.
    Exit 0 when one exists, 1 when the goals clash, 2 on bad input."""
    from verifier.registry import load

    budget = Budget.start(max_time)
    _check_output(output, [path], fmt)
    try:
        from dsl.symmetry import COALITION_SIZE
        from verifier.negotiate import negotiate as search
        from verifier.report.negotiation_report import render_json, render_text

        # States that no clause, goal or bracket names are checked through representatives.
        loaded = load([path], coalition_size=COALITION_SIZE)
        if loaded.diagnostics.has_errors():
            _input_errors([loaded], "searched", fmt)
        _check_output(output, list(loaded.files.values()), fmt)
        if not loaded.instruments or not loaded.instruments[0].goals:
            _usage_error(f"{path} states no `goal`; nothing to negotiate", fmt)
        result = search(loaded.instruments[0], limits=_limits(timeout, rlimit, smt2_dir, budget))
    except KeyboardInterrupt:
        click.echo("nverify: interrupted; no report was written", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as err:  # noqa: BLE001 - an internal error, as in `check`
        _internal_error(err, debug)
    _write(render_json(result) if fmt == "json" else render_text(result), output)
    sys.exit({"agreement": EXIT_OK, "no agreement": EXIT_FINDINGS}.get(result.status, EXIT_FINDINGS))


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors (diagnostics, go-to-definition, hover) on stdin/stdout."""
    from verifier.lsp import serve

    serve()


@main.command()
@click.argument("kind", required=False)
@click.option("--no-run", is_flag=True, help="Show the example spec without checking it.")
def explain(kind: str | None, no_run: bool) -> None:
    """Describe a finding KIND (what it finds, why it matters, the query, the
    evidence) with an example spec and what nverify says about it. Without
    KIND, list every kind."""
    from verifier import kinds
    from verifier.findings import FindingKind

    if kind is None:
        click.echo(kinds.overview(), nl=False)
        return
    found = kinds.lookup(kind)
    if found is None:
        import difflib

        names = [k.value for k in FindingKind]
        close = difflib.get_close_matches(kind.lower(), names, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else f"; the kinds are {', '.join(names)}"
        click.echo(f"nverify: error: no finding kind `{kind}`{hint}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    info = kinds.info(found)
    output = None if no_run else kinds.run_example(info)[1]
    click.echo(kinds.explanation(info, output), nl=False)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
def init(path: Path | None) -> None:
    """Write a starter spec to PATH (default: instrument.nv; in a folder,
    FOLDER/instrument.nv). Never overwrites an existing file."""
    from verifier.starter import target, write_starter

    where = target(path)
    try:
        write_starter(where)
    except FileExistsError:
        click.echo(f"nverify: error: {where} already exists; `nverify init` never overwrites a file "
                   "(name another path)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as err:
        click.echo(f"nverify: error: cannot write {where}: {err.strerror or err}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"Wrote {where}: a starter spec. Check it with `nverify {where}`, then replace its clauses "
               "with the wording under review.")
