#ifndef CTRAMESYS_H
#define CTRAMESYS_H

/// Atomic folder swaps for Trame's outputs (Sources/TrameGDAL/OutputFolder.swift).
/// Both return 0, or -1 with errno set (EINVAL or ENOSYS when the file system or kernel
/// cannot do it: the caller then falls back to plain renames).

/// Exchanges two existing paths in one step (Linux renameat2 RENAME_EXCHANGE, macOS RENAME_SWAP):
/// no moment exists where either name is missing.
int trame_exchange(const char *a, const char *b);

/// Renames `from` to `to`, failing with EEXIST if `to` exists (RENAME_NOREPLACE, RENAME_EXCL).
int trame_rename_noreplace(const char *from, const char *to);


/// A reusable barrier for a few threads that each run on their own core (the two-core cost-distance search,
/// Sources/TrameCost/CostDistance.swift): a waiting thread spins some tens of microseconds, then yields its
/// core until the others arrive.
/// Writes made before `trame_barrier_wait` are seen by every thread after it (acquire and release).
typedef struct {
    long arrived;
    long generation;
} trame_barrier;

/// Sets both counters to zero; call once, before any thread waits.
void trame_barrier_init(trame_barrier *b);

/// Returns once `parties` threads have called it (for this generation): 0 when this thread had not to
/// yield its core while waiting, 1 when it had (the others were slow to come: a busy machine).
int trame_barrier_wait(trame_barrier *b, long parties);

/// Hands the free memory of malloc's heaps back to the system (glibc's malloc_trim(0)): returns 1 if
/// some was released, 0 otherwise or where the C library has no such call.
int trame_release_free_heap(void);

#endif
