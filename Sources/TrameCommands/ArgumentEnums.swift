import ArgumentParser
import TrameCircuit
import TrameRouting
import TrameScheme

// Enums of the algorithm modules parsed by ArgumentParser (which names their values in help and errors);
// the conformances live here because only the CLI module imports ArgumentParser.

/// `--lang fr|en` (run, demo, serve).
extension Language: ExpressibleByArgument {}

/// `--mode walk|bike` (route, loop, hubs).
extension TravelMode: ExpressibleByArgument {}

/// `--solver cg|cholmod` (circuit, bench circuit).
extension CircuitSolverKind: ExpressibleByArgument {}

/// `--preset clc|sample` (init).
extension StartKit.Preset: ExpressibleByArgument {}
