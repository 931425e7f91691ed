"""What pyproject.toml cannot say: the packages, and sql/ shipped inside them as `pipeline.database.sql`.

The views stay in sql/ at the top of the checkout (where analysts and the docs find them); an
installed wheel carries them beside the code that applies them, so a database built from a wheel
in a fresh venv is the same as one built from the checkout.
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["pipeline*", "parsers*", "schemas*"]) + ["pipeline.database.sql"],
      package_dir={"pipeline.database.sql": "sql"})
