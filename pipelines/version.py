"""kzdata's version, as installed: for the SARIF tool, the User-Agent and `kzdata --version`."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("kzdata")
except PackageNotFoundError:  # running from a source tree that is not installed
    VERSION = "0+unknown"
