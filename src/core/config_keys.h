/* config_keys: the table of every config file key (name, values, default, what it does). config_set
 * accepts no key that is not here; `config show`, `config check`, the man page
 * catena-dispatch-config(5) and the README's list are made from it. */
#ifndef CATENA_CORE_CONFIG_KEYS_H
#define CATENA_CORE_CONFIG_KEYS_H

#include "core/config.h"

#include <stddef.h>

typedef struct config_key_info {
    const char *name;
    const char *values;  /* what it takes, for people: "URL", "1..1000", "yes|no|flash" */
    const char *def;     /* the default as the file would say it; NULL: unset */
    const char *example; /* a valid value (tests set every key to it) */
    const char *help;    /* one or two sentences */
    bool secret;         /* never printed (config show masks it) */
} config_key_info;

/* The table, in the order of the docs; *n gets its length. */
const config_key_info *config_keys(size_t *n);
/* The entry of name, or NULL for a key that does not exist. */
const config_key_info *config_key_find(const char *name);
/* The setting's value in c as the config file would say it (heap), or NULL when it is unset. */
char *config_key_value(const config *c, const char *name);

#endif
