import Foundation

/// Time and peak memory per stage of a long job (`trame run --profile`), for the scaling figures.
///
/// A stage runs from one progress message to the next. Its peak is the process's resident-set high-water
/// mark (Linux `VmHWM`) while it ran: the mark is reset at each stage's start by writing 5 to
/// `/proc/self/clear_refs` (Linux ≥ 4.0). Rasters are written on a queue of their own while the next stage
/// computes, so a stage's peak includes the writes still pending from the stage before.
final class StageProfile: @unchecked Sendable {
    struct Stage { var name: String; var seconds: Double; var startBytes: Int; var peakBytes: Int }
    private(set) var stages: [Stage] = []
    private var current: (name: String, start: Date, startBytes: Int)?
    private let lock = NSLock()
    /// Whether the high-water mark can be reset per stage (else each peak is the run's peak so far).
    let resettable: Bool
    let cells: Int

    init(cells: Int) {
        self.cells = cells
        resettable = StageProfile.resetPeak()
    }

    /// Ends the running stage and starts `name`.
    func step(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        close()
        _ = StageProfile.resetPeak()
        current = (name, Date(), StageProfile.status("VmRSS"))
    }

    /// Ends the last stage.
    func finish() { lock.lock(); close(); current = nil; lock.unlock() }

    private func close() {
        guard let c = current else { return }
        stages.append(Stage(name: c.name, seconds: Date().timeIntervalSince(c.start), startBytes: c.startBytes, peakBytes: StageProfile.status("VmHWM")))
    }

    /// The table: one row per stage, then the whole run (its peak is the largest stage peak).
    func table(cellCount: Int? = nil) -> String {
        let n = Double(cellCount ?? cells)
        var s = "Time and peak memory per stage\(resettable ? "" : " (peak since the start: this kernel cannot reset it)"):\n"
        s += "      time   held at start   peak memory   bytes per cell   stage\n"
        for st in stages {
            s += String(format: "  %7.1f s  %10.0f MB  %9.0f MB  %11.1f      %@\n", st.seconds, Double(st.startBytes) / 1e6, Double(st.peakBytes) / 1e6,
                        n > 0 ? Double(st.peakBytes) / n : 0, st.name)
        }
        let total = stages.reduce(0) { $0 + $1.seconds }, peak = stages.map(\.peakBytes).max() ?? 0
        s += String(format: "  %7.1f s                 %9.0f MB  %11.1f      whole run (%@ cells)\n", total, Double(peak) / 1e6, n > 0 ? Double(peak) / n : 0,
                    Int(n).formatted())
        return s
    }

    /// A field of /proc/self/status in bytes ("VmHWM", "VmRSS"); 0 where there is none.
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kb = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
            return kb * 1024
        }
        return 0
    }

    /// Resets the resident-set high-water mark to the current resident set.
    @discardableResult static func resetPeak() -> Bool {
        guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? h.close() }
        do { try h.write(contentsOf: Data("5".utf8)); return true } catch { return false }
    }
}
