"""Only for Scrapyd eggs (scrapyd-deploy runs "setup.py bdist_egg"); everything is in pyproject.toml."""

from setuptools import setup

setup()
