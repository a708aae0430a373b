/* suite_runner: the one way every Check suite (tests/unit, tests/ui, tests/e2e, tests/emulator) runs. */
#ifndef CATENA_TEST_SUITE_RUNNER_H
#define CATENA_TEST_SUITE_RUNNER_H

struct Suite;

/* Runs the suite in this process and prints what failed; returns the number of failed tests.
 * No fork: tests may share what main() started (an emulator, a work directory), and valgrind,
 * ASan and gdb see every test. CK_FORK=yes in the environment runs each test in its own child
 * (isolation and Check's per-test timeouts) when hunting a test that corrupts the next one. */
int run_suite_nofork(struct Suite *s);

#endif
