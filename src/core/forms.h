/* forms: the writable fields of vehicles, trailers and drivers (users) as data, their typed
 * validation, and the JSON bodies built from them (PATCH: only what changed). No curses. */
#ifndef CATENA_CORE_FORMS_H
#define CATENA_CORE_FORMS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    FT_STRING,
    FT_TEXT,      /* multi-line string (notes) */
    FT_INT,       /* integer within [min, max] */
    FT_NUMBER,    /* decimal number >= 0 */
    FT_BOOL,      /* "true"/"false" (also yes/no, 1/0 on input) */
    FT_ENUM,      /* one of enum_values */
    FT_COUNTRY3,  /* 3 letters/digits/underscore (^\w{3}$), e.g. USA, CAN */
    FT_VIN,       /* 17 chars, no I/O/Q; a wrong check digit is a warning, not an error */
    FT_DATE,      /* YYYY-MM-DD */
    FT_EMAIL
} field_type;

typedef struct field_spec {
    const char *name;   /* JSON field name, e.g. "model_year" */
    const char *label;  /* "Model year" */
    field_type type;
    const char *const *enum_values; /* NULL-terminated, for FT_ENUM */
    long min, max;      /* for FT_INT */
    bool required_on_create;
} field_spec;

typedef enum { FORM_VEHICLE, FORM_TRAILER, FORM_DRIVER, FORM__COUNT } form_kind;

typedef struct form_spec {
    form_kind kind;
    const char *resource;    /* "vehicle", "trailer", "user" (ResourceEnum) */
    const char *title;       /* "Vehicle" */
    const char *path;        /* "/v2/telematics/vehicles" */
    const field_spec *fields;
    int nfields;
} form_spec;

const form_spec *form_spec_get(form_kind k);
/* By resource or title name: "vehicle", "trailer", "user"/"driver". NULL if unknown. */
const form_spec *form_spec_by_name(const char *name);
/* Index of a field by JSON name, or -1. */
int form_field_index(const form_spec *s, const char *name);

/* Validates one value typed by the user. Returns 0 if acceptable (possibly with a warning in
 * warn, e.g. a VIN whose check digit does not match), -1 with a message in err.
 * An empty value is always valid (it means "clear" in a form, "unset" on create). */
int form_validate(const field_spec *f, const char *value, char *err, size_t errcap, char *warn, size_t warncap);
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
/* Fills orig and cur from a record's JSON (a GET /vehicles/{id} body). -1 with *err on bad JSON. */
int form_values_from_record(form_values *v, const char *json, size_t len, char **err);
void form_values_set(form_values *v, int field, const char *value);
bool form_field_changed(const form_values *v, int field);
int form_changed_count(const form_values *v);

/* Builds the request body: {"connection_id":..., fields...}. For an update only changed fields
 * are sent (an emptied field is sent as null); for a create every non-empty field. Values are
 * typed per field (numbers, booleans, strings). Returns NULL with *err (heap) naming the first
 * invalid field "label: message". */
char *form_build_body(const form_values *v, const char *connection_id, bool update, char **err);

#endif
