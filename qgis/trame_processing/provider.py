"""The Trame provider: one algorithm per `trame` subcommand listed in ALGORITHMS."""
from qgis.core import QgsProcessingProvider

from .algorithm import ALGORITHMS, TrameAlgorithm, command_help, trame_executable


class TrameProvider(QgsProcessingProvider):
    def id(self):
        return "trame"

    def name(self):
        return "Trame"

    def longName(self):  # noqa: N802
        return "Trame — green and blue infrastructure"

    def loadAlgorithms(self):  # noqa: N802
        exe = trame_executable()
        for command, spec in ALGORITHMS.items():
            self.addAlgorithm(TrameAlgorithm(command, spec, command_help(exe, command)))
