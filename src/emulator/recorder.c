#include "recorder.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "emu_json.h"

static pthread_mutex_t rec_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *rec_file;

void recorder_open_from_env(void)
{
    const char *dir = getenv("CATENA_EMU_RECORD_DIR");
    if (!dir || !*dir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/responses-%d.jsonl", dir, (int)getpid());
    pthread_mutex_lock(&rec_mu);
    rec_file = fopen(path, "a");
    pthread_mutex_unlock(&rec_mu);
    if (!rec_file)
        fprintf(stderr, "catena-emulator: cannot record responses to %s\n", path);
}

void recorder_close(void)
{
    pthread_mutex_lock(&rec_mu);
    if (rec_file)
        fclose(rec_file);
    rec_file = NULL;
    pthread_mutex_unlock(&rec_mu);
}

void recorder_write(const char *method, const char *path, const char *query, int status, bool injected,
                    const char *body, size_t body_len)
{
    if (!rec_file)
        return;
    strbuf sb = STRBUF_INIT;
    bool first = true;
    strbuf_putc(&sb, '{');
    json_member_str(&sb, &first, "method", method);
    json_member_str(&sb, &first, "path", path);
    json_member_str(&sb, &first, "query", query);
    json_member_int(&sb, &first, "status", status);
    json_member_bool(&sb, &first, "injected", injected);
    json_put_key(&sb, &first, "body");
    json_put_strn(&sb, body ? body : "", body ? body_len : 0);
    strbuf_puts(&sb, "}\n");
    pthread_mutex_lock(&rec_mu);
    if (rec_file) {
        fwrite(sb.data, 1, sb.len, rec_file);
        fflush(rec_file);
    }
    pthread_mutex_unlock(&rec_mu);
    strbuf_free(&sb);
}
