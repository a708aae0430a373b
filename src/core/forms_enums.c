/* forms_enums: the enum value lists of the writable fields, copied from openapi.yaml
 * (VehicleStatusEnum, EngineType, UserStatusEnum, HosRulesetCodeEnum, TimezoneCodeEnum, ...). */
#include "core/forms_enums.h"

#include <stddef.h>

/* ------------------------------------------------------------------ enums (from openapi.yaml) */

const char *const forms_enum_vehicle_status_values[] = {
    "IN_SERVICE", "OUT_OF_SERVICE", "IN_REPAIR", "IN_TRANSIT", "IN_USE", "IN_STORAGE", "STANDING",
    "SPARE", NULL};
const char *const forms_enum_engine_type_values[] = {
    "GASOLINE", "DIESEL", "ETHANOL", "METHANOL", "PROPANE", "LPG", "CNG", "LNG", "HYDROGEN",
    "ELECTRICITY", "HYBRID", NULL};
const char *const forms_enum_user_status_values[] = {"ACTIVE", "INACTIVE", NULL};
const char *const forms_enum_hos_compliance_values[] = {"exempt", "non_exempt", NULL};
const char *const forms_enum_hos_tracking_values[] = {"manual", "automatic", NULL};
/* HosRulesetCodeEnum (134 values), in the contract's order. */
const char *const forms_enum_hos_ruleset_values[] = {
    "US_INT_PROP_60_7", "US_INT_PROP_60_7_BIG", "US_INT_PROP_60_7_BIG_SLP",
    "US_INT_PROP_60_7_NORST", "US_INT_PROP_60_7_NORST_SLP", "US_INT_PROP_60_7_NOBRK",
    "US_INT_PROP_60_7_NOBRK_BIG", "US_INT_PROP_60_7_NOBRK_BIG_SLP", "US_INT_PROP_60_7_NOBRK_SLP",
    "US_INT_PROP_60_7_SH", "US_INT_PROP_60_7_SH_NORST", "US_INT_PROP_70_8", "US_INT_PROP_70_8_BIG",
    "US_INT_PROP_70_8_BIG_SLP", "US_INT_PROP_70_8_NORST", "US_INT_PROP_70_8_NORST_SLP",
    "US_INT_PROP_70_8_NOBRK", "US_INT_PROP_70_8_NOBRK_BIG", "US_INT_PROP_70_8_NOBRK_BIG_SLP",
    "US_INT_PROP_70_8_NOBRK_SLP", "US_INT_PROP_70_8_SH", "US_INT_PROP_70_8_SH_14H",
    "US_INT_PROP_70_8_SH_NORST", "US_INT_PROP_SH_14H", "US_INT_PAX_60_7", "US_INT_PAX_60_7_SH",
    "US_INT_PAX_70_8", "US_INT_PAX_70_8_SH", "US_INT_SALESP", "US_INT_SALESP_NCDL_SH",
    "US_INT_OILTR_60_7", "US_INT_OILTR_70_8", "US_INT_OILWL_60_7", "US_INT_OILWL_70_8",
    "US_INT_RAIL_EX", "US_INT_PROP_SLPVAR", "US_INT_PROP_60_7_SLPVAR", "US_INT_PROP_70_8_SLPVAR",
    "US_INT_CARRIER_EX", "US_INT_NOHOS_7", "US_INT_NOHOS_8", "US_TX_INTRA_PROP_70_7",
    "US_TX_INTRA_SH_70_7", "US_TX_INTRA_SH_70_8", "US_CA_INTRA_PROP_80_8", "US_CA_INTRA_PAX_80_8",
    "US_CA_INTRA_FARM_112_8", "US_CA_INTRA_FARM_BRK", "US_CA_INTRA_FLAM_80_8",
    "US_CA_INTRA_FLAM_BRK", "US_CA_INTRA_SCH_80_8", "US_CA_INTRA_SCH_BRK", "US_AK_INTRA_PROP_70_7",
    "US_AK_INTRA_PROP_80_8", "US_AK_INTRA_PAX_70_7", "US_AK_INTRA_PAX_80_8",
    "US_AK_INTRA_PROP_70_7_SLP", "US_AK_INTRA_PROP_80_8_SLP", "US_FL_INTRA_PROP_70_7",
    "US_FL_INTRA_PROP_80_8", "US_FL_INTRA_SH_70_7", "US_FL_INTRA_SH_80_8", "US_OR_INTRA_PROP_70_7",
    "US_OR_INTRA_PROP_80_8", "US_MD_INTRA_SH_70_7", "US_MD_INTRA_SH_80_8", "US_NE_INTRA_PROP_70_7",
    "US_NE_INTRA_PROP_80_8", "US_NC_INTRA_PROP_70_7", "US_NC_INTRA_PROP_80_8",
    "US_ND_INTRA_PROP_70_7", "US_ND_INTRA_SH_70_7", "US_SC_INTRA_PROP_70_7",
    "US_SC_INTRA_PROP_80_8", "US_WA_INTRA_PROP_70_7", "US_WA_INTRA_PROP_80_8",
    "US_WI_INTRA_PROP_70_7", "US_WI_INTRA_PROP_80_8", "CA_FED_C1_70_7", "CA_FED_C2_120_14",
    "CA_FED_C1_TEAM", "CA_FED_C2_TEAM", "CA_FED_NOHOS", "CA_N60_C1_80_7", "CA_N60_C2_120_14",
    "CA_N60_C1_TEAM", "CA_N60_C2_TEAM", "CA_N60_NOHOS", "CA_N60_OIL", "CA_N60_OIL_TEAM",
    "CA_AB_PROV_PROP_70_7", "CA_SK_PROV_PROP_70_7", "CA_SK_PROV_FERT_EX", "CA_BC_PROV_LOG",
    "CA_S60_OIL", "CA_OIL_TEAM", "US_INT_OILTR_60_7_BIG", "US_INT_OILTR_60_7_BIG_SLP",
    "US_INT_OILTR_60_7_SLP", "US_INT_OILTR_70_8_BIG", "US_INT_OILTR_70_8_BIG_SLP",
    "US_INT_OILTR_70_8_SLP", "US_CA_INTRA_OILTR_80_8", "US_CA_INTRA_OILTR_PROP",
    "US_INT_OILTR_60_7_NOBRK", "US_INT_OILTR_60_7_NOBRK_BIG", "US_INT_OILTR_60_7_NOBRK_BIG_SLP",
    "US_INT_OILTR_60_7_NOBRK_SLP", "US_INT_OILTR_70_8_NOBRK", "US_INT_OILTR_70_8_NOBRK_BIG",
    "US_INT_OILTR_70_8_NOBRK_BIG_SLP", "US_INT_OILTR_70_8_NOBRK_SLP", "US_INT_OILTR_SH_12H",
    "US_INT_OILTR_SH_14H", "US_INT_OILTR_70_8_SH_12H", "US_INT_OILTR_70_8_SH_14H",
    "US_TX_INTRA_OILTR_70_7", "US_INT_OILWL_60_7_BIG", "US_INT_OILWL_60_7_BIG_SLP",
    "US_INT_OILWL_60_7_SLP", "US_INT_OILWL_70_8_BIG", "US_INT_OILWL_70_8_BIG_SLP",
    "US_INT_OILWL_70_8_SLP", "US_CA_INTRA_OILWL_80_8", "US_CA_INTRA_OILWL_PROP",
    "US_INT_OILWL_60_7_NOBRK", "US_INT_OILWL_60_7_NOBRK_BIG", "US_INT_OILWL_60_7_NOBRK_BIG_SLP",
    "US_INT_OILWL_60_7_NOBRK_SLP", "US_INT_OILWL_70_8_NOBRK", "US_INT_OILWL_70_8_NOBRK_BIG",
    "US_INT_OILWL_70_8_NOBRK_BIG_SLP", "US_INT_OILWL_70_8_NOBRK_SLP", "US_TX_INTRA_OILWL_70_7", NULL
};
/* TimezoneCodeEnum (169 values), in the contract's order. */
const char *const forms_enum_timezone_values[] = {
    "UTC", "Pacific/Honolulu", "America/Adak", "America/Anchorage", "America/Juneau",
    "America/Metlakatla", "America/Nome", "America/Sitka", "America/Yakutat", "America/Los_Angeles",
    "America/Vancouver", "America/Boise", "America/Cambridge_Bay", "America/Creston",
    "America/Dawson", "America/Dawson_Creek", "America/Denver", "America/Edmonton",
    "America/Fort_Nelson", "America/Inuvik", "America/Phoenix", "America/Whitehorse",
    "America/Yellowknife", "America/Chicago", "America/Menominee", "America/North_Dakota/Beulah",
    "America/North_Dakota/Center", "America/North_Dakota/New_Salem", "America/Rainy_River",
    "America/Rankin_Inlet", "America/Regina", "America/Resolute", "America/Swift_Current",
    "America/Winnipeg", "America/Indiana/Knox", "America/Indiana/Tell_City", "America/Detroit",
    "America/Iqaluit", "America/Kentucky/Louisville", "America/Kentucky/Monticello",
    "America/New_York", "America/Nipigon", "America/Pangnirtung", "America/Thunder_Bay",
    "America/Toronto", "America/Indiana/Indianapolis", "America/Indiana/Marengo",
    "America/Indiana/Petersburg", "America/Indiana/Vevay", "America/Indiana/Vincennes",
    "America/Indiana/Winamac", "America/Atikokan", "America/Blanc-Sablon", "America/Glace_Bay",
    "America/Goose_Bay", "America/Halifax", "America/Moncton", "America/St_Johns",
    "America/Mexico_City", "America/Cancun", "America/Merida", "America/Monterrey",
    "America/Mazatlan", "America/Chihuahua", "America/Hermosillo", "America/Tijuana",
    "America/Matamoros", "America/Ojinaga", "America/Ciudad_Juarez", "America/Guatemala",
    "America/Belize", "America/Tegucigalpa", "America/Managua", "America/Costa_Rica",
    "America/Panama", "America/Bogota", "America/Lima", "America/Santiago",
    "America/Argentina/Buenos_Aires", "America/Sao_Paulo", "America/Montevideo",
    "America/Puerto_Rico", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid",
    "Europe/Paris", "Europe/Brussels", "Europe/Amsterdam", "Europe/Luxembourg", "Europe/Berlin",
    "Europe/Zurich", "Europe/Vienna", "Europe/Rome", "Europe/Copenhagen", "Europe/Stockholm",
    "Europe/Oslo", "Europe/Prague", "Europe/Budapest", "Europe/Warsaw", "Europe/Helsinki",
    "Europe/Tallinn", "Europe/Riga", "Europe/Vilnius", "Europe/Belgrade", "Europe/Tirane",
    "Europe/Sofia", "Europe/Athens", "Europe/Bucharest", "Europe/Kyiv", "Europe/Chisinau",
    "Europe/Istanbul", "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Africa/Casablanca",
    "Africa/Algiers", "Africa/Tunis", "Africa/Cairo", "Africa/Tripoli", "Africa/Lagos",
    "Africa/Accra", "Africa/Dakar", "Africa/Abidjan", "Africa/Nairobi", "Africa/Dar_es_Salaam",
    "Africa/Kampala", "Africa/Johannesburg", "Africa/Maputo", "Africa/Windhoek", "Asia/Dubai",
    "Asia/Riyadh", "Asia/Qatar", "Asia/Kuwait", "Asia/Bahrain", "Asia/Muscat", "Asia/Baghdad",
    "Asia/Amman", "Asia/Beirut", "Asia/Jerusalem", "Asia/Baku", "Asia/Tbilisi", "Asia/Yerevan",
    "Asia/Almaty", "Asia/Tashkent", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Colombo",
    "Asia/Kathmandu", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Singapore", "Asia/Kuala_Lumpur",
    "Asia/Jakarta", "Asia/Manila", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Seoul",
    "Asia/Tokyo", "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane",
    "Australia/Adelaide", "Australia/Perth", "Australia/Darwin", "Australia/Hobart",
    "Pacific/Auckland", NULL
};
