#include "app/script.h"

#include "common/clamp.h"
#include "core/config.h"
#include "ui/keys.h"
#include "ui/screen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#define IDLE_TIMEOUT_MS 30000

bool script_parse_size(const char *s, int *cols, int *rows)
{
    char x;
    int c, r;
    if (!s || sscanf(s, "%d%c%d", &c, &x, &r) != 3 || (x != 'x' && x != 'X'))
        return false;
    if (c < 1 || c > 1000 || r < 1 || r > 1000)
        return false;
    *cols = c;
    *rows = r;
    return true;
}

static unsigned long long output_mark;

static void pump(app *a)
{
    loop_run_once(a->l, 0);
    app_idle(a);
    app_draw(a);
}

static void pump_for(app *a, int ms)
{
    loop_run_once(a->l, ms);
    app_idle(a);
    app_draw(a);
}

static int wait_idle(app *a, int64_t limit_ms)
{
    int64_t deadline = loop_real_now_ms() + limit_ms;
    for (;;) {
        app_idle(a);
        app_draw(a);
        if (app_is_idle(a) || a->quit) /* a signal (SIGTERM, Ctrl-C) ends the wait */
            return 0;
        if (loop_real_now_ms() > deadline)
            return -1;
        loop_run_once(a->l, 50);
    }
}

bool script_parse_duration(const char *s, int64_t *ms)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0)) /* also NaN */
        return false;
    if (strcmp(end, "s") == 0 || *end == '\0')
        v *= 1000;
    else if (strcmp(end, "m") == 0)
        v *= 60000;
    else if (strcmp(end, "ms") != 0)
        return false;
    *ms = clamp_to_i64(v, 0, SCRIPT_ADVANCE_MAX_MS); /* 1e99s: clamped before the conversion */
    return true;
}

static int save_screen(const char *file, bool attrs)
{
    FILE *f = fopen(file, "w");
    if (!f)
        return -1;
    if (attrs)
        screen_dump_attrs(f);
    else
        screen_dump_text(f);
    return fclose(f);
}

typedef struct emu_call {
    bool done;
    long status;
} emu_call;

static void on_emu_call(void *ud, const http_response *r)
{
    emu_call *c = ud;
    c->done = true;
    c->status = r->error == HTTP_OK ? r->status : -1;
}

/* "now" of GET /_emulator/clock ({"now":"2026-11-30T11:50:00.123456Z",...}) in ms since the epoch. */
static bool parse_clock_now(const char *body, int64_t *ms)
{
    const char *p = strstr(body, "\"now\":\"");
    struct tm tm = {0};
    int used = 0;
    if (!p || sscanf(p + 7, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                     &tm.tm_min, &tm.tm_sec, &used) != 6)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return false;
    int64_t v = (int64_t)t * 1000;
    const char *f = p + 7 + used;
    if (*f == '.')
        for (int scale = 100; *++f >= '0' && *f <= '9'; scale /= 10)
            v += (*f - '0') * scale;
    *ms = v;
    return true;
}

typedef struct clock_body {
    char text[512];
    size_t len;
} clock_body;

static size_t on_clock_body(char *p, size_t size, size_t n, void *ud)
{
    clock_body *b = ud;
    size_t k = size * n, room = sizeof b->text - 1 - b->len;
    memcpy(b->text + b->len, p, k < room ? k : room);
    b->len += k < room ? k : room;
    b->text[b->len] = '\0';
    return size * n;
}

/* The emulator's clock, asked with a blocking request so that nothing else runs meanwhile (the
 * first frame must still show the state before any reply). */
static bool emulator_clock(const char *base, int64_t *ms)
{
    char url[700];
    snprintf(url, sizeof url, "%s/_emulator/clock", base);
    clock_body b = {.len = 0};
    CURL *h = curl_easy_init();
    if (!h)
        return false;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_clock_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    long status = 0;
    bool ok = curl_easy_perform(h) == CURLE_OK && curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
              status == 200 && parse_clock_now(b.text, ms);
    curl_easy_cleanup(h);
    return ok;
}

#define DAY_MS (86400LL * 1000)

/* Script mode's wall clock starts on the API's day (the emulator's clock, asked on loopback; else the
 * real time), so windows counted back from it (a conversation's last 30 days) are ones the API
 * accepts. It starts at that day's 00:00:00Z so that times of day on screen stay reproducible; it
 * never goes back (a later sync after the API's clock moved only moves it forward). */
static void sync_wall_clock(app *a, bool at_start)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (a->api && config_url_is_loopback(api_base_url(a->api)))
        emulator_clock(api_base_url(a->api), &now);
    int64_t day = now - now % DAY_MS;
    if (at_start || day > loop_wall_ms(a->l))
        loop_set_virtual_wall_ms(a->l, day);
}

/* ":emulator METHOD PATH [JSON]": a request to catena-emulator's loopback control surface (for tests:
 * e.g. POST /_emulator/operations/drain waits until its async operations are done). */
static int emulator_call(app *a, const char *arg, const char *where)
{
    char method[16], path[512];
    int used = 0;
    if (sscanf(arg, "%15s %511s%n", method, path, &used) != 2 || strncmp(path, "/_emulator/", 11) != 0) {
        fprintf(stderr, "%s: want :emulator METHOD /_emulator/...\n", where);
        return -1;
    }
    if (!a->http || !config_url_is_loopback(api_base_url(a->api))) {
        fprintf(stderr, "%s: :emulator needs a connection to an emulator on loopback\n", where);
        return -1;
    }
    char url[700];
    snprintf(url, sizeof url, "%s%s", api_base_url(a->api), path);
    emu_call c = {false, 0};
    const char *body = arg + used + strspn(arg + used, " "); /* optional JSON after the path */
    http_request req = {.method = method, .url = url};
    if (*body) {
        req.content_type = "application/json";
        req.body = body;
        req.body_len = strlen(body);
    }
    http_start(a->http, &req, on_emu_call, &c);
    int64_t deadline = loop_real_now_ms() + IDLE_TIMEOUT_MS;
    while (!c.done && loop_real_now_ms() < deadline)
        loop_run_once(a->l, 50);
    if (c.status < 200 || c.status >= 300) {
        fprintf(stderr, "%s: %s %s answered %ld\n", where, method, path, c.status);
        return -1;
    }
    if (strncmp(path, "/_emulator/clock", 16) == 0)
        sync_wall_clock(a, false); /* the API's clock moved: the wall clock follows */
    return 0;
}

/* Keys handled and drawn in one function of their own, so a profiler (callgrind's
 * --toggle-collect=script_bench_keys) can count exactly their cost. */
__attribute__((noinline)) int script_bench_keys(app *a, const char *keys, const char *where)
{
    const char *p = keys;
    while (*p) {
        int key = keys_parse_one(&p);
        if (key < 0) {
            fprintf(stderr, "%s: malformed key near \"%s\"\n", where, p);
            return -1;
        }
        app_handle_key(a, key);
        app_draw(a);
    }
    return 0;
}

/* Returns 0 ok, 1 expectation failed (go on), -1 error (stop), 2 quit. */
static int run_command(app *a, const char *cmd, const char *where)
{
    const char *arg = strchr(cmd, ' ');
    size_t n = arg ? (size_t)(arg - cmd) : strlen(cmd);
    if (arg)
        while (*arg == ' ')
            arg++;
    char name[32];
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, cmd, n);
    name[n] = '\0';
    if (strcmp(name, "wait-idle") == 0) {
        /* An optional limit in seconds, for big lists under valgrind (tests/bench/run). */
        int64_t limit = arg && atoi(arg) > 0 ? (int64_t)atoi(arg) * 1000 : IDLE_TIMEOUT_MS;
        if (wait_idle(a, limit) != 0) {
            fprintf(stderr, "%s: still busy after %lld s\n", where, (long long)(limit / 1000));
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "quit") == 0)
        return 2;
    if (strcmp(name, "mark-output") == 0) {
        app_draw(a);
        output_mark = screen_output_bytes();
        return 0;
    }
    if (strcmp(name, "print-output-bytes") == 0)
        arg = "";
    else if (!arg || !*arg) {
        fprintf(stderr, "%s: :%s needs an argument\n", where, name);
        return -1;
    }
    if (strcmp(name, "save-screen") == 0 || strcmp(name, "save-screen-attrs") == 0) {
        app_draw(a);
        if (save_screen(arg, name[11] == '-') != 0) {
            fprintf(stderr, "%s: cannot write %s: %s\n", where, arg, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "expect") == 0 || strcmp(name, "expect-not") == 0) {
        app_draw(a);
        bool found = screen_contains(arg), want = name[6] == '\0';
        if (found != want) {
            fprintf(stderr, "%s: expected \"%s\" %son screen; the screen was:\n", where, arg, want ? "" : "NOT ");
            screen_dump_text(stderr);
            return 1;
        }
        return 0;
    }
    if (strcmp(name, "expect-output-bytes") == 0 || strcmp(name, "print-output-bytes") == 0) {
        app_draw(a);
        unsigned long long n = screen_output_bytes() - output_mark;
        if (name[0] == 'p') {
            printf("output_bytes=%llu\n", n);
            fflush(stdout);
            return 0;
        }
        if (n != strtoull(arg, NULL, 10)) {
            fprintf(stderr, "%s: %llu bytes went to the terminal since :mark-output, expected %s\n", where, n, arg);
            return 1;
        }
        return 0;
    }
    if (strcmp(name, "bench-keys") == 0) {
        /* Keystroke to frame, on stdout for tests/bench/run (outside the function callgrind counts). */
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = script_bench_keys(a, arg, where);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("bench_keys_us=%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
        fflush(stdout);
        return rc;
    }
    if (strcmp(name, "emulator") == 0)
        return emulator_call(a, arg, where);
    if (strcmp(name, "resize") == 0) {
        int c, r;
        if (!script_parse_size(arg, &c, &r)) {
            fprintf(stderr, "%s: bad size '%s' (want COLSxROWS)\n", where, arg);
            return -1;
        }
        screen_resize(c, r);
        app_resize(a, r, c);
        app_draw(a);
        return 0;
    }
    if (strcmp(name, "click") == 0 || strcmp(name, "wheel") == 0) { /* ":click X Y", ":wheel up|down X Y" */
        char dir[8] = "";
        int x, y, ok = name[0] == 'c' ? sscanf(arg, "%d %d", &x, &y) == 2
                                      : sscanf(arg, "%7s %d %d", dir, &x, &y) == 3 &&
                                            (strcmp(dir, "up") == 0 || strcmp(dir, "down") == 0);
        if (!ok) {
            fprintf(stderr, "%s: want :click X Y or :wheel up|down X Y\n", where);
            return -1;
        }
        a->dirty |= app_mouse(a, name[0] == 'c' ? APP_MOUSE_CLICK : dir[0] == 'u' ? APP_MOUSE_WHEEL_UP
                                                                                    : APP_MOUSE_WHEEL_DOWN, x, y);
        pump(a);
        return 0;
    }
    if (strcmp(name, "sleep") == 0) { /* real time with the loop running: requests stay in flight */
        int64_t ms;
        if (!script_parse_duration(arg, &ms)) {
            fprintf(stderr, "%s: bad duration '%s' (e.g. 500ms, 2s)\n", where, arg);
            return -1;
        }
        for (int64_t until = loop_real_now_ms() + ms; !a->quit && loop_real_now_ms() < until;)
            pump_for(a, 20);
        return 0;
    }
    if (strcmp(name, "advance") == 0) {
        int64_t ms;
        if (!script_parse_duration(arg, &ms)) {
            fprintf(stderr, "%s: bad duration '%s' (e.g. 500ms, 2s, 1m)\n", where, arg);
            return -1;
        }
        loop_advance(a->l, ms);
        pump(a);
        return 0;
    }
    fprintf(stderr, "%s: unknown command :%s\n", where, name);
    return -1;
}

int script_run(app *a, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[4096], where[512];
    int lineno = 0, failures = 0, rc = 0;
    sync_wall_clock(a, true);
    app_draw(a);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        if (line[0] == ':') {
            int r = run_command(a, line + 1, where);
            if (r == 1)
                failures++;
            if (r == -1) {
                rc = 1;
                break;
            }
            if (r == 2 || a->quit)
                break;
            continue;
        }
        const char *p = line;
        while (*p) {
            int key = keys_parse_one(&p);
            if (key < 0) {
                fprintf(stderr, "%s: malformed key near \"%s\"\n", where, p);
                rc = 1;
                break;
            }
            app_handle_key(a, key);
            pump(a);
            if (a->quit)
                break;
        }
        if (rc || a->quit)
            break;
    }
    if (f != stdin)
        fclose(f);
    if (failures) {
        fprintf(stderr, "%s: %d expectation(s) failed\n", path, failures);
        rc = 1;
    }
    return rc;
}
