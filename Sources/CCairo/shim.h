#ifndef TRAME_CCAIRO_SHIM_H
#define TRAME_CCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#endif
