"""The exit codes of a run, shared by the batch (which records them) and the CLI (which returns them)."""

EXIT_OK = 0
EXIT_SOME_FAILED = 3      # the batch ran; some files were skipped (cron mail should fire)
EXIT_RUN_FAILED = 4       # the run itself failed; nothing was changed
EXIT_LOCKED = 5           # another run holds the lock; this one changed nothing
