#if canImport(Glibc)
import Glibc
#endif

/// Allocation of grid-sized arrays: on Linux, large buffers are advised to use transparent huge pages
/// before they are first touched, which cuts the TLB misses of searches that jump between rows.
public enum LargeBuffer {
    /// An array of `count` copies of `value`, backed by huge pages where the system allows it.
    @inlinable public static func array<T>(repeating value: T, count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buf, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buf))
            buf.baseAddress?.initialize(repeating: value, count: count)
            initialized = count
        }
    }

    /// Advises the kernel to back the 2 MiB-aligned part of a buffer with huge pages (no-op elsewhere).
    public static func adviseHugePages(_ buf: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 2 << 20
        guard buf.count >= 4 * huge, let base = buf.baseAddress else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buf.count) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, 14) // MADV_HUGEPAGE
        #endif
    }

    /// Returns the whole pages inside `buf` to the system: they read as zeros afterwards and take no memory
    /// until written again (the tail of a buffer that was used as scratch space). No-op off Linux.
    public static func releasePages(_ buf: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0, let base = buf.baseAddress else { return }
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + buf.count) & ~(page - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, 4) // MADV_DONTNEED
        #endif
    }
}
