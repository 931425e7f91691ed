"""`python -m pipeline.cli …`: the same command line as `cchc`."""
import sys

from pipeline.cli.main import main

sys.exit(main())
