#include "suite_runner.h"

#include <check.h>
#include <stdlib.h>

int run_suite_nofork(struct Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, getenv("CK_FORK") ? CK_FORK_GETENV : CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}
