/* fuzz: the harnesses of tests/fuzz, each a libFuzzer target (LLVMFuzzerTestOneInput). With gcc
 * (the default build) driver.c runs a harness over its seed corpus and a bounded number of
 * deterministic mutations, so ctest runs every harness briefly; with clang, tests/fuzz/run-long.sh
 * links them with libFuzzer and runs them for longer (HACKING.md). */
#ifndef CATENA_TESTS_FUZZ_H
#define CATENA_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: once before the first input (the driver and libFuzzer both call it when defined). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated heap copy of the input (caller frees). */
char *fuzz_cstr(const uint8_t *data, size_t size);
/* A private temporary directory for harnesses that need files, made once, removed at exit. */
const char *fuzz_tmpdir(void);
/* Writes the input to path (0600); -1 on failure. */
int fuzz_write_file(const char *path, const uint8_t *data, size_t size);

#endif
