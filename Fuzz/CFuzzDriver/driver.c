// The declaration in include/CFuzzDriver.h is libFuzzer's (linked by -sanitize=fuzzer); SwiftPM needs a source file.
#include "CFuzzDriver.h"
