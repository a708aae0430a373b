/* cmd_config_file: the config file as text, for `config init|check|show`: its sections, the keys
 * that apply to a profile, a profile taken out, settings written, the file replaced privately. */
#include "app/cmd_config_file.h"

#include "common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cfgfile_read(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    strbuf sb = STRBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb);
}

/* True for a "[profile NAME]" line, NAME into name. */
bool cfgfile_section(const char *line, size_t len, char *name, size_t cap)
{
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    if (len < 2 || line[0] != '[' || line[len - 1] != ']')
        return false;
    const char *p = line + 1, *end = line + len - 1;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 8 || strncmp(p, "profile", 7) != 0)
        return false;
    p += 7;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    snprintf(name, cap, "%.*s", (int)(end - p), p);
    return true;
}

/* Calls fn for each key line of the sections that apply to profile (the common keys and its own
 * section), with the key, the value as written and the line number. */
void cfgfile_scan_keys(const char *text, const char *profile, cfgfile_key_fn fn, void *ud)
{
    bool applies = true;
    unsigned lineno = 0;
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        lineno++;
        char name[128];
        if (cfgfile_section(p, len, name, sizeof name)) {
            applies = strcmp(name, profile) == 0;
        } else if (applies) {
            const char *k = p;
            while (k < p + len && (*k == ' ' || *k == '\t'))
                k++;
            const char *eq = memchr(k, '=', len - (size_t)(k - p));
            if (eq && *k != '#') {
                const char *ke = eq;
                while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
                    ke--;
                char key[64];
                snprintf(key, sizeof key, "%.*s", (int)(ke - k), k);
                fn(ud, key, lineno);
            }
        }
        p = eol ? eol + 1 : NULL;
    }
}

/* text without the section of profile (from its header to the next section). */
char *cfgfile_without_profile(const char *text, const char *profile)
{
    strbuf sb = STRBUF_INIT;
    bool skipping = false;
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);
        char name[128];
        if (cfgfile_section(p, eol ? len - 1 : len, name, sizeof name))
            skipping = strcmp(name, profile) == 0;
        if (!skipping)
            strbuf_append(&sb, p, len);
        p += len;
    }
    return strbuf_detach(&sb);
}

bool cfgfile_has_profile(const char *text, const char *profile)
{
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char name[128];
        if (cfgfile_section(p, len, name, sizeof name) && strcmp(name, profile) == 0)
            return true;
        p = eol ? eol + 1 : NULL;
    }
    return false;
}

/* `key = value`, quoted when the value would not survive unquoted. */
void cfgfile_put_setting(strbuf *sb, const char *key, const char *value)
{
    bool plain = *value && value[0] != '"' && value[0] != ' ' && value[strlen(value) - 1] != ' ';
    strbuf_printf(sb, "%s = ", key);
    if (plain) {
        strbuf_puts(sb, value);
    } else {
        strbuf_putc(sb, '"');
        for (const char *v = value; *v; v++) {
            if (*v == '"' || *v == '\\')
                strbuf_putc(sb, '\\');
            strbuf_putc(sb, *v);
        }
        strbuf_putc(sb, '"');
    }
    strbuf_putc(sb, '\n');
}

/* Makes the directories of path (0700). */
static int make_parent_dirs(const char *path, char **err)
{
    char *dir = xstrdup(path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            err_set(err, "cannot create %s: %s", dir, strerror(errno));
            free(dir);
            return -1;
        }
        *p = '/';
    }
    free(dir);
    return 0;
}

/* Replaces path with text, mode 0600 from the first byte (a temporary file renamed over it). */
int cfgfile_write_private(const char *path, const char *text, char **err)
{
    if (make_parent_dirs(path, err) != 0)
        return -1;
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        err_set(err, "cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    size_t len = strlen(text), off = 0;
    int rc = fchmod(fd, 0600);
    while (rc == 0 && off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n <= 0)
            rc = -1;
        else
            off += (size_t)n;
    }
    if (rc == 0)
        rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc != 0) {
        err_set(err, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}


/* A "quoted" value unquoted (\" and \\ escapes) in place; false when malformed. */
bool cfgfile_unquote(char *v)
{
    if (*v != '"')
        return true;
    char *w = v;
    for (char *r = v + 1; *r; r++) {
        if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
            *w++ = *++r;
        else if (*r == '"')
            return (*w = '\0', r[1] == '\0');
        else
            *w++ = *r;
    }
    return false;
}

char *cfgfile_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}
