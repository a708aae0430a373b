/* forms_enums: the enum lists of the writable fields (data from openapi.yaml), private to forms. */
#ifndef CATENA_CORE_FORMS_ENUMS_H
#define CATENA_CORE_FORMS_ENUMS_H

extern const char *const forms_enum_vehicle_status_values[];
extern const char *const forms_enum_engine_type_values[];
extern const char *const forms_enum_user_status_values[];
extern const char *const forms_enum_hos_compliance_values[];
extern const char *const forms_enum_hos_tracking_values[];
extern const char *const forms_enum_hos_ruleset_values[];
extern const char *const forms_enum_timezone_values[];

#endif
