/* Unit tests of src/core/config.c: defaults, the file format and profiles, precedence,
 * validation, URL helpers and config file discovery. */
#include "common/err.h"
#include "core/config.h"
#include "core/text.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "suite_runner.h"

#define SECRET "s3cr3t-Do-Not-Print"
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char tmpdir[256];

static void clear_env(void)
{
    static const char *const vars[] = {"CATENA_CLIENT_ID", "CATENA_CLIENT_SECRET",
                                       "CATENA_API_URL", "CATENA_AUTH_URL", "CATENA_PROFILE",
                                       "NO_COLOR", "XDG_CONFIG_HOME"};
    for (int i = 0; i < N(vars); i++)
        unsetenv(vars[i]);
}

static void setup(void)
{
    clear_env();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/catena-test-config-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    setenv("HOME", tmpdir, 1); /* never read the developer's real config */
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    clear_env();
}

/* Writes text to tmpdir/name (creating one level of directories), private as a config file with a
 * secret must be, and returns the path. */
static char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    for (char *p = path + strlen(tmpdir) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    chmod(path, 0600);
    return path;
}

/* ------------------------------------------------------------------ defaults, precedence */

START_TEST(test_defaults)
{
    config c;
    config_init_defaults(&c);
    ck_assert_str_eq(c.api_url, CATENA_DEFAULT_API_URL);
    ck_assert_str_eq(c.auth_url, CATENA_DEFAULT_AUTH_URL);
    ck_assert_str_eq(c.profile, "default");
    ck_assert_ptr_null(c.client_id);
    ck_assert_ptr_null(c.client_secret);
    ck_assert_ptr_null(c.config_path);
    ck_assert_ptr_null(c.theme);
    ck_assert_ptr_null(c.sender_id);
    ck_assert_int_eq(c.page_size, 1000);
    ck_assert_int_eq(c.poll_pending_ms, 1000);
    ck_assert_int_eq(c.poll_idle_ms, 15000);
    ck_assert(c.bell_on_failure);
    ck_assert(!c.no_color);
    char *err = NULL;
    ck_assert_int_eq(config_validate(&c, &err), 0);
    config_free(&c);
    config_free(&c); /* freeing twice is harmless */
}
END_TEST

static const char precedence_file[] =
    "# common settings\n"
    "api_url = https://common.example.com/\n"
    "auth_url = https://auth.common.example.com/realms/x\n"
    "client_id = common-id\n"
    "page_size = 100\n"
    "poll_idle_ms = 20000\n"
    "\n"
    "[profile prod]\n"
    "api_url = https://prod.example.com//\n"
    "client_id = prod-id\n"
    "client_secret = \"" SECRET "\"\n"
    "page_size = 200\n"
    "\n"
    "[profile staging]\n"
    "api_url = http://localhost:8080\n"
    "page_size = 300\n"
    "bell = off\n";

START_TEST(test_precedence)
{
    config c;
    char *err = NULL;
    char *path = write_file("cfg", precedence_file);
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, "prod", &err), 0);
    ck_assert_str_eq(c.profile, "prod");
    ck_assert_str_eq(c.config_path, path);
    ck_assert_str_eq(c.api_url, "https://prod.example.com");        /* profile > common */
    ck_assert_str_eq(c.auth_url, "https://auth.common.example.com/realms/x"); /* common */
    ck_assert_str_eq(c.client_id, "prod-id");
    ck_assert_str_eq(c.client_secret, SECRET);
    ck_assert_int_eq(c.page_size, 200);
    ck_assert_int_eq(c.poll_idle_ms, 20000);                        /* common > default */
    ck_assert_int_eq(c.poll_pending_ms, 1000);                      /* default */
    ck_assert(c.bell_on_failure);                                   /* staging's not applied */

    /* environment > file */
    setenv("CATENA_CLIENT_ID", "env-id", 1);
    setenv("CATENA_API_URL", "https://env.example.com/", 1);
    setenv("CATENA_CLIENT_SECRET", "", 1); /* empty: ignored */
    setenv("NO_COLOR", "1", 1);
    config_apply_env(&c);
    ck_assert_ptr_null(getenv("CATENA_CLIENT_SECRET")); /* read once, then gone */
    ck_assert_str_eq(c.client_id, "env-id");
    ck_assert_str_eq(c.api_url, "https://env.example.com");
    ck_assert_str_eq(c.client_secret, SECRET);
    ck_assert(c.no_color);

    /* flags > environment */
    ck_assert_int_eq(config_set(&c, "api_url", "https://flag.example.com", &err), 0);
    ck_assert_int_eq(config_set(&c, "page_size", "7", &err), 0);
    ck_assert_str_eq(c.api_url, "https://flag.example.com");
    ck_assert_int_eq(c.page_size, 7);
    ck_assert_int_eq(config_validate(&c, &err), 0);
    config_free(&c);
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_profiles)
{
    config c;
    char *err = NULL;
    char *path = write_file("cfg", precedence_file);

    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, "staging", &err), 0);
    ck_assert_str_eq(c.api_url, "http://localhost:8080");
    ck_assert_str_eq(c.client_id, "common-id");
    ck_assert_ptr_null(c.client_secret);
    ck_assert_int_eq(c.page_size, 300);
    ck_assert(!c.bell_on_failure);
    config_free(&c);

    /* No profile (NULL or "default") and no [profile default]: common keys only. */
    for (int i = 0; i < 2; i++) {
        config_init_defaults(&c);
        ck_assert_int_eq(config_load_file(&c, path, i ? "default" : NULL, &err), 0);
        ck_assert_str_eq(c.profile, "default");
        ck_assert_str_eq(c.api_url, "https://common.example.com");
        ck_assert_int_eq(c.page_size, 100);
        config_free(&c);
    }

    /* An unknown profile is an error that lists the profiles there are. */
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, "prdo", &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "prdo"));
    ck_assert_ptr_nonnull(strstr(err, "prod, staging"));
    ck_assert_ptr_null(strstr(err, SECRET));
    /* and leaves the config as it was */
    ck_assert_str_eq(c.api_url, CATENA_DEFAULT_API_URL);
    ck_assert_str_eq(c.profile, "default");
    ck_assert_ptr_null(c.config_path);
    err_clear(&err);
    ck_assert_ptr_null(err);
    config_free(&c);

    /* [profile default] is applied when present. */
    path = write_file("cfg2", "page_size = 5\n[profile default]\npage_size = 6\n");
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), 0);
    ck_assert_int_eq(c.page_size, 6);
    config_free(&c);
}
END_TEST

START_TEST(test_file_syntax)
{
    config c;
    char *err = NULL;
    char *path = write_file("cfg", "\xef\xbb\xbf# BOM, CRLF, comments and quoting\r\n"
                                   "   # indented comment\r\n"
                                   "\r\n"
                                   "client_id=\"  spaced # id  \"\r\n"
                                   "client_secret = \"a\\\"b\\\\c\\d\"\n"
                                   "theme =   dark.theme   \t\n"
                                   "sender_id = user#1\n"
                                   "[ profile   p1 ]\n"
                                   "  no_color = TRUE  \n");
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, "p1", &err), 0);
    ck_assert_str_eq(c.client_id, "  spaced # id  ");
    ck_assert_str_eq(c.client_secret, "a\"b\\c\\d");
    ck_assert_str_eq(c.theme, "dark.theme");
    ck_assert_str_eq(c.sender_id, "user#1");
    ck_assert(c.no_color);
    config_free(&c);
}
END_TEST

/* ------------------------------------------------------------------ file errors */

typedef struct {
    const char *text;
    const char *profile;
    const char *want; /* substring of the message, after "PATH:" */
} bad_file_case;

static const bad_file_case bad_files[] = {
    {"client_secret = " SECRET "\n\ncolour = red\n", NULL, ":3: unknown setting 'colour'"},
    {"client_secret = " SECRET "\n[profile x]\nclient_secret " SECRET "\n", "x", ":3: expected 'key = value'"},
    {"client_secret = \"" SECRET "\n", NULL, ":1: client_secret: unterminated"},
    {"client_secret = \"" SECRET "\"junk\n", NULL, ":1: client_secret: unterminated"},
    {"client_secret = \"" SECRET "\\\"\n", NULL, ":1: client_secret: unterminated"},
    {SECRET "\n", NULL, ":1: expected 'key = value'"},
    {"= " SECRET "\n", NULL, ":1: expected 'key = value'"},
    {"client secret = " SECRET "\n", NULL, ":1: expected 'key = value'"},
    {"client_secret = " SECRET "\n[profile]\n", NULL, ":2: expected [profile NAME]"},
    {"[profile a\n", NULL, ":1: expected [profile NAME]"},
    {"[prof a]\n", NULL, ":1: expected [profile NAME]"},
    {"[profile a b]\n", NULL, ":1: bad profile name"},
    {"page_size = 0\n", NULL, ":1: page_size must be"},
    {"client_secret=" SECRET "\n[profile other]\npage_size = lots\n", NULL, ":3: page_size must be"},
    {"poll_idle_ms = 50\n", NULL, ":1: poll_idle_ms must be"},
    {"bell = maybe\n", NULL, ":1: bell must be"},
    {"[profile a]\nclient_secret = " SECRET "\n", "b", "profile 'b' not found (profiles: a)"},
    {"client_secret = " SECRET "\n", "b", "profile 'b' not found (no profiles defined)"},
    {"[profile a]\n[profile b]\n[profile a]\n", "c", "profile 'c' not found (profiles: a, b)"},
};

START_TEST(test_bad_files)
{
    const bad_file_case *tc = &bad_files[_i];
    config c;
    char *err = NULL;
    char *path = write_file("bad.conf", tc->text);
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, tc->profile, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "no file name: %s", err);
    ck_assert_msg(strstr(err, tc->want) != NULL, "case %d: '%s' lacks '%s'", _i,
                  err, tc->want);
    ck_assert_msg(strstr(err, "s3cr3t") == NULL, "secret leaked: %s", err);
    ck_assert_ptr_null(c.client_secret); /* nothing applied */
    ck_assert_ptr_null(c.config_path);
    err_clear(&err);
    config_free(&c);
}
END_TEST

START_TEST(test_missing_files)
{
    config c;
    char *err = NULL;
    char path[600];
    snprintf(path, sizeof path, "%s/does-not-exist", tmpdir);
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, path));
    err_clear(&err);

    /* A directory is not a config file. */
    ck_assert_int_eq(config_load_file(&c, tmpdir, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "directory"));
    err_clear(&err);

    /* A missing default file is fine for the default profile only. */
    ck_assert_int_eq(config_load_file(&c, NULL, NULL, &err), 0);
    ck_assert_ptr_null(c.config_path);
    ck_assert_str_eq(c.api_url, CATENA_DEFAULT_API_URL);
    ck_assert_int_eq(config_load_file(&c, NULL, "prod", &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "prod"));
    err_clear(&err);
    config_free(&c);
}
END_TEST

START_TEST(test_xdg_resolution)
{
    config c;
    char *err = NULL;
    char want[600];

    /* $HOME/.config/catena-dispatch/config when XDG_CONFIG_HOME is unset */
    write_file(".config/catena-dispatch/config", "page_size = 11\n");
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, NULL, NULL, &err), 0);
    snprintf(want, sizeof want, "%s/.config/catena-dispatch/config", tmpdir);
    ck_assert_str_eq(c.config_path, want);
    ck_assert_int_eq(c.page_size, 11);
    config_free(&c);

    /* $XDG_CONFIG_HOME/catena-dispatch/config wins over HOME */
    write_file("xdg/catena-dispatch/config", "page_size = 22\n");
    snprintf(want, sizeof want, "%s/xdg", tmpdir);
    setenv("XDG_CONFIG_HOME", want, 1);
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, NULL, NULL, &err), 0);
    ck_assert_int_eq(c.page_size, 22);
    ck_assert_ptr_nonnull(strstr(c.config_path, "/xdg/catena-dispatch/config"));
    config_free(&c);

    /* an empty XDG dir: no file there is not an error, and HOME is not consulted */
    snprintf(want, sizeof want, "%s/empty", tmpdir);
    mkdir(want, 0700);
    setenv("XDG_CONFIG_HOME", want, 1);
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, NULL, NULL, &err), 0);
    ck_assert_ptr_null(c.config_path);
    ck_assert_int_eq(c.page_size, 1000);
    config_free(&c);

    /* a relative XDG_CONFIG_HOME is ignored (XDG spec) */
    setenv("XDG_CONFIG_HOME", "relative/dir", 1);
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, NULL, NULL, &err), 0);
    ck_assert_int_eq(c.page_size, 11);
    config_free(&c);

    /* an explicit path wins over both */
    char *path = write_file("explicit", "page_size = 33\n");
    config_init_defaults(&c);
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), 0);
    ck_assert_int_eq(c.page_size, 33);
    config_free(&c);
}
END_TEST

/* ------------------------------------------------------------------ config_set */

typedef struct {
    const char *key;
    const char *value;
    bool ok;
} set_case;

static const set_case set_cases[] = {
    {"page_size", "1", true},
    {"page_size", "1000", true},
    {"page_size", "0", false},
    {"page_size", "1001", false},
    {"page_size", "", false},
    {"page_size", "abc", false},
    {"page_size", "10x", false},
    {"page_size", "-5", false},
    {"page_size", "+5", false},
    {"page_size", " 5", false},
    {"page_size", "5 ", false},
    {"page_size", "0x10", false},
    {"page_size", "1e2", false},
    {"page_size", "99999999999999999999999", false},
    {"poll_pending_ms", "100", true},
    {"poll_pending_ms", "99", false},
    {"poll_idle_ms", "3600000", true},
    {"poll_idle_ms", "3600001", false},
    {"poll_idle_ms", "4294967396", false},
    {"bell", "yes", true},
    {"bell", "No", true},
    {"bell", "TRUE", true},
    {"bell", "off", true},
    {"bell", "1", true},
    {"bell", "0", true},
    {"bell", "2", false},
    {"bell", "", false},
    {"bell", "y", false},
    {"bell", "flash", true},
    {"request_timeout_ms", "800", true},
    {"request_timeout_ms", "499", false},
    {"request_timeout_ms", "600001", false},
    {"no_color", "on", true},
    {"no_color", "nope", false},
    {"emoji", "auto", true},
    {"emoji", "portable", true},
    {"emoji", "joined", true},
    {"emoji", "Joined", false},
    {"emoji", "yes", false},
    {"emoji", "", false},
    {"emoji", NULL, false},
    {"api_url", "https://x.example.com", true},
    {"client_secret", "anything", true},
    {"theme", "mono", true},
    {"sender_id", "u-1", true},
    {"profile", "x", false},
    {"colour", "red", false},
    {"", "x", false},
    {"API_URL", "https://x", false},
    {"page_size", NULL, false},
};

START_TEST(test_bell_flash)
{
    config c;
    char *err = NULL;
    config_init_defaults(&c);
    ck_assert(c.bell_on_failure && !c.flash_on_failure);
    ck_assert_int_eq(config_set(&c, "bell", "flash", &err), 0);
    ck_assert(c.bell_on_failure && c.flash_on_failure);
    ck_assert_int_eq(config_set(&c, "bell", "no", &err), 0);
    ck_assert(!c.bell_on_failure && !c.flash_on_failure);
    ck_assert_int_eq(config_set(&c, "bell", "flash", &err), 0);
    ck_assert_int_eq(config_set(&c, "bell", "yes", &err), 0);
    ck_assert(c.bell_on_failure && !c.flash_on_failure);
    ck_assert_int_eq(c.request_timeout_ms, 30000);
    config_free(&c);
}
END_TEST

/* The emoji setting picks core/text.h's mode: auto asks the terminal only on one (headless runs and
 * pipes: portable, so their output does not depend on where they run). */
START_TEST(test_emoji_mode)
{
    static const struct {
        const char *value;
        bool on_terminal;
        const char *term_program, *version;
        text_emoji_mode want;
    } rows[] = {
        {"auto", true, "tmux", "3.4", TEXT_EMOJI_JOINED},  {"auto", false, "tmux", "3.4", TEXT_EMOJI_PORTABLE},
        {"auto", true, "tmux", "3.2a", TEXT_EMOJI_PORTABLE}, {"auto", true, NULL, NULL, TEXT_EMOJI_PORTABLE},
        {"joined", false, NULL, NULL, TEXT_EMOJI_JOINED},   {"portable", true, "tmux", "3.4", TEXT_EMOJI_PORTABLE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        config c;
        char *err = NULL;
        config_init_defaults(&c);
        ck_assert_int_eq(config_set(&c, "emoji", rows[i].value, &err), 0);
        if (rows[i].term_program) {
            setenv("TERM_PROGRAM", rows[i].term_program, 1);
            setenv("TERM_PROGRAM_VERSION", rows[i].version, 1);
        } else {
            unsetenv("TERM_PROGRAM");
            unsetenv("TERM_PROGRAM_VERSION");
        }
        config_apply_emoji(&c, rows[i].on_terminal);
        ck_assert_msg(text_get_emoji_mode() == rows[i].want, "row %zu", i);
        config_free(&c);
    }
    text_set_emoji_mode(TEXT_EMOJI_PORTABLE);
    unsetenv("TERM_PROGRAM");
    unsetenv("TERM_PROGRAM_VERSION");
}
END_TEST

START_TEST(test_set_table)
{
    const set_case *tc = &set_cases[_i];
    config c;
    char *err = NULL;
    config_init_defaults(&c);
    int rc = config_set(&c, tc->key, tc->value, &err);
    ck_assert_msg((rc == 0) == tc->ok, "config_set(%s, %s) = %d", tc->key,
                  tc->value ? tc->value : "NULL", rc);
    if (tc->ok) {
        ck_assert_ptr_null(err);
        ck_assert_int_eq(config_validate(&c, &err), 0);
    } else {
        ck_assert_ptr_nonnull(err);
        ck_assert_int_eq(c.page_size, 1000); /* unchanged on error */
    }
    err_clear(&err);
    config_free(&c);
}
END_TEST

START_TEST(test_set_values)
{
    config c;
    char *err = NULL;
    config_init_defaults(&c);
    ck_assert_int_eq(config_set(&c, "bell", "off", &err), 0);
    ck_assert(!c.bell_on_failure);
    ck_assert_int_eq(config_set(&c, "bell", "On", &err), 0);
    ck_assert(c.bell_on_failure);
    ck_assert_int_eq(config_set(&c, "poll_pending_ms", "250", &err), 0);
    ck_assert_int_eq(c.poll_pending_ms, 250);
    ck_assert_int_eq(c.poll_idle_ms, 15000);
    ck_assert_int_eq(config_set(&c, "auth_url", "https://a.example.com/realms/r///", &err), 0);
    ck_assert_str_eq(c.auth_url, "https://a.example.com/realms/r");
    ck_assert_int_eq(config_set(&c, "theme", "", &err), 0);
    ck_assert_ptr_null(c.theme);
    ck_assert_int_eq(config_set(&c, "client_secret", SECRET, &err), 0);
    ck_assert_int_eq(config_set(&c, "client_secret", "other", &err), 0);
    ck_assert_str_eq(c.client_secret, "other");
    config_free(&c);
}
END_TEST

/* ------------------------------------------------------------------ URLs */

typedef struct {
    const char *url;
    bool ok;
} url_case;

static const url_case url_cases[] = {
    {"https://api.catenatelematics.com", true},
    {"http://127.0.0.1:8080", true},
    {"http://[::1]:9/base", true},
    {"HTTPS://Example.COM/x", true},
    {"https://user:pw@example.com", true},
    {"ftp://example.com", false},
    {"example.com", false},
    {"https://", false},
    {"http:///path", false},
    {"https://:443", false},
    {"https://exa mple.com", false},
    {"https://example.com/a b", false},
    {"https://example.com:99999", false},
    {"https://example.com:80a", false},
    {"https://[::1", false},
    {"https://ex\\ample.com", false},
    {"", false},
    {"javascript:alert(1)", false},
};

START_TEST(test_url_validation)
{
    const url_case *tc = &url_cases[_i];
    config c;
    char *err = NULL;
    config_init_defaults(&c);
    ck_assert_int_eq(config_set(&c, "api_url", tc->url, &err), 0);
    int rc = config_validate(&c, &err);
    ck_assert_msg((rc == 0) == tc->ok, "validate(%s) = %d", tc->url, rc);
    if (!tc->ok)
        ck_assert_ptr_nonnull(strstr(err, "api_url"));
    err_clear(&err);
    /* the same for auth_url */
    config_free(&c);
    config_init_defaults(&c);
    ck_assert_int_eq(config_set(&c, "auth_url", tc->url, &err), 0);
    ck_assert_int_eq(config_validate(&c, &err) == 0, tc->ok);
    err_clear(&err);
    config_free(&c);
}
END_TEST

START_TEST(test_plain_http_to_a_remote_host_is_refused_unless_allowed)
{
    static const char *const keys[] = {"api_url", "auth_url"};
    for (int i = 0; i < N(keys); i++) {
        config c;
        char *err = NULL;
        config_init_defaults(&c);
        ck_assert_int_eq(config_set(&c, keys[i], "http://api.example.com/base", &err), 0);
        ck_assert_int_eq(config_validate(&c, &err), -1);
        ck_assert_msg(strstr(err, keys[i]) && strstr(err, "api.example.com") && strstr(err, "unencrypted") &&
                          strstr(err, "allow_insecure_http = yes"),
                      "%s", err);
        err_clear(&err);
        ck_assert_int_eq(config_set(&c, "allow_insecure_http", "yes", &err), 0);
        ck_assert_int_eq(config_validate(&c, &err), 0);
        ck_assert_int_eq(config_set(&c, "allow_insecure_http", "no", &err), 0);
        ck_assert_int_eq(config_validate(&c, &err), -1);
        err_clear(&err);
        /* loopback and https need no setting */
        ck_assert_int_eq(config_set(&c, keys[i], "http://127.0.0.1:8080", &err), 0);
        ck_assert_int_eq(config_validate(&c, &err), 0);
        ck_assert_int_eq(config_set(&c, keys[i], "https://api.example.com", &err), 0);
        ck_assert_int_eq(config_validate(&c, &err), 0);
        ck_assert_int_eq(config_set(&c, "allow_insecure_http", "maybe", &err), -1);
        ck_assert_ptr_nonnull(strstr(err, "allow_insecure_http"));
        err_clear(&err);
        config_free(&c);
    }
}
END_TEST

START_TEST(test_a_secret_in_a_file_others_can_read_is_refused)
{
    config c;
    char *err = NULL;
    config_init_defaults(&c);
    char *path = write_file("open.conf", "client_id = me\nclient_secret = " SECRET "\n");
    chmod(path, 0644);
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), -1);
    char want[600];
    snprintf(want, sizeof want, "chmod 600 %s", path);
    ck_assert_msg(strstr(err, want) && strstr(err, "client_secret"), "%s", err);
    ck_assert_ptr_null(strstr(err, SECRET));
    ck_assert_ptr_null(c.client_secret); /* nothing taken from it */
    err_clear(&err);
    chmod(path, 0640); /* the group is other users too */
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), -1);
    err_clear(&err);
    chmod(path, 0600);
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), 0);
    ck_assert_str_eq(c.client_secret, SECRET);
    config_free(&c);

    /* A secret in another profile's section counts; a file without one may be readable. */
    config_init_defaults(&c);
    path = write_file("other.conf", "[profile a]\nclient_secret = x\n[profile b]\nclient_id = y\n");
    chmod(path, 0644);
    ck_assert_int_eq(config_load_file(&c, path, "b", &err), -1);
    err_clear(&err);
    path = write_file("public.conf", "api_url = https://api.example.com\nclient_id = me\n");
    chmod(path, 0644);
    ck_assert_int_eq(config_load_file(&c, path, NULL, &err), 0);
    config_free(&c);
}
END_TEST

START_TEST(test_validate_ranges)
{
    config c;
    char *err = NULL;
    config_init_defaults(&c);
    c.page_size = 0;
    ck_assert_int_eq(config_validate(&c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "page_size"));
    c.page_size = 10;
    c.poll_idle_ms = 5;
    ck_assert_int_eq(config_validate(&c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "poll_idle_ms"));
    err_clear(&err);
    config_free(&c);
}
END_TEST

static const url_case loopback_cases[] = {
    {"http://127.0.0.1:8080/x", true},
    {"http://127.0.0.1", true},
    {"http://127.5.6.7", true},
    {"https://127.255.255.255/", true},
    {"http://localhost:1", true},
    {"http://LOCALHOST/", true},
    {"http://localhost", true},
    {"http://[::1]:9/", true},
    {"http://[::1]", true},
    {"http://[0:0:0:0:0:0:0:1]/", true},
    {"http://[::ffff:127.0.0.1]/", true},
    {"http://user:pw@127.0.0.1/", true},
    {"http://127.0.0.1.evil.com", false},
    {"http://localhost.evil.com", false},
    {"http://evil.com/127.0.0.1", false},
    {"http://evil.com?x=localhost", false},
    {"http://evil.com#@127.0.0.1", false},
    {"http://127.0.0.1@evil.com", false},
    {"http://localhost:80@evil.com/", false},
    {"http://evil.com\\@127.0.0.1/", false},
    {"http://evil-localhost/", false},
    {"http://128.0.0.1/", false},
    {"http://10.0.0.1/", false},
    {"http://0177.0.0.1/", false},
    {"http://127.1/", false},
    {"http://2130706433/", false},
    {"http://[::2]/", false},
    {"http://[::1]evil.com/", false},
    {"http://127.0.0.1:bad/", false},
    {"http://", false},
    {"", false},
    {NULL, false},
};

START_TEST(test_loopback_table)
{
    const url_case *tc = &loopback_cases[_i];
    ck_assert_msg(config_url_is_loopback(tc->url) == tc->ok, "is_loopback(%s) != %d",
                  tc->url ? tc->url : "NULL", tc->ok);
}
END_TEST

typedef struct {
    const char *url;
    unsigned cap;
    const char *want;
} host_case;

static const host_case host_cases[] = {
    {"https://api.catenatelematics.com", 64, "api.catenatelematics.com"},
    {"https://api.catenatelematics.com/v1/x?y=1", 64, "api.catenatelematics.com"},
    {"http://127.0.0.1:8080/x", 64, "127.0.0.1:8080"},
    {"http://[::1]:9/", 64, "[::1]:9"},
    {"https://user:" SECRET "@example.com:8443/", 64, "example.com:8443"},
    {"https://example.com", 8, "example"},
    {"https://example.com", 1, ""},
    {"not a url", 64, ""},
};

START_TEST(test_url_host_table)
{
    const host_case *tc = &host_cases[_i];
    char out[64];
    memset(out, 'Z', sizeof out);
    config_url_host(tc->url, out, tc->cap);
    ck_assert_str_eq(out, tc->want);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_precedence);
    tcase_add_test(tc, test_profiles);
    tcase_add_test(tc, test_file_syntax);
    tcase_add_loop_test(tc, test_bad_files, 0, N(bad_files));
    tcase_add_test(tc, test_missing_files);
    tcase_add_test(tc, test_xdg_resolution);
    tcase_add_test(tc, test_bell_flash);
    tcase_add_test(tc, test_emoji_mode);
    tcase_add_loop_test(tc, test_set_table, 0, N(set_cases));
    tcase_add_test(tc, test_set_values);
    tcase_add_loop_test(tc, test_url_validation, 0, N(url_cases));
    tcase_add_test(tc, test_validate_ranges);
    tcase_add_test(tc, test_plain_http_to_a_remote_host_is_refused_unless_allowed);
    tcase_add_test(tc, test_a_secret_in_a_file_others_can_read_is_refused);
    tcase_add_loop_test(tc, test_loopback_table, 0, N(loopback_cases));
    tcase_add_loop_test(tc, test_url_host_table, 0, N(host_cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(config_suite());
    return failed != 0;
}
