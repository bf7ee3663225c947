import CTrameSys

/// The process's memory as the system counts it (its resident set).
public enum ProcessMemory {
    /// Hands the free memory that malloc keeps back to the system (glibc's `malloc_trim`): the freed blocks
    /// of its heaps, the main one and each thread's, stay counted in the resident set until then, and the
    /// next stage's grids add to them. Called between the stages of a run. No-op off glibc.
    ///
    /// - Complexity: O(heap size); a few milliseconds.
    public static func releaseFreeHeap() { _ = trame_release_free_heap() }
}
