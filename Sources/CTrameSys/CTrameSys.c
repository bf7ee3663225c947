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
