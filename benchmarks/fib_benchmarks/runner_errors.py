"""The errors of every runtime's runner: what the CLI, the site and the tests catch. A
module of their own, so that each runtime's module (``runners``, ``chromium_runner``)
takes them from here rather than from another runtime's."""


class RunnerError(Exception):
    """A build could not be measured; the message says which and why."""


class Cancelled(RunnerError):
    """The caller asked the run to stop; its child process was killed."""
