"""QGIS plugin entry point: registers the Trame Processing provider."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import TramePlugin
    return TramePlugin(iface)
