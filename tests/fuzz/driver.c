/* The gcc driver of a libFuzzer harness (not linked under libFuzzer): runs LLVMFuzzerTestOneInput
 * over every file of the corpus directories given, then over deterministic mutations of them
 * (a fixed-seed generator: the same inputs every run) until FUZZ_RUNS inputs (default 20000) or
 * FUZZ_SECONDS (default 1.5) have passed, so each ctest run is brief and repeatable. An input that
 * crashes (a sanitizer report, a signal) or hangs (FUZZ_INPUT_TIMEOUT s, default 10) is written
 * to ./fuzz-crash-<harness> first, to be replayed with: <harness> fuzz-crash-<harness>. FUZZ_SEED=N
 * picks another sequence of mutations. */
#include "fuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

extern int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define FUZZ_MAX_INPUT (64 * 1024)
#define FUZZ_MAX_SEED (1024 * 1024)

typedef struct seed {
    uint8_t *data;
    size_t len;
} seed;

static seed *seeds;
static size_t nseeds, seeds_cap;
static const uint8_t *cur_data;
static size_t cur_len;
static char crash_path[256];

/* Async-signal-safe: the input being run goes to crash_path. */
static void save_current(void)
{
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    size_t done = 0;
    while (cur_data && done < cur_len) {
        ssize_t w = write(fd, cur_data + done, cur_len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    close(fd);
    static const char msg[] = "fuzz: the failing input was written to ./";
    (void)!write(2, msg, sizeof msg - 1);
    (void)!write(2, crash_path, strlen(crash_path));
    (void)!write(2, "\n", 1);
}

static void on_signal(int sig)
{
    if (sig == SIGALRM) {
        static const char msg[] = "fuzz: an input ran longer than FUZZ_INPUT_TIMEOUT (a hang)\n";
        (void)!write(2, msg, sizeof msg - 1);
    }
    save_current();
    signal(SIGABRT, SIG_DFL);
    abort();
}

static void add_seed(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FUZZ_MAX_SEED)
        return;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    seed s = {malloc((size_t)st.st_size + 1), 0};
    s.len = fread(s.data, 1, (size_t)st.st_size, f);
    fclose(f);
    if (nseeds == seeds_cap) {
        seeds_cap = seeds_cap ? seeds_cap * 2 : 32;
        seeds = realloc(seeds, seeds_cap * sizeof *seeds);
    }
    seeds[nseeds++] = s;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, by name (so the order, and with it the mutations, never vary). */
static void add_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        add_seed(dir);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        add_seed(names[i]);
        free(names[i]);
    }
    free(names);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

/* Tokens that break parsers: out-of-range numbers, JSON and escape edges, invisible and invalid
 * UTF-8, terminal escapes, and the syntax of the config file, key notation and --set. */
static const char *const tokens[] = {
    "1e999", "-1e999", "1e308", "-1e308", "1e19", "-9223372036854775809", "9223372036854775807",
    "18446744073709551616", "2147483648", "-2147483649", "4294967296", "NaN", "-0", "0.0000001",
    "null", "true", "false", "\"\"", "{}", "[]", "{\"", "\":", ",", "\\u0000", "\\ud800", "\\udc00",
    "\\uDBFF\\uDFFF", "\\\"", "\xe2\x80\x8b", "\xef\xbb\xbf", "\xf3\xa0\x80\x81", "\xe2\x80\x8d",
    "\xe2\x80\xae", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\x1b[31m", "\x1b]0;x\x07",
    "\r\n", "\t", "\n", "<Esc>", "<C-x>", "<Enter>", "<", ">", "<lt>", ":", "=", "[profile ", "]", "#",
    "1e99s", "99999999999999999999ms", "1e300m", "x", "\"next_page\":", "\"total\":", "\"items\":[",
    "\"status\":", "2026-11-30T11:50:00Z", "9999-12-31T23:59:59.999999999+14:00", "00000000-0000-0000-0000-000000000000",
};

static size_t mutate(uint8_t *buf, size_t len)
{
    int steps = 1 + (int)below(4);
    for (int s = 0; s < steps; s++) {
        switch (below(9)) {
        case 0: /* flip a bit */
            if (len)
                buf[below(len)] ^= (uint8_t)(1u << below(8));
            break;
        case 1: { /* an interesting byte */
            static const uint8_t bytes[] = {0, 0x7f, 0x80, 0xff, '"', '\\', '{', '}', '[', ']', ',', ':', '-', '0', '9',
                                            '.', 'e', ' ', '\n', '<', '>', '=', '#', 0x1b, 0xc3, 0xe2};
            if (len)
                buf[below(len)] = bytes[below(sizeof bytes)];
            break;
        }
        case 2: { /* delete a range */
            if (!len)
                break;
            size_t at = below(len), n = 1 + below(len - at < 16 ? len - at : 16);
            memmove(buf + at, buf + at + n, len - at - n);
            len -= n;
            break;
        }
        case 3: /* truncate */
            len = below(len + 1);
            break;
        case 4:
        case 5: { /* insert or overwrite with a token */
            const char *t = tokens[below(sizeof tokens / sizeof *tokens)];
            size_t tl = strlen(t), at = below(len + 1);
            if (len + tl > FUZZ_MAX_INPUT)
                break;
            if (below(2) && at + tl <= len) {
                memcpy(buf + at, t, tl);
            } else {
                memmove(buf + at + tl, buf + at, len - at);
                memcpy(buf + at, t, tl);
                len += tl;
            }
            break;
        }
        case 6: { /* replace a number with an extreme one */
            size_t at = below(len + 1);
            while (at < len && !(buf[at] >= '0' && buf[at] <= '9'))
                at++;
            if (at >= len)
                break;
            size_t end = at;
            while (end < len && ((buf[end] >= '0' && buf[end] <= '9') || buf[end] == '.' || buf[end] == 'e'))
                end++;
            const char *t = tokens[below(14)];
            size_t tl = strlen(t);
            if (len - (end - at) + tl > FUZZ_MAX_INPUT)
                break;
            memmove(buf + at + tl, buf + end, len - end);
            memcpy(buf + at, t, tl);
            len = len - (end - at) + tl;
            break;
        }
        case 7: { /* duplicate a range */
            if (!len)
                break;
            size_t from = below(len), n = 1 + below(len - from), at = below(len + 1);
            if (len + n > FUZZ_MAX_INPUT)
                break;
            static uint8_t range[FUZZ_MAX_INPUT];
            memcpy(range, buf + from, n);
            memmove(buf + at + n, buf + at, len - at);
            memcpy(buf + at, range, n);
            len += n;
            break;
        }
        default: { /* splice: this input's head and another seed's tail */
            const seed *o = &seeds[below(nseeds)];
            if (!o->len)
                break;
            size_t cut = below(len + 1), from = below(o->len);
            size_t n = o->len - from;
            if (cut + n > FUZZ_MAX_INPUT)
                n = FUZZ_MAX_INPUT - cut;
            memcpy(buf + cut, o->data + from, n);
            len = cut + n;
            break;
        }
        }
    }
    return len;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_one(const uint8_t *data, size_t len, unsigned timeout)
{
    /* libFuzzer hands over a buffer of exactly len bytes: so does this, for ASan to see overreads. */
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, data, len);
    cur_data = copy;
    cur_len = len;
    alarm(timeout);
    LLVMFuzzerTestOneInput(copy, len);
    alarm(0);
    cur_data = NULL;
    free(copy);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    const char *base = strrchr(argv[0], '/');
    snprintf(crash_path, sizeof crash_path, "fuzz-crash-%s", base ? base + 1 : argv[0]);
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
    signal(SIGILL, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGALRM, on_signal);
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(save_current);
#endif
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        add_dir(argv[i]);
    if (!nseeds) {
        fprintf(stderr, "%s: no corpus files in the paths given\n", argv[0]);
        return 2;
    }
    const char *e = getenv("FUZZ_RUNS");
    long max_runs = e ? atol(e) : 20000;
    e = getenv("FUZZ_SECONDS");
    double max_s = e ? atof(e) : 1.5;
    e = getenv("FUZZ_SEED"); /* another sequence of mutations, to explore by hand */
    if (e && strtoull(e, NULL, 10))
        rng_state = strtoull(e, NULL, 10);
    e = getenv("FUZZ_INPUT_TIMEOUT");
    unsigned timeout = e ? (unsigned)atoi(e) : 10;

    double start = now_s();
    for (size_t i = 0; i < nseeds; i++)
        run_one(seeds[i].data, seeds[i].len, timeout);
    uint8_t *buf = malloc(FUZZ_MAX_INPUT);
    long runs = 0;
    for (; runs < max_runs && now_s() - start < max_s; runs++) {
        const seed *s = &seeds[below(nseeds)];
        size_t len = s->len < FUZZ_MAX_INPUT ? s->len : FUZZ_MAX_INPUT;
        memcpy(buf, s->data, len);
        len = mutate(buf, len);
        run_one(buf, len, timeout);
    }
    printf("%s: %zu corpus inputs and %ld mutations in %.2f s, no failure\n", argv[0], nseeds, runs, now_s() - start);
    free(buf);
    for (size_t i = 0; i < nseeds; i++)
        free(seeds[i].data);
    free(seeds);
    return 0;
}
