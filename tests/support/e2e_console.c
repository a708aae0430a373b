#include "e2e_console.h"

#include "common/strbuf.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static size_t on_body(char *p, size_t s, size_t n, void *ud)
{
    strbuf_append(ud, p, s * n);
    return s * n;
}

char *emu_http(const emu_proc *e, const char *method, const char *path, const char *bearer, const char *form)
{
    CURL *c = curl_easy_init();
    strbuf url = STRBUF_INIT, body = STRBUF_INIT, auth = STRBUF_INIT;
    strbuf_printf(&url, "%s%s", e->url, path);
    struct curl_slist *h = NULL;
    if (bearer) {
        strbuf_printf(&auth, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth.data);
    }
    curl_easy_setopt(c, CURLOPT_URL, url.data);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    if (form)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    curl_easy_perform(c);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    strbuf_free(&url);
    strbuf_free(&auth);
    return strbuf_detach(&body);
}

int run_console_script(const emu_proc *e, const char *workdir, const char *script_text, const char *size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/t.script", workdir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(script_text, f);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        char auth[200], state[600];
        snprintf(auth, sizeof auth, "%s/realms/catena", e->url);
        snprintf(state, sizeof state, "%s/state", workdir);
        setenv("XDG_STATE_HOME", state, 1);
        setenv("CATENA_CLIENT_ID", "demo-client", 1);
        setenv("CATENA_CLIENT_SECRET", "demo-secret", 1);
        setenv("HOME", workdir, 1);
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        /* Only 0-2 cross: what the console's own children inherit is then the console's doing. */
        close_range(3, ~0U, 0);
        execl(CATENA_DISPATCH_BIN, CATENA_DISPATCH_BIN, "--script", path, "--size", size, "--api-url", e->url,
              "--auth-url", auth, (char *)NULL);
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

cJSON *emu_logged_body(const emu_proc *e, const char *method, const char *prefix, int nth, char *path_out,
                       size_t cap)
{
    char *log = emu_http(e, "GET", "/_emulator/requests", NULL, NULL);
    cJSON *arr = cJSON_Parse(log);
    free(log);
    cJSON *found = NULL, *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path");
        const cJSON *b = cJSON_GetObjectItem(it, "body");
        if (cJSON_IsString(m) && cJSON_IsString(p) && !strcmp(m->valuestring, method) &&
            !strncmp(p->valuestring, prefix, strlen(prefix)) && nth-- == 0) {
            found = cJSON_IsString(b) ? cJSON_Parse(b->valuestring) : cJSON_Duplicate(b, 1);
            if (path_out)
                snprintf(path_out, cap, "%s", p->valuestring);
            break;
        }
    }
    cJSON_Delete(arr);
    return found;
}

int e2e_make_workdir(const char *prefix, char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/%s-XXXXXX", prefix);
    return mkdtemp(out) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void e2e_remove_tree(const char *path)
{
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "could not remove %s\n", path);
}
