#include "emu_clock.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t clock_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t clock_cv = PTHREAD_COND_INITIALIZER;
static double scale = 1.0;
static int64_t start_emulated_us;
static int64_t start_mono_us;
static int64_t advanced_us;
static bool initialised;

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void emu_clock_init(double time_scale, int64_t start_unix_us)
{
    pthread_mutex_lock(&clock_mu);
    scale = time_scale > 0 ? time_scale : 1.0;
    if (start_unix_us == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        start_unix_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    }
    start_emulated_us = start_unix_us;
    start_mono_us = mono_us();
    advanced_us = 0;
    initialised = true;
    pthread_mutex_unlock(&clock_mu);
}

static int64_t now_locked(void)
{
    if (!initialised) {
        pthread_mutex_unlock(&clock_mu);
        emu_clock_init(1.0, 0);
        pthread_mutex_lock(&clock_mu);
    }
    double elapsed = (double)(mono_us() - start_mono_us) / scale;
    return start_emulated_us + (int64_t)elapsed + advanced_us;
}

int64_t emu_now_us(void)
{
    pthread_mutex_lock(&clock_mu);
    int64_t now = now_locked();
    pthread_mutex_unlock(&clock_mu);
    return now;
}

void emu_clock_advance(int64_t us)
{
    if (us < 0)
        return;
    pthread_mutex_lock(&clock_mu);
    advanced_us += us;
    pthread_cond_broadcast(&clock_cv);
    pthread_mutex_unlock(&clock_mu);
}

double emu_clock_scale(void)
{
    pthread_mutex_lock(&clock_mu);
    double s = scale;
    pthread_mutex_unlock(&clock_mu);
    return s;
}

void emu_clock_wake_all(void)
{
    pthread_mutex_lock(&clock_mu);
    pthread_cond_broadcast(&clock_cv);
    pthread_mutex_unlock(&clock_mu);
}

bool emu_clock_wait_until(int64_t due_us, const volatile int *stop)
{
    pthread_mutex_lock(&clock_mu);
    for (;;) {
        if (stop && *stop) {
            pthread_mutex_unlock(&clock_mu);
            return false;
        }
        int64_t now = now_locked();
        if (now >= due_us)
            break;
        /* Real time still needed; wait at most 50 ms at a time so stop flags are seen. */
        double real_wait = (double)(due_us - now) * scale;
        if (real_wait > 50000)
            real_wait = 50000;
        if (real_wait < 100)
            real_wait = 100;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long long ns = ts.tv_nsec + (long long)(real_wait * 1000);
        ts.tv_sec += (time_t)(ns / 1000000000);
        ts.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&clock_cv, &clock_mu, &ts);
    }
    pthread_mutex_unlock(&clock_mu);
    return true;
}

/* Set at shutdown: simulated latencies end at once (at a slow time scale they can be minutes). */
static volatile int sleeps_interrupted;

void emu_clock_sleep(int64_t emulated_us)
{
    if (emulated_us <= 0)
        return;
    emu_clock_wait_until(emu_now_us() + emulated_us, &sleeps_interrupted);
}

void emu_clock_interrupt_sleeps(void)
{
    pthread_mutex_lock(&clock_mu);
    sleeps_interrupted = 1;
    pthread_cond_broadcast(&clock_cv);
    pthread_mutex_unlock(&clock_mu);
}

void emu_time_format(int64_t unix_us, char out[EMU_TIME_LEN])
{
    int64_t secs = unix_us / 1000000;
    int64_t frac = unix_us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs--;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
    snprintf(out, EMU_TIME_LEN, "%.31s", tmp);
}

void emu_date_format(int64_t unix_us, char out[11])
{
    time_t t = (time_t)(unix_us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    snprintf(out, 11, "%.10s", tmp);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_date_part(const char *s, struct tm *tm)
{
    int y, mo, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[mo - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return false;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    return true;
}

bool emu_date_parse(const char *s)
{
    struct tm tm;
    return strlen(s) == 10 && parse_date_part(s, &tm);
}

bool emu_time_parse(const char *s, int64_t *out_us)
{
    struct tm tm;
    if (strlen(s) < 19 || !parse_date_part(s, &tm))
        return false;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        return false;
    int h, mi, se;
    if (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 60)
        return false;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    const char *p = s + 19;
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        while (isdigit((unsigned char)*p)) {
            if (nd < 6) {
                frac = frac * 10 + (*p - '0');
                nd++;
            }
            p++;
        }
        if (nd == 0)
            return false;
        while (nd++ < 6)
            frac *= 10;
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p)
        return false;
    int64_t secs = (int64_t)timegm(&tm) - offset;
    *out_us = secs * 1000000 + frac;
    return true;
}
