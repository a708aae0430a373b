/* templates: canned replies. A text file under the config directory
 * ($XDG_CONFIG_HOME/catena-dispatch/templates, else ~/.config/catena-dispatch/templates):
 *
 *     # a comment: a line that starts with '#', anywhere
 *     [Running late?]
 *     Hi {first_name}, are you running late with {vehicle}?
 *
 *     [Where are you?]
 *     {first_name}, I see you near {location}. ETA? -- {dispatcher}
 *
 * A line "[name]" starts a template; the lines up to the next one are its text (blank lines at
 * its ends are dropped, inner ones kept). Placeholders: {first_name} (the driver's first name),
 * {driver} (the driver's full name), {vehicle}, {location}, {dispatcher} (the dispatcher's
 * name); "{{" and "}}" are literal braces. A placeholder without a value is filled as
 * "[vehicle?]", so the dispatcher sees what is missing. No curses, no network. */
#ifndef CATENA_CORE_TEMPLATES_H
#define CATENA_CORE_TEMPLATES_H

#include <stddef.h>

#define TEMPLATES_FILE_MAX (256u * 1024) /* a larger file is refused */
#define TEMPLATES_NAME_MAX 80            /* bytes of a template's name */
#define TEMPLATES_TEXT_MAX 4000          /* bytes of a template's text */
#define TEMPLATES_MAX 500                /* templates in one file */

typedef struct template_entry {
    char *name;
    char *text; /* with its placeholders, as written */
} template_entry;

typedef struct templates {
    template_entry *items; /* in file order */
    size_t n;
} templates;

/* The values placeholders are filled with; NULL or "" is missing. */
typedef struct template_values {
    const char *first_name, *driver, *vehicle, *location, *dispatcher;
} template_values;

/* Parses text (origin names it in errors: a path). 0, or -1 with *err naming the line and what
 * is wrong (invalid UTF-8, a control character, an unknown or unclosed placeholder, text before
 * the first [name], an empty or too long name or text, a repeated name, too many templates); t
 * is then empty. */
int templates_parse(templates *t, const char *text, size_t len, const char *origin, char **err);
/* Reads and parses path; a missing file is 0 with no templates. -1 with *err. */
int templates_load(templates *t, const char *path, char **err);
void templates_free(templates *t);
/* The templates file's path (heap): $CATENA_TEMPLATES when set, else the one above; NULL when
 * neither XDG_CONFIG_HOME nor HOME is usable. */
char *templates_default_path(void);

/* The text with its placeholders filled (heap). Values are sanitized and made one line; a
 * missing one reads "[name?]". NULL only when text is not a valid template. */
char *template_fill(const char *text, const template_values *v);
/* The first word of a full name (heap; "" for none), for {first_name}. */
char *template_first_name(const char *full_name);

#endif
