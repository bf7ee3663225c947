#ifndef TRAME_CCHOLMOD_SHIM_H
#define TRAME_CCHOLMOD_SHIM_H
// SuiteSparse's CHOLMOD (Debian's libsuitesparse-dev: headers in /usr/include/suitesparse, no pkg-config file in
// SuiteSparse 5), reached only from TrameCircuit's CholmodFactor.
#include <suitesparse/cholmod.h>

// CHOLMOD's status codes and options as constants Swift sees (some are parenthesised macros).
static const int trame_cholmod_ok = CHOLMOD_OK;
static const int trame_cholmod_out_of_memory = CHOLMOD_OUT_OF_MEMORY;
static const int trame_cholmod_too_large = CHOLMOD_TOO_LARGE;
static const int trame_cholmod_not_posdef = CHOLMOD_NOT_POSDEF;
static const int trame_cholmod_supernodal = CHOLMOD_SUPERNODAL;
static const int trame_cholmod_real = CHOLMOD_REAL;
static const int trame_cholmod_solve_a = CHOLMOD_A;
#endif
