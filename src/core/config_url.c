/* config_url: the API and sign-in URLs of the config: their host, whether it is this machine, and
 * the check that refuses plain http:// to another (see config.h). */
#include "core/config.h"

#include "common/err.h"
#include "core/text.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ URLs */

typedef struct url_parts {
    const char *host; /* for IPv6 literals: inside the brackets */
    size_t host_len;
    const char *port; /* NULL when absent */
    size_t port_len;
    const char *hostport; /* host[:port] as written (with brackets) */
    size_t hostport_len;
    bool ipv6;
    bool has_scheme;
    bool http; /* scheme is http or https */
} url_parts;

/* Splits scheme://[userinfo@]host[:port][/...]. Returns false for anything malformed:
 * control characters, spaces or backslashes in the authority, a bad port, an empty host. */
static bool url_split(const char *url, url_parts *u)
{
    memset(u, 0, sizeof *u);
    if (!url)
        return false;
    const char *auth = url;
    const char *sep = strstr(url, "://");
    if (sep) {
        if (sep == url || !isalpha((unsigned char)url[0]))
            return false;
        for (const char *p = url; p < sep; p++)
            if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
                return false;
        size_t slen = (size_t)(sep - url);
        u->has_scheme = true;
        u->http = (slen == 4 && strncasecmp(url, "http", 4) == 0) ||
                  (slen == 5 && strncasecmp(url, "https", 5) == 0);
        auth = sep + 3;
    }
    size_t alen = strcspn(auth, "/?#");
    for (size_t i = 0; i < alen; i++) {
        unsigned char ch = (unsigned char)auth[i];
        if (ch <= 0x20 || ch >= 0x7F || ch == '\\')
            return false;
    }
    const char *end = auth + alen;
    const char *host = auth;
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            host = p + 1; /* the last '@' ends the userinfo */
    u->hostport = host;
    u->hostport_len = (size_t)(end - host);

    const char *colon;
    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close)
            return false;
        u->ipv6 = true;
        u->host = host + 1;
        u->host_len = (size_t)(close - host - 1);
        colon = close + 1;
        if (colon < end && *colon != ':')
            return false;
    } else {
        colon = memchr(host, ':', (size_t)(end - host));
        if (!colon)
            colon = end;
        u->host = host;
        u->host_len = (size_t)(colon - host);
    }
    if (u->host_len == 0)
        return false;
    if (!u->ipv6) {
        for (size_t i = 0; i < u->host_len; i++)
            if (u->host[i] == '[' || u->host[i] == ']')
                return false;
    }
    if (colon < end) {
        u->port = colon + 1;
        u->port_len = (size_t)(end - u->port);
        if (u->port_len > 5)
            return false;
        long port = 0;
        for (size_t i = 0; i < u->port_len; i++) {
            if (u->port[i] < '0' || u->port[i] > '9')
                return false;
            port = port * 10 + (u->port[i] - '0');
        }
        if (port > 65535)
            return false;
    }
    return true;
}

bool config_url_is_loopback(const char *url)
{
    url_parts u;
    char host[64];
    if (!url_split(url, &u) || u.host_len >= sizeof host)
        return false;
    memcpy(host, u.host, u.host_len);
    host[u.host_len] = '\0';

    if (u.ipv6) {
        struct in6_addr a6;
        if (inet_pton(AF_INET6, host, &a6) != 1)
            return false;
        if (IN6_IS_ADDR_LOOPBACK(&a6))
            return true;
        /* IPv4-mapped ::ffff:127.x.y.z */
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
        return true;
    /* inet_pton accepts only the strict dotted-quad form (no octal, hex or short forms). */
    struct in_addr a4;
    if (inet_pton(AF_INET, host, &a4) != 1)
        return false;
    return ((const unsigned char *)&a4.s_addr)[0] == 127;
}

void config_url_host(const char *url, char *out, unsigned outcap)
{
    url_parts u;
    if (!out || outcap == 0)
        return;
    out[0] = '\0';
    if (!url_split(url, &u))
        return;
    size_t n = u.hostport_len;
    if (n > outcap - 1)
        n = outcap - 1;
    memcpy(out, u.hostport, n);
    out[n] = '\0';
}

int config_check_url(const char *name, const char *url, bool allow_insecure, char **err)
{
    url_parts u;
    if (!url || !*url)
        return err_set(err, "%s is empty", name);
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return err_set(err, "%s must start with http:// or https://", name);
    if (!url_split(url, &u) || !u.http)
        return err_set(err, "%s has no valid host (expected http(s)://host[:port][/path])", name);
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return err_set(err, "%s contains spaces or control characters", name);
    if (!allow_insecure && strncasecmp(url, "http://", 7) == 0 && !config_url_is_loopback(url)) {
        char host[80];
        config_url_host(url, host, sizeof host);
        return err_set(err,
                       "%s is plain http:// to %s, not this machine: the client secret and access token would "
                       "cross the network unencrypted. Use https://, or set allow_insecure_http = yes to accept "
                       "that risk",
                       name, text_is_plain_ascii(host) ? host : "a remote host");
    }
    return 0;
}
