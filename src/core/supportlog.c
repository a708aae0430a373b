/* supportlog: see supportlog.h. */
#include "core/supportlog.h"

#include "common/err.h"
#include "common/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BODY_LOG_MAX 65536 /* a debug line shows at most this much of a body */

static const char *flag_path;
static struct {
    FILE *f;
    char *path;
    bool debug;
    char *secret;
    char *bearer; /* the last token seen on a request */
} lg;

static void wipe_free(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = '\0';
        free(s);
    }
}

int supportlog_take_flag(int *argc, char **argv, char **err)
{
    int w = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--log") == 0) {
            if (i + 1 >= *argc)
                return err_set(err, "--log needs a file name");
            flag_path = argv[++i];
        } else if (strncmp(argv[i], "--log=", 6) == 0) {
            flag_path = argv[i] + 6;
        } else {
            argv[w++] = argv[i];
        }
    }
    *argc = w;
    argv[w] = NULL;
    return 0;
}

const char *supportlog_flag_path(void)
{
    return flag_path;
}

int supportlog_open(const char *path, bool debug, char **err)
{
    lg.debug = debug;
    if (lg.f && strcmp(lg.path, path) == 0)
        return 0;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return err_set(err, "cannot open the log file %s: %s", path, strerror(errno));
    }
    supportlog_close();
    lg.f = f;
    lg.path = xstrdup(path);
    lg.debug = debug;
    fprintf(f, "# catena-dispatch support log, pid %ld%s; no secret or token is ever written here\n", (long)getpid(),
            debug ? ", bodies included (log_level = debug)" : "");
    fflush(f);
    return 0;
}

void supportlog_close(void)
{
    if (lg.f)
        fclose(lg.f);
    free(lg.path);
    wipe_free(lg.secret);
    wipe_free(lg.bearer);
    memset(&lg, 0, sizeof lg);
}

/* ------------------------------------------------------------------ redaction */

static const char *const secret_keys[] = {"client_secret", "access_token", "refresh_token", "id_token", "password"};

/* Length of the value that starts at p: up to the closing quote of a JSON string (quoted), else
 * up to '&' or the end (a form value). */
static size_t value_len(const char *p, const char *end, bool quoted)
{
    const char *q = p;
    while (q < end && (quoted ? *q != '"' : *q != '&')) {
        if (quoted && *q == '\\' && q + 1 < end)
            q++;
        q++;
    }
    return (size_t)(q - p);
}

/* The value of a secret key starting at text[i], or false: "key" : "VALUE" or (at the start or
 * after &) key=VALUE. */
static bool secret_value_at(const char *text, size_t len, size_t i, size_t *vstart, size_t *vlen)
{
    const char *end = text + len;
    for (size_t k = 0; k < sizeof secret_keys / sizeof secret_keys[0]; k++) {
        size_t kl = strlen(secret_keys[k]);
        if (text[i] == '"' && i + kl + 2 <= len && memcmp(text + i + 1, secret_keys[k], kl) == 0 &&
            text[i + kl + 1] == '"') {
            const char *p = text + i + kl + 2;
            while (p < end && (*p == ' ' || *p == ':' || *p == '\t'))
                p++;
            if (p < end && *p == '"') {
                *vstart = (size_t)(p + 1 - text);
                *vlen = value_len(p + 1, end, true);
                return true;
            }
        }
        if ((i == 0 || text[i - 1] == '&') && i + kl + 1 <= len && memcmp(text + i, secret_keys[k], kl) == 0 &&
            text[i + kl] == '=') {
            *vstart = i + kl + 1;
            *vlen = value_len(text + *vstart, end, false);
            return true;
        }
    }
    return false;
}

char *supportlog_redact(const char *text, size_t len, const char *const *literals, int n)
{
    strbuf sb = STRBUF_INIT;
    size_t i = 0;
    while (i < len) {
        size_t vs, vl;
        if (secret_value_at(text, len, i, &vs, &vl)) {
            strbuf_append(&sb, text + i, vs - i);
            strbuf_puts(&sb, "***");
            i = vs + vl;
            continue;
        }
        bool hit = false;
        for (int k = 0; k < n && !hit; k++) {
            size_t ll = literals[k] ? strlen(literals[k]) : 0;
            if (ll && ll <= len - i && memcmp(text + i, literals[k], ll) == 0) {
                strbuf_puts(&sb, "***");
                i += ll;
                hit = true;
            }
        }
        if (!hit)
            strbuf_putc(&sb, text[i++]);
    }
    return strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ lines */

static void stamp(strbuf *sb, uint64_t id)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    strbuf_printf(sb, "%s.%03ldZ #%llu ", when, ts.tv_nsec / 1000000, (unsigned long long)id);
}

/* Text with control bytes as \xNN, so the log stays one line per event and safe to cat. */
static void put_escaped(strbuf *sb, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '\\')
            strbuf_printf(sb, "\\x%02X", c);
        else
            strbuf_putc(sb, (char)c);
    }
}

static void put_body(strbuf *sb, const char *body, size_t len)
{
    if (!lg.debug || !body || !len)
        return;
    const char *lits[] = {lg.secret, lg.bearer};
    char *clean = supportlog_redact(body, len, lits, 2);
    size_t n = strlen(clean);
    strbuf_puts(sb, "\n    body: ");
    put_escaped(sb, clean, n < BODY_LOG_MAX ? n : BODY_LOG_MAX);
    if (n > BODY_LOG_MAX)
        strbuf_printf(sb, " ... (%zu more bytes)", n - BODY_LOG_MAX);
    wipe_free(clean);
}

static void emit(strbuf *sb)
{
    if (lg.f && sb->data) {
        fprintf(lg.f, "%s\n", sb->data);
        fflush(lg.f);
    }
    if (sb->data)
        memset(sb->data, 0, sb->len);
    strbuf_free(sb);
}

static void on_request(void *ud, uint64_t id, const http_request *req)
{
    (void)ud;
    if (req->bearer && (!lg.bearer || strcmp(lg.bearer, req->bearer) != 0)) {
        wipe_free(lg.bearer);
        lg.bearer = xstrdup(req->bearer);
    }
    strbuf sb = STRBUF_INIT;
    stamp(&sb, id);
    strbuf_printf(&sb, "> %s ", req->method ? req->method : "GET");
    const char *lits[] = {lg.secret, lg.bearer};
    char *url = supportlog_redact(req->url, strlen(req->url), lits, 2);
    put_escaped(&sb, url, strlen(url));
    free(url);
    strbuf_printf(&sb, " (%zu B%s)", req->body ? req->body_len : 0, req->bearer ? ", with token" : "");
    put_body(&sb, req->body, req->body_len);
    emit(&sb);
}

static void on_response(void *ud, uint64_t id, const http_response *r)
{
    (void)ud;
    strbuf sb = STRBUF_INIT;
    stamp(&sb, id);
    if (r->error == HTTP_OK)
        strbuf_printf(&sb, "< %ld %zu B in %lld ms", r->status, r->body_len, (long long)r->elapsed_ms);
    else
        strbuf_printf(&sb, "< failed after %lld ms: %s", (long long)r->elapsed_ms, r->error_text);
    if (r->retry_after_s >= 0)
        strbuf_printf(&sb, " (Retry-After %d s)", r->retry_after_s);
    put_body(&sb, r->body, r->body_len);
    emit(&sb);
}

void supportlog_attach(http_client *h, const char *client_secret)
{
    if (!lg.f)
        return;
    if (client_secret && *client_secret && (!lg.secret || strcmp(lg.secret, client_secret) != 0)) {
        wipe_free(lg.secret);
        lg.secret = xstrdup(client_secret);
    }
    http_observer o = {on_request, on_response, NULL};
    http_set_observer(h, &o);
}
