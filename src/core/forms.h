/* forms: the forms of the writable resources (their fields are the resource table's, see
 * core/api_resources.h), typed validation, and the values of one form. The JSON side (reading a
 * record, building POST/PATCH bodies) is in the API module, core/api_forms.c. No curses. */
#ifndef CATENA_CORE_FORMS_H
#define CATENA_CORE_FORMS_H

#include "common/strbuf.h"
#include "core/api_resources.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { FORM_VEHICLE, FORM_TRAILER, FORM_DRIVER, FORM_DVIR, FORM_FUEL, FORM__COUNT } form_kind;

typedef struct form_spec {
    form_kind kind;
    const char *resource;    /* "vehicle", "trailer", "user" (ResourceEnum) */
    const char *title;       /* "Vehicle" */
    const char *path;        /* the collection (the resource table's) */
    const field_spec *fields;
    int nfields;
    const char *noun;           /* "driver": in titles and messages */
    /* The record's name: these values joined by a space, else the fallback's value. */
    const char *name_fields[2];
    const char *name_fallback;
} form_spec;

/* The forms, indexed by form_kind (defined with the resource table in core/api_resources.c). */
extern const form_spec api_form_specs[FORM__COUNT];

const form_spec *form_spec_get(form_kind k);
/* By resource or title name: "vehicle", "trailer", "user"/"driver". NULL if unknown. */
const form_spec *form_spec_by_name(const char *name);
/* Index of a field by JSON name, or -1. */
int form_field_index(const form_spec *s, const char *name);

/* Validates one value typed by the user. Returns 0 if acceptable (possibly with a warning in
 * warn, e.g. a VIN whose check digit does not match), -1 with a message in err.
 * An empty value is always valid (it means "clear" in a form, "unset" on create). */
int form_validate(const field_spec *f, const char *value, char *err, size_t errcap, char *warn, size_t warncap);
/* The canonical text of a valid value (what is sent; "" = empty) into out; -1 with a message in
 * err when invalid. For the body builders. */
int form_canonical(const field_spec *f, const char *value, strbuf *out, char *err, size_t errcap);
/* Numbers in the C locale whatever LC_NUMERIC says; written as the shortest text that reads back. */
double form_parse_number(const char *s);
void form_format_number(double d, char *buf, size_t cap);
/* The clock of FT_DATETIME ("now", "in the future"): the real one unless set (the console sets
 * its own, virtual in scripts). NULL restores the real clock. */
void forms_set_clock(int64_t (*now_ms)(void *ud), void *ud);
int64_t forms_now_ms(void);
/* Now in the local time zone as a form shows it: "YYYY-MM-DD HH:MM". */
void forms_local_now(char *buf, size_t cap);
/* The number of values of a canonical FT_ENUM_LIST value ("a, b" -> 2). */
int form_list_count(const char *canonical);
/* VIN check digit (ISO 3779 / 49 CFR 565): true when position 9 matches. */
bool vin_check_digit_ok(const char *vin);

/* The values of one form: cur[i] is what the user has; orig[i] what the record had (NULL = null
 * or absent). Strings are owned by the struct. */
typedef struct form_values {
    const form_spec *spec;
    char **orig;
    char **cur;
} form_values;

void form_values_init(form_values *v, const form_spec *spec);
void form_values_free(form_values *v);
/* Fills orig and cur from a record's JSON (core/api_forms.c) (a GET /vehicles/{id} body). -1 with *err on bad JSON. */
int form_values_from_record(form_values *v, const char *json, size_t len, char **err);
void form_values_set(form_values *v, int field, const char *value);
/* The record's name from the current values ("Truck 1042", "Ana Ruiz"), unsanitized; "" if none. */
void form_record_name(const form_values *v, char *out, size_t cap);
bool form_field_changed(const form_values *v, int field);
int form_changed_count(const form_values *v);

/* Builds the request body: {"connection_id":..., fields...}. For an update only changed fields
 * are sent (an emptied field is sent as null); for a create every non-empty field. Values are
 * typed per field (numbers, booleans, strings). Returns NULL with *err (heap) naming the first
 * invalid field "label: message". */
char *form_build_body(const form_values *v, const char *connection_id, bool update, char **err);
/* The body of a subcommand's write from "FIELD=VALUE" strings: connection_id plus exactly these
 * fields, typed; an empty value is sent as null on an update and left out on a create, where
 * fields with a create_default not named are added. NULL with *err ("label: message", or an
 * unknown field) on the first invalid one. */
char *form_body_from_sets(const form_spec *s, const char *connection_id, const char *const *sets, size_t nsets,
                          bool update, char **err);

#endif
