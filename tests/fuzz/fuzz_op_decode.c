/* A ResourceOperation answer (a write's 202, the single GET): api_op_decode. */
#include "fuzz.h"

#include "core/api_ops.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    op_rec r;
    memset(&r, 0, sizeof r);
    bool odd = false;
    char *err = NULL;
    if (api_op_decode((const char *)data, size, &r, &odd, &err) == 0) {
        int64_t ms;
        if (r.created_at)
            (void)api_time_parse(r.created_at, &ms);
        for (int i = 0; i < r.nlogs; i++)
            if (r.logs[i].created_at)
                (void)api_time_parse(r.logs[i].created_at, &ms);
    }
    free(err);
    op_rec_clear(&r);
    return 0;
}
