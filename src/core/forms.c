/* forms: the forms' lookups and typed validation with messages shown next to the field (the values
 * of one form: forms_values.c). The fields themselves are the resource table's
 * (core/api_resources.c); the JSON side is core/api_forms.c. */
#include "core/forms.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/strbuf.h"

/* ------------------------------------------------------------------ lookups */

const form_spec *form_spec_get(form_kind k)
{
    return (unsigned)k < (unsigned)FORM__COUNT ? &api_form_specs[k] : NULL;
}

const form_spec *form_spec_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (int k = 0; k < FORM__COUNT; k++)
        if (strcasecmp(name, api_form_specs[k].resource) == 0 || strcasecmp(name, api_form_specs[k].title) == 0)
            return &api_form_specs[k];
    return NULL;
}

int form_field_index(const form_spec *s, const char *name)
{
    if (!s || !name)
        return -1;
    for (int i = 0; i < s->nfields; i++)
        if (strcmp(s->fields[i].name, name) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ helpers */

static __attribute__((format(printf, 3, 4))) void msg(char *buf, size_t cap, const char *fmt, ...)
{
    if (!buf || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

/* In the check functions below: set err and return -1. */
#define FAIL(...)                      \
    do {                               \
        msg(err, errcap, __VA_ARGS__); \
        return -1;                     \
    } while (0)

/* Numbers are read and written in the C locale whatever LC_NUMERIC says. */
static locale_t c_locale(void)
{
    static locale_t loc;
    if (!loc)
        loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return loc;
}

double form_parse_number(const char *s)
{
    locale_t loc = c_locale();
    return loc ? strtod_l(s, NULL, loc) : strtod(s, NULL);
}

/* Shortest text that reads back as d; integral values without ".0". */
void form_format_number(double d, char *buf, size_t cap)
{
    if (!isfinite(d)) {
        snprintf(buf, cap, "0");
        return;
    }
    if (d == 0)
        d = 0; /* no "-0" */
    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(buf, cap, "%.0f", d);
        return;
    }
    locale_t loc = c_locale(), old = loc ? uselocale(loc) : (locale_t)0;
    snprintf(buf, cap, "%.15g", d);
    if (form_parse_number(buf) != d)
        snprintf(buf, cap, "%.17g", d);
    if (loc)
        uselocale(old);
}

/* Length of the valid UTF-8 sequence at p (1..4), 0 if invalid (overlong, surrogate, > U+10FFFF). */
static int utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* Valid UTF-8 without control characters (LF, CR and TAB allowed when multiline). */
static int check_text(const char *s, bool multiline, char *err, size_t errcap)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_len(p);
        if (n == 0)
            FAIL("is not valid UTF-8 text");
        bool c0 = n == 1 && (*p < 0x20 || *p == 0x7f), c1 = n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
        if (c0 && multiline && (*p == '\n' || *p == '\r' || *p == '\t'))
            c0 = false;
        if (c0 && (*p == '\n' || *p == '\r'))
            FAIL("must be a single line");
        if (c0 || c1)
            FAIL("contains a control character");
        p += n;
    }
    return 0;
}

static bool only_space(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* A heap copy of s without leading and trailing ASCII whitespace. */
static char *trim_dup(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* ------------------------------------------------------------------ per-type checks */

static int vin_value(char c)
{
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)toupper((unsigned char)c);
    const char *p = c ? strchr(letters, c) : NULL;
    return p ? values[p - letters] : -1;
}

/* The expected check digit of a 17-char VIN ('0'..'9' or 'X'), 0 if a character is invalid. */
static char vin_expected(const char *vin)
{
    static const int weights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = vin_value(vin[i]);
        if (v < 0)
            return 0;
        sum += v * weights[i];
    }
    return sum % 11 == 10 ? 'X' : (char)('0' + sum % 11);
}

bool vin_check_digit_ok(const char *vin)
{
    if (!vin || strlen(vin) != 17)
        return false;
    char want = vin_expected(vin);
    return want && toupper((unsigned char)vin[8]) == want;
}

/* VINs are free text upstream (sandboxes hold ids like "VIN-238797dfa69ff"): anything that is not
 * a standard VIN is sent as typed with a warning; a standard one is uppercased and its check
 * digit checked. */
static void check_vin(char *t, strbuf *out, char *warn, size_t warncap)
{
    size_t n = 0, alnum = 0;
    for (const char *p = t; *p; p++) {
        n += ((unsigned char)*p & 0xc0) != 0x80; /* characters, not bytes */
        alnum += isascii((unsigned char)*p) && isalnum((unsigned char)*p);
    }
    if (n != 17 || alnum != 17) {
        if (n != 17)
            msg(warn, warncap, "not a standard 17-character VIN (this one has %zu): sent as typed", n);
        else
            msg(warn, warncap, "not a standard VIN (only A-Z and 0-9 are used): sent as typed");
        strbuf_puts(out, t);
        return;
    }
    for (size_t i = 0; i < n; i++)
        t[i] = (char)toupper((unsigned char)t[i]);
    char want = vin_expected(t);
    if (strpbrk(t, "IOQ"))
        msg(warn, warncap, "not a standard VIN (VINs use 1 and 0, never I, O or Q): check for a typo");
    else if (want != t[8])
        msg(warn, warncap, "check digit (9th character) is %c but should be %c: check for a typo", t[8], want);
    strbuf_puts(out, t);
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int check_date(const char *t, strbuf *out, char *err, size_t errcap)
{
    static const char *const months[12] = {"January", "February", "March", "April", "May", "June",
                                           "July", "August", "September", "October", "November",
                                           "December"};
    bool shape = strlen(t) == 10 && t[4] == '-' && t[7] == '-';
    for (int i = 0; shape && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)t[i]))
            shape = false;
    if (!shape)
        FAIL("must be a date as YYYY-MM-DD, e.g. 2027-03-31");
    int y = atoi(t), m = atoi(t + 5), d = atoi(t + 8);
    if (y < 1900 || y > 2100)
        FAIL("year must be between 1900 and 2100");
    if (m < 1 || m > 12)
        FAIL("month must be between 01 and 12");
    int dim = days_in_month(y, m);
    if (d < 1 || d > dim)
        FAIL("day must be between 01 and %d (%s %d has %d days)", dim, months[m - 1], y, dim);
    strbuf_puts(out, t);
    return 0;
}

static int check_email(const char *t, strbuf *out, char *err, size_t errcap)
{
    const char *at = strchr(t, '@');
    const char *dom = at ? at + 1 : NULL;
    bool ok = at && at != t && at - t <= 64 && strlen(t) <= 254 && !strchr(dom, '@') && strchr(dom, '.') &&
              dom[0] != '.' && dom[strlen(dom) - 1] != '.' && !strstr(dom, "..");
    for (const char *p = t; ok && *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("()<>,;:\\\"[]", *p))
            ok = false;
    if (!ok)
        FAIL("must be an email address like name@example.com");
    strbuf_puts(out, t);
    return 0;
}

static int check_country(char *t, strbuf *out, char *err, size_t errcap, char *warn, size_t warncap)
{
    static const char *const alpha2[][2] = {{"US", "USA"}, {"CA", "CAN"}, {"MX", "MEX"}, {"GB", "GBR"},
                                            {"UK", "GBR"}, {"DE", "DEU"}, {"FR", "FRA"}};
    size_t n = strlen(t);
    bool word = n == 3;
    for (size_t i = 0; word && i < n; i++)
        word = isascii((unsigned char)t[i]) && (isalnum((unsigned char)t[i]) || t[i] == '_');
    if (!word) {
        for (size_t i = 0; n == 2 && i < sizeof alpha2 / sizeof alpha2[0]; i++)
            if (strcasecmp(t, alpha2[i][0]) == 0)
                FAIL("must be the 3-letter code in uppercase: %s, not %s", alpha2[i][1], t);
        FAIL("must be a 3-letter country code in uppercase, e.g. USA, CAN or MEX");
    }
    bool lower = false;
    for (size_t i = 0; i < n; i++) {
        lower |= islower((unsigned char)t[i]) != 0;
        t[i] = (char)toupper((unsigned char)t[i]);
    }
    if (lower)
        msg(warn, warncap, "country codes are uppercase: sent as %s", t);
    strbuf_puts(out, t);
    return 0;
}

/* "must be one of: A, B, C", or for long enums the values containing what was typed; cut to fit. */
static void enum_error(const field_spec *f, const char *typed, char *err, size_t errcap)
{
    if (!err || errcap == 0)
        return;
    int total = 0, nmatch = 0;
    for (const char *const *v = f->enum_values; *v; v++, total++)
        if (strlen(typed) >= 2 && strcasestr(*v, typed))
            nmatch++;
    bool matches = total > 12 && nmatch > 0;
    int listed = matches ? nmatch : total, shown = 0;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, matches ? "not a valid value; did you mean: " : "must be one of: ");
    for (const char *const *v = f->enum_values; *v; v++) {
        if (matches && !strcasestr(*v, typed))
            continue;
        size_t need = sb.len + (shown ? 2 : 0) + strlen(*v) + (shown + 1 < listed ? 24 : 0);
        if (need >= errcap)
            break;
        if (shown++)
            strbuf_puts(&sb, ", ");
        strbuf_puts(&sb, *v);
    }
    if (shown < listed)
        strbuf_printf(&sb, "%s... (%d more)", shown ? ", " : "", listed - shown);
    msg(err, errcap, "%s", strbuf_cstr(&sb));
    strbuf_free(&sb);
}

static int check_enum(const field_spec *f, const char *t, strbuf *out, char *err, size_t errcap, char *warn,
                      size_t warncap)
{
    if (!f->enum_values) {
        strbuf_puts(out, t);
        return 0;
    }
    const char *found = NULL; /* the exact value, else the first case-insensitive match */
    for (const char *const *v = f->enum_values; *v; v++)
        if (strcmp(*v, t) == 0 || (!found && strcasecmp(*v, t) == 0))
            found = *v;
    if (!found) {
        enum_error(f, t, err, errcap);
        return -1;
    }
    if (strcmp(found, t) != 0)
        msg(warn, warncap, "sent as %s", found);
    strbuf_puts(out, found);
    return 0;
}

static int check_int(const field_spec *f, const char *t, strbuf *out, char *err, size_t errcap)
{
    bool bounded = f->min < f->max;
    const char *p = t + (*t == '+' || *t == '-');
    bool ok = *p && strspn(p, "0123456789") == strlen(p);
    errno = 0;
    long v = ok ? strtol(t, NULL, 10) : 0;
    if ((!ok || errno || v < f->min || v > f->max) && bounded)
        FAIL("must be a whole number between %ld and %ld", f->min, f->max);
    if (!ok || errno)
        FAIL("must be a whole number");
    strbuf_printf(out, "%ld", v);
    return 0;
}

static int check_number(const field_spec *f, const char *t, strbuf *out, char *err, size_t errcap)
{
    if (f->min < f->max) { /* a signed range (latitude, longitude) */
        const char *p = t + (*t == '-' || *t == '+');
        size_t ip = strspn(p, "0123456789"), fp = 0;
        if (p[ip] == '.')
            fp = strspn(p + ip + 1, "0123456789");
        double d = form_parse_number(t);
        if (ip + fp == 0 || p[ip + (p[ip] == '.' ? 1 + fp : 0)] != '\0' || strlen(t) > 32 || d < (double)f->min ||
            d > (double)f->max)
            FAIL("must be a number between %ld and %ld, e.g. %s", f->min, f->max, f->min < -100 ? "-87.62" : "41.88");
        char buf[64];
        form_format_number(d, buf, sizeof buf);
        strbuf_puts(out, buf);
        return 0;
    }
    size_t ip = strspn(t, "0123456789"), fp = 0;
    const char *q = t + ip;
    if (*q == '.') {
        fp = strspn(q + 1, "0123456789");
        q += 1 + fp;
    }
    double d = (*q == '\0' && ip + fp > 0 && strlen(t) <= 32) ? form_parse_number(t) : -1;
    bool bad = d < 0 || !isfinite(d) || d > 1e12;
    if (bad && t[0] == '-')
        FAIL("cannot be negative");
    if (bad && strchr(t, ','))
        FAIL("must be a number; use a dot for decimals, e.g. 16.15");
    if (bad)
        FAIL("must be a number of 0 or more, e.g. 16.15");
    char buf[64];
    form_format_number(d, buf, sizeof buf);
    strbuf_puts(out, buf);
    return 0;
}

static int check_bool(const char *t, strbuf *out, char *err, size_t errcap)
{
    static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0"};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(t, yes[i]) == 0 || strcasecmp(t, no[i]) == 0) {
            strbuf_puts(out, strcasecmp(t, yes[i]) == 0 ? "true" : "false");
            return 0;
        }
    FAIL("must be true or false (yes/no and 1/0 work too)");
}

/* ------------------------------------------------------------------ moments, lists, references */

static int64_t real_now_ms(void *ud)
{
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t (*g_now)(void *) = real_now_ms;
static void *g_now_ud;

void forms_set_clock(int64_t (*now_ms)(void *ud), void *ud)
{
    g_now = now_ms ? now_ms : real_now_ms;
    g_now_ud = ud;
}

int64_t forms_now_ms(void)
{
    return g_now(g_now_ud);
}

void forms_local_now(char *buf, size_t cap)
{
    time_t now = (time_t)(forms_now_ms() / 1000);
    struct tm tm;
    if (!localtime_r(&now, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(buf, cap, "%s", "");
}

#define FUTURE_SLACK_S 120 /* a clock a little ahead of the API's is not "the future" */

/* "YYYY-MM-DD HH:MM[:SS]" in the local time zone, or ISO 8601 with Z or an offset (T or a space
 * between date and time), or "now"; sent as ISO 8601 with the local offset. */
static int check_datetime(const char *t, strbuf *out, char *err, size_t errcap)
{
    struct tm tm = {0};
    time_t at;
    if (strcasecmp(t, "now") == 0) {
        at = (time_t)(forms_now_ms() / 1000);
    } else {
        int n = 0, y, mo, d, h, mi, sec = 0;
        bool ok = sscanf(t, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) == 5 && n == 16;
        const char *p = t + n;
        if (ok && *p == ':') {
            int k = 0;
            ok = sscanf(p, ":%2d%n", &sec, &k) == 1 && k == 3;
            p += k;
            if (ok && *p == '.')
                p += 1 + strspn(p + 1, "0123456789");
        }
        int off = 0, oh = 0, om = 0;
        bool zone = false;
        if (ok && (*p == 'Z' || *p == 'z')) {
            zone = true;
            p++;
        } else if (ok && (*p == '+' || *p == '-')) {
            int k = 0;
            ok = sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) == 2 && k == 5 && oh <= 14 && om < 60;
            off = (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
            zone = true;
            p += 1 + k;
        }
        if (!ok || *p)
            FAIL("must be a date and time as YYYY-MM-DD HH:MM (your time zone), e.g. 2026-03-31 14:05");
        if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
            sec > 59)
            FAIL("is not a valid date and time");
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        if (zone) {
            at = timegm(&tm) - off;
        } else {
            tm.tm_isdst = -1;
            at = mktime(&tm);
        }
    }
    if ((int64_t)at > forms_now_ms() / 1000 + FUTURE_SLACK_S)
        FAIL("is in the future; a report is about something that happened");
    struct tm local;
    char buf[40], zone[40];
    if (!localtime_r(&at, &local))
        FAIL("is not a valid date and time");
    long g = local.tm_gmtoff;
    snprintf(zone, sizeof zone, "%c%02ld:%02ld", g < 0 ? '-' : '+', labs(g) / 3600, labs(g) % 3600 / 60);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &local);
    strbuf_printf(out, "%s%s", buf, zone);
    return 0;
}

/* Values separated by commas (or spaces), each one of the enum's; "a, b" without repeats. */
static int check_enum_list(const field_spec *f, const char *t, strbuf *out, char *err, size_t errcap, char *warn,
                           size_t warncap)
{
    strbuf one = STRBUF_INIT;
    for (const char *p = t; *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (!n)
            break;
        char *item = xstrndup(p, n);
        p += n;
        field_spec single = *f;
        single.type = FT_ENUM;
        strbuf_reset(&one);
        char why[256];
        if (check_enum(&single, item, &one, why, sizeof why, warn, warncap) != 0) {
            msg(err, errcap, "'%s'%s%s", item, strncmp(why, "not", 3) == 0 ? " is " : ": ", why);
            free(item);
            strbuf_free(&one);
            return -1;
        }
        free(item);
        const char *v = strbuf_cstr(&one);
        bool dup = false; /* whole words of out */
        for (const char *q = out->data ? out->data : ""; *q && !dup; q += strspn(q, ", ")) {
            size_t k = strcspn(q, ",");
            dup = k == strlen(v) && strncmp(q, v, k) == 0;
            q += k;
        }
        if (!dup)
            strbuf_printf(out, "%s%s", out->len ? ", " : "", v);
    }
    strbuf_free(&one);
    if (warn && warncap)
        warn[0] = '\0'; /* case is fixed silently in lists */
    return 0;
}

static const char *kind_noun(record_kind k)
{
    return k == KIND_DRIVER    ? "a driver"
           : k == KIND_VEHICLE ? "a vehicle"
           : k == KIND_TRAILER ? "a trailer"
                               : "a record";
}

static int check_ref(const field_spec *f, const char *t, strbuf *out, char *err, size_t errcap)
{
    uuid id;
    if (!uuid_parse(t, &id))
        FAIL("must be %s of this connection (Enter picks one)", kind_noun(f->ref_kind));
    char s[UUID_STR_LEN];
    uuid_format(&id, s);
    strbuf_puts(out, s);
    return 0;
}

int form_list_count(const char *canonical)
{
    int n = 0;
    for (const char *p = canonical ? canonical : ""; *p; p += strspn(p, ", ")) {
        n++;
        p += strcspn(p, ",");
    }
    return n;
}

/* Validates value and writes its canonical text (what is sent; "" = empty) to out. */
static int canon(const field_spec *f, const char *value, strbuf *out, char *err, size_t errcap, char *warn,
                 size_t warncap)
{
    msg(err, errcap, "%s", "");
    msg(warn, warncap, "%s", "");
    strbuf_reset(out);
    if (!value || only_space(value))
        return 0;
    if (f->type == FT_TEXT) {
        if (check_text(value, true, err, errcap) != 0)
            return -1;
        strbuf_puts(out, value);
        return 0;
    }
    char *t = trim_dup(value);
    int rc = check_text(t, false, err, errcap);
    if (rc == 0) {
        switch (f->type) {
        case FT_INT: rc = check_int(f, t, out, err, errcap); break;
        case FT_NUMBER: rc = check_number(f, t, out, err, errcap); break;
        case FT_DATETIME: rc = check_datetime(t, out, err, errcap); break;
        case FT_ENUM_LIST: rc = check_enum_list(f, t, out, err, errcap, warn, warncap); break;
        case FT_REF: rc = check_ref(f, t, out, err, errcap); break;
        case FT_BOOL: rc = check_bool(t, out, err, errcap); break;
        case FT_ENUM: rc = check_enum(f, t, out, err, errcap, warn, warncap); break;
        case FT_COUNTRY3: rc = check_country(t, out, err, errcap, warn, warncap); break;
        case FT_VIN: check_vin(t, out, warn, warncap); break;
        case FT_DATE: rc = check_date(t, out, err, errcap); break;
        case FT_EMAIL: rc = check_email(t, out, err, errcap); break;
        case FT_STRING:
        case FT_TEXT:
        default: strbuf_puts(out, t); break;
        }
    }
    free(t);
    return rc;
}

int form_canonical(const field_spec *f, const char *value, strbuf *out, char *err, size_t errcap)
{
    return canon(f, value, out, err, errcap, NULL, 0);
}

int form_validate(const field_spec *f, const char *value, char *err, size_t errcap, char *warn, size_t warncap)
{
    strbuf out = STRBUF_INIT;
    int rc = f ? canon(f, value, &out, err, errcap, warn, warncap) : -1;
    if (!f)
        msg(err, errcap, "unknown field");
    strbuf_free(&out);
    return rc;
}
