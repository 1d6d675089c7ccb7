"""yaojian (药监): drug-safety campaign procedures site, report forms and their validator.

The package is a library; `generator.cli` is the thin command-line layer over it.
"""

__version__ = "0.1.0"
