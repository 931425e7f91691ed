"""The exit codes of a run, shared by the batch (which records them) and the CLI (which returns them),
and the exception that says the run itself failed."""

EXIT_OK = 0
EXIT_SOME_FAILED = 3      # the batch ran; some files were skipped (cron mail should fire)
EXIT_RUN_FAILED = 4       # the run itself failed; nothing was changed (or the message says exactly what is live)
EXIT_LOCKED = 5           # another run holds the lock; this one changed nothing
EXIT_INTERRUPTED = 130    # Ctrl-C (the shell's 128 + SIGINT); nothing changed
EXIT_TERMINATED = 143     # SIGTERM (128 + SIGTERM), as pipeline.batch.pool.stop_on_sigterm raises it


class RunFailed(Exception):
    """The run itself cannot go on (not one file's fault); the message says what was changed (nothing, unless
    it says otherwise)."""

    def __init__(self, message: str, *, changed_nothing: bool = True):
        super().__init__(message)
        self.changed_nothing = changed_nothing
