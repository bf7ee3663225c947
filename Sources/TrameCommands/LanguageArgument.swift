import ArgumentParser
import TrameScheme

/// `--lang fr|en` (run, demo, serve): parsed by ArgumentParser, which names the two values in help and errors.
extension Language: ExpressibleByArgument {}
