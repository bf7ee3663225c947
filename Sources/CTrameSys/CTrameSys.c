#define _GNU_SOURCE
#include "CTrameSys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#if defined(__GLIBC__)
#include <malloc.h>
int trame_release_free_heap(void) { return malloc_trim(0); }
#else
int trame_release_free_heap(void) { return 0; }
#endif

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

// Through syscall(2): older glibc (< 2.28) has no renameat2 wrapper.
static int trame_renameat2(const char *from, const char *to, unsigned int flags) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int trame_exchange(const char *a, const char *b) { return trame_renameat2(a, b, RENAME_EXCHANGE); }
int trame_rename_noreplace(const char *from, const char *to) { return trame_renameat2(from, to, RENAME_NOREPLACE); }

#elif defined(__APPLE__)

int trame_exchange(const char *a, const char *b) { return renameatx_np(AT_FDCWD, a, AT_FDCWD, b, RENAME_SWAP); }
int trame_rename_noreplace(const char *from, const char *to) { return renameatx_np(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCL); }

#else

int trame_exchange(const char *a, const char *b) { (void)a; (void)b; errno = ENOSYS; return -1; }
int trame_rename_noreplace(const char *from, const char *to) { (void)from; (void)to; errno = ENOSYS; return -1; }

#endif

#include <sched.h>

void trame_barrier_init(trame_barrier *b) {
    __atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&b->generation, 0, __ATOMIC_RELEASE);
}

static inline void trame_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

int trame_barrier_wait(trame_barrier *b, long parties) {
    long generation = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == parties) {
        // The last to arrive resets the count, then opens the barrier: nobody can arrive at the next
        // generation before the count is reset, since nobody leaves this one before the generation moves.
        __atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
        __atomic_add_fetch(&b->generation, 1, __ATOMIC_RELEASE);
        return 0;
    }
    unsigned spins = 0;
    int yielded = 0;
    while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == generation) {
        if (++spins < 4000) trame_cpu_relax(); else { sched_yield(); yielded = 1; }
    }
    return yielded;
}
