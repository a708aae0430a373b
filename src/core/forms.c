/* forms: the writable fields of vehicles, trailers and drivers as data (exactly the properties of
 * VehicleUpdate, TrailerUpdate and UserUpdate in the contract, minus connection_id), typed
 * validation with messages shown next to the field, and the JSON request bodies. */
#include "core/forms.h"

#include "core/api_enums.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/strbuf.h"

/* ------------------------------------------------------------------ the three forms */

#define S(n, l) {n, l, FT_STRING, NULL, 0, 0, false}
#define T(n, l) {n, l, FT_TEXT, NULL, 0, 0, false}
#define I(n, l, lo, hi) {n, l, FT_INT, NULL, lo, hi, false}
#define NUM(n, l) {n, l, FT_NUMBER, NULL, 0, 0, false}
#define B(n, l) {n, l, FT_BOOL, NULL, 0, 0, false}
#define E(n, l, v) {n, l, FT_ENUM, v, 0, 0, false}
#define F(n, l, t) {n, l, t, NULL, 0, 0, false}

/* Order: names, identifiers, the rest; notes last (multi-line). */
static const field_spec vehicle_fields[] = {
    S("vehicle_name", "Name"), F("vin", "VIN", FT_VIN),
    S("license_plate_number", "Plate number"), S("license_plate_region", "Plate region"),
    F("license_plate_country", "Plate country", FT_COUNTRY3), S("external_id", "External ID"),
    S("engine_vin", "Engine VIN"), S("oem", "Make (OEM)"),
    S("model_type", "Model"), I("model_year", "Model year", 1900, 2100),
    E("engine_type", "Engine type", api_enum_EngineType),
    E("status", "Status", api_enum_VehicleStatusEnum), B("is_active", "Active"),
    I("total_axles", "Total axles", 1, 20), S("eld_id", "ELD ID"),
    S("eld_serial_number", "ELD serial number"), S("eld_device_type", "ELD device type"),
    S("eld_product_id", "ELD product ID"), S("speed_unit", "Speed unit"),
    S("odometer_unit", "Odometer unit"), S("fuel_unit", "Fuel unit"),
    S("fuel_capacity", "Fuel capacity"), /* a string in the contract */
    T("notes", "Notes"),
};

static const field_spec trailer_fields[] = {
    S("trailer_name", "Name"), F("vin", "VIN", FT_VIN),
    S("license_plate_number", "Plate number"), S("license_plate_region", "Plate region"),
    S("license_plate_country", "Plate country"), /* no pattern for trailers in the contract */
    S("external_id", "External ID"), S("trailer_type", "Trailer type"),
    S("oem", "Make (OEM)"), S("model_type", "Model"),
    I("model_year", "Model year", 1900, 2100), NUM("trailer_length", "Length"),
    I("total_axles", "Total axles", 1, 20),
    S("status", "Status"), /* a free string for trailers */
    B("is_active", "Active"), S("eld_id", "ELD ID"),
    S("eld_serial_number", "ELD serial number"), S("eld_device_type", "ELD device type"),
    S("eld_product_id", "ELD product ID"), T("notes", "Notes"),
};

static const field_spec driver_fields[] = {
    S("first_name", "First name"), S("last_name", "Last name"),
    S("username", "Username"), F("user_email", "Email", FT_EMAIL),
    S("phone_number", "Phone"), S("employee_number", "Employee number"),
    S("user_designation", "Designation"), B("is_driver", "Is a driver"),
    E("status", "Status", api_enum_UserStatusEnum), B("is_active", "Active"),
    S("license_number", "License number"), S("license_region", "License region"),
    F("license_country", "License country", FT_COUNTRY3),
    F("license_expiration", "License expires", FT_DATE), F("country_code", "Country", FT_COUNTRY3),
    S("carrier_number", "Carrier number"), E("hos_ruleset_code", "HOS ruleset", api_enum_HosRulesetCodeEnum),
    E("hos_compliance_type", "HOS compliance", api_enum_HosComplianceTypeEnum),
    E("hos_tracking_method", "HOS tracking", api_enum_HosTrackingMethodEnum),
    E("default_time_zone", "Time zone", api_enum_TimezoneCodeEnum), B("allow_yard_move", "Yard move allowed"),
    B("allow_personal_conveyance", "Personal conveyance allowed"),
    B("allow_adverse_driving", "Adverse driving allowed"), T("notes", "Notes"),
};

#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const form_spec specs[FORM__COUNT] = {
    {FORM_VEHICLE, "vehicle", "Vehicle", "/v2/telematics/vehicles", vehicle_fields, NF(vehicle_fields)},
    {FORM_TRAILER, "trailer", "Trailer", "/v2/telematics/trailers", trailer_fields, NF(trailer_fields)},
    {FORM_DRIVER, "user", "Driver", "/v2/telematics/users", driver_fields, NF(driver_fields)},
};

const form_spec *form_spec_get(form_kind k)
{
    return (unsigned)k < (unsigned)FORM__COUNT ? &specs[k] : NULL;
}

const form_spec *form_spec_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (int k = 0; k < FORM__COUNT; k++)
        if (strcasecmp(name, specs[k].resource) == 0 || strcasecmp(name, specs[k].title) == 0)
            return &specs[k];
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

static double parse_double(const char *s)
{
    locale_t loc = c_locale();
    return loc ? strtod_l(s, NULL, loc) : strtod(s, NULL);
}

/* Shortest text that reads back as d; integral values without ".0". */
static void format_number(double d, char *buf, size_t cap)
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
    if (parse_double(buf) != d)
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

static int check_vin(char *t, strbuf *out, char *err, size_t errcap, char *warn, size_t warncap)
{
    size_t n = strlen(t);
    for (size_t i = 0; i < n; i++) {
        if (!isascii((unsigned char)t[i]) || !isalnum((unsigned char)t[i]))
            FAIL("may contain only the letters A-Z (no I, O or Q) and the digits 0-9");
        t[i] = (char)toupper((unsigned char)t[i]);
    }
    if (strpbrk(t, "IOQ"))
        FAIL("cannot contain I, O or Q (VINs use 1 and 0 instead)");
    if (n != 17)
        FAIL("must be 17 characters (this one has %zu)", n);
    char want = vin_expected(t);
    if (want != t[8])
        msg(warn, warncap, "check digit (9th character) is %c but should be %c: check for a typo", t[8],
            want);
    strbuf_puts(out, t);
    return 0;
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

static int check_number(const char *t, strbuf *out, char *err, size_t errcap)
{
    size_t ip = strspn(t, "0123456789"), fp = 0;
    const char *q = t + ip;
    if (*q == '.') {
        fp = strspn(q + 1, "0123456789");
        q += 1 + fp;
    }
    double d = (*q == '\0' && ip + fp > 0 && strlen(t) <= 32) ? parse_double(t) : -1;
    bool bad = d < 0 || !isfinite(d) || d > 1e12;
    if (bad && t[0] == '-')
        FAIL("cannot be negative");
    if (bad && strchr(t, ','))
        FAIL("must be a number; use a dot for decimals, e.g. 16.15");
    if (bad)
        FAIL("must be a number of 0 or more, e.g. 16.15");
    char buf[64];
    format_number(d, buf, sizeof buf);
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
        case FT_NUMBER: rc = check_number(t, out, err, errcap); break;
        case FT_BOOL: rc = check_bool(t, out, err, errcap); break;
        case FT_ENUM: rc = check_enum(f, t, out, err, errcap, warn, warncap); break;
        case FT_COUNTRY3: rc = check_country(t, out, err, errcap, warn, warncap); break;
        case FT_VIN: rc = check_vin(t, out, err, errcap, warn, warncap); break;
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

int form_validate(const field_spec *f, const char *value, char *err, size_t errcap, char *warn, size_t warncap)
{
    strbuf out = STRBUF_INIT;
    int rc = f ? canon(f, value, &out, err, errcap, warn, warncap) : -1;
    if (!f)
        msg(err, errcap, "unknown field");
    strbuf_free(&out);
    return rc;
}

/* ------------------------------------------------------------------ values */

void form_values_init(form_values *v, const form_spec *spec)
{
    int n = spec ? spec->nfields : 0;
    v->spec = spec;
    v->orig = xcalloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    v->cur = xcalloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    for (int i = 0; i < n; i++)
        v->cur[i] = xstrdup("");
}

void form_values_free(form_values *v)
{
    if (!v)
        return;
    int n = v->spec ? v->spec->nfields : 0;
    for (int i = 0; i < n; i++) {
        if (v->orig)
            free(v->orig[i]);
        if (v->cur)
            free(v->cur[i]);
    }
    free(v->orig);
    free(v->cur);
    v->orig = v->cur = NULL;
    v->spec = NULL;
}

/* A record value as form text; NULL for null or absent. */
static char *json_text(const cJSON *it)
{
    char buf[64];
    if (!it || cJSON_IsNull(it))
        return NULL;
    if (cJSON_IsString(it))
        return xstrdup(it->valuestring ? it->valuestring : "");
    if (cJSON_IsBool(it))
        return xstrdup(cJSON_IsTrue(it) ? "true" : "false");
    if (cJSON_IsNumber(it)) {
        format_number(it->valuedouble, buf, sizeof buf);
        return xstrdup(buf);
    }
    char *p = cJSON_PrintUnformatted(it); /* an object or array where a scalar belongs */
    char *s = xstrdup(p ? p : "");
    cJSON_free(p);
    return s;
}

int form_values_from_record(form_values *v, const char *json, size_t len, char **err)
{
    if (err)
        *err = NULL;
    const char *end = NULL;
    cJSON *root = json && v && v->spec ? cJSON_ParseWithLengthOpts(json, len, &end, false) : NULL;
    for (const char *p = end; root && p < json + len && *p; p++)
        if (!isspace((unsigned char)*p)) { /* trailing garbage */
            cJSON_Delete(root);
            root = NULL;
            break;
        }
    if (!cJSON_IsObject(root)) {
        if (err)
            *err = xstrdup(root || !json ? "the record is not a JSON object" : "the record is not valid JSON");
        cJSON_Delete(root);
        return -1;
    }
    for (int i = 0; i < v->spec->nfields; i++) {
        char *t = json_text(cJSON_GetObjectItemCaseSensitive(root, v->spec->fields[i].name));
        free(v->orig[i]);
        free(v->cur[i]);
        v->orig[i] = t;
        v->cur[i] = xstrdup(t ? t : "");
    }
    cJSON_Delete(root);
    return 0;
}

void form_values_set(form_values *v, int field, const char *value)
{
    if (!v || !v->spec || field < 0 || field >= v->spec->nfields)
        return;
    free(v->cur[field]);
    v->cur[field] = xstrdup(value ? value : "");
}

bool form_field_changed(const form_values *v, int field)
{
    if (!v || !v->spec || field < 0 || field >= v->spec->nfields)
        return false;
    const char *o = v->orig[field] ? v->orig[field] : "", *c = v->cur[field] ? v->cur[field] : "";
    if (strcmp(o, c) == 0)
        return false;
    /* "yes" for true, " 2019" for 2019, "usa" for USA: the same value, not a change. */
    const field_spec *f = &v->spec->fields[field];
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    bool changed = true;
    if (canon(f, o, &a, NULL, 0, NULL, 0) == 0 && canon(f, c, &b, NULL, 0, NULL, 0) == 0)
        changed = strcmp(strbuf_cstr(&a), strbuf_cstr(&b)) != 0;
    strbuf_free(&a);
    strbuf_free(&b);
    return changed;
}

int form_changed_count(const form_values *v)
{
    int n = 0;
    for (int i = 0; v && v->spec && i < v->spec->nfields; i++)
        n += form_field_changed(v, i);
    return n;
}

static char *body_fail(char **err, cJSON *root, strbuf *sb, const char *label, const char *m)
{
    if (err) {
        strbuf e = STRBUF_INIT;
        strbuf_printf(&e, "%s: %s", label, m);
        *err = strbuf_detach(&e);
    }
    cJSON_Delete(root);
    strbuf_free(sb);
    return NULL;
}

char *form_build_body(const form_values *v, const char *connection_id, bool update, char **err)
{
    if (err)
        *err = NULL;
    strbuf c = STRBUF_INIT;
    if (!v || !v->spec)
        return body_fail(err, NULL, &c, "Form", "no form");
    if (!connection_id || !*connection_id)
        return body_fail(err, NULL, &c, "Connection", "no connection selected");
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "connection_id", connection_id);
    char emsg[512];
    for (int i = 0; i < v->spec->nfields; i++) {
        const field_spec *f = &v->spec->fields[i];
        if (update && !form_field_changed(v, i))
            continue;
        if (canon(f, v->cur[i], &c, emsg, sizeof emsg, NULL, 0) != 0)
            return body_fail(err, root, &c, f->label, emsg);
        const char *cv = strbuf_cstr(&c);
        if (!*cv) {
            if (update)
                cJSON_AddNullToObject(root, f->name);
            else if (f->required_on_create)
                return body_fail(err, root, &c, f->label, "required");
            continue;
        }
        switch (f->type) {
        case FT_INT: cJSON_AddNumberToObject(root, f->name, (double)strtol(cv, NULL, 10)); break;
        case FT_NUMBER: cJSON_AddNumberToObject(root, f->name, parse_double(cv)); break;
        case FT_BOOL: cJSON_AddBoolToObject(root, f->name, strcmp(cv, "true") == 0); break;
        default: cJSON_AddStringToObject(root, f->name, cv); break;
        }
    }
    char *p = cJSON_PrintUnformatted(root);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(root);
    strbuf_free(&c);
    return out;
}
