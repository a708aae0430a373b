#include "seed_tables.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const name_entry FIRST_NAMES[] = {
    {"James", "james"}, {"Mary", "mary"}, {"Robert", "robert"}, {"Patricia", "patricia"}, {"Michael", "michael"},
    {"Jennifer", "jennifer"}, {"William", "william"}, {"Linda", "linda"}, {"David", "david"},
    {"Elizabeth", "elizabeth"}, {"Carlos", "carlos"}, {"María", "maria"}, {"José", "jose"}, {"Lucía", "lucia"},
    {"Andrés", "andres"}, {"Sofía", "sofia"}, {"Zoë", "zoe"}, {"Chloé", "chloe"}, {"François", "francois"},
    {"Hélène", "helene"}, {"Jürgen", "jurgen"}, {"Björn", "bjorn"}, {"Søren", "soren"}, {"Ana", "ana"},
    {"Miguel", "miguel"}, {"Darnell", "darnell"}, {"Keisha", "keisha"}, {"Tyrone", "tyrone"},
    {"Aaliyah", "aaliyah"}, {"Dmitri", "dmitri"}, {"Olga", "olga"}, {"Priya", "priya"}, {"Rajesh", "rajesh"},
    {"Mohammed", "mohammed"}, {"Fatima", "fatima"}, {"Brandon", "brandon"}, {"Tamika", "tamika"},
    {"Kevin", "kevin"}, {"Ashley", "ashley"}, {"Luis", "luis"}, {"Renée", "renee"}, {"Raúl", "raul"},
    {"Ingrid", "ingrid"}, {"Tomás", "tomas"}, {"Noémie", "noemie"}, {"Wade", "wade"}, {"Dale", "dale"},
    {"Shawna", "shawna"},
};
const size_t N_FIRST_NAMES = COUNT(FIRST_NAMES);

const name_entry LAST_NAMES[] = {
    {"Smith", "smith"}, {"Johnson", "johnson"}, {"Williams", "williams"}, {"Brown", "brown"}, {"Jones", "jones"},
    {"Garcia", "garcia"}, {"Miller", "miller"}, {"Davis", "davis"}, {"Rodríguez", "rodriguez"},
    {"Martínez", "martinez"}, {"Muñoz", "munoz"}, {"Núñez", "nunez"}, {"Peña", "pena"}, {"Lefèvre", "lefevre"},
    {"Müller", "muller"}, {"Novák", "novak"}, {"Østergaard", "ostergaard"}, {"Kowalski", "kowalski"},
    {"O'Brien", "obrien"}, {"Nguyen", "nguyen"}, {"Patel", "patel"}, {"Singh", "singh"},
    {"Johansson", "johansson"}, {"Cohen", "cohen"}, {"Thompson", "thompson"}, {"Washington", "washington"},
    {"Okafor", "okafor"}, {"Haddad", "haddad"}, {"Castillo", "castillo"}, {"Gauthier", "gauthier"},
    {"Wójcik", "wojcik"}, {"Anderson", "anderson"}, {"Jackson", "jackson"}, {"Reyes", "reyes"},
    {"Hernández", "hernandez"}, {"Bergström", "bergstrom"}, {"Dubois", "dubois"}, {"Walker", "walker"},
};
const size_t N_LAST_NAMES = COUNT(LAST_NAMES);

const person_name WORLD_NAMES[] = {
    {"伟", "王", "wei", "wang"},           {"娜", "李", "na", "li"},
    {"敏", "张", "min", "zhang"},          {"静", "陈", "jing", "chen"},
    {"花子", "佐藤", "hanako", "sato"},    {"一郎", "鈴木", "ichiro", "suzuki"},
    {"結衣", "高橋", "yui", "takahashi"},  {"민준", "김", "minjun", "kim"},
    {"서연", "박", "seoyeon", "park"},     {"Thị Lan", "Nguyễn", "thilan", "nguyen"},
    {"Văn Hùng", "Trần", "vanhung", "tran"}, {"Александр", "Иванов", "aleksandr", "ivanov"},
};
const size_t N_WORLD_NAMES = COUNT(WORLD_NAMES);

const person_name FEATURED_NAMES[] = {
    {"José", "Muñoz", "jose", "munoz"},
    {"Zoë", "Lefèvre", "zoe", "lefevre"},
    {"伟", "王", "wei", "wang"},
    {"花子", "佐藤", "hanako", "sato"},
};
const size_t N_FEATURED_NAMES = COUNT(FEATURED_NAMES);

const region_entry REGIONS[] = {
    {"TX", "USA", "America/Chicago", "Dallas", "214"},       {"IL", "USA", "America/Chicago", "Chicago", "312"},
    {"OH", "USA", "America/New_York", "Columbus", "614"},    {"GA", "USA", "America/New_York", "Atlanta", "404"},
    {"CA", "USA", "America/Los_Angeles", "Fresno", "559"},   {"AZ", "USA", "America/Phoenix", "Phoenix", "602"},
    {"CO", "USA", "America/Denver", "Denver", "303"},        {"TN", "USA", "America/Chicago", "Memphis", "901"},
    {"PA", "USA", "America/New_York", "Harrisburg", "717"},  {"WA", "USA", "America/Los_Angeles", "Tacoma", "253"},
    {"IN", "USA", "America/Indiana/Indianapolis", "Indianapolis", "317"},
    {"NC", "USA", "America/New_York", "Charlotte", "704"},   {"ON", "CAN", "America/Toronto", "Mississauga", "905"},
    {"AB", "CAN", "America/Edmonton", "Calgary", "403"},     {"QC", "CAN", "America/Toronto", "Montréal", "514"},
    {"NL", "MEX", "America/Monterrey", "Monterrey", "818"},
};
const size_t N_REGIONS = COUNT(REGIONS);

const truck_model TRUCK_MODELS[] = {
    {"Freightliner", "Cascadia 126", "3AK", "DIESEL"},  {"Freightliner", "Cascadia 116", "3AK", "DIESEL"},
    {"Freightliner", "M2 106", "1FV", "DIESEL"},        {"Freightliner", "eCascadia", "3AK", "ELECTRICITY"},
    {"Volvo", "VNL 860", "4V4", "DIESEL"},              {"Volvo", "VNL 760", "4V4", "DIESEL"},
    {"Kenworth", "T680", "1XK", "DIESEL"},              {"Kenworth", "W900", "1XK", "DIESEL"},
    {"Peterbilt", "579", "1XP", "DIESEL"},              {"Peterbilt", "389", "1XP", "DIESEL"},
    {"International", "LT625", "3HS", "DIESEL"},        {"International", "RH613", "3HS", "DIESEL"},
    {"Mack", "Anthem", "1M1", "DIESEL"},                {"Mack", "Pinnacle", "1M1", "CNG"},
    {"Western Star", "57X", "5KK", "DIESEL"},
};
const size_t N_TRUCK_MODELS = COUNT(TRUCK_MODELS);

const trailer_model TRAILER_MODELS[] = {
    {"Great Dane", "Everest", "1GR", "reefer", 16.154},     {"Great Dane", "Champion CL", "1GR", "dry_van", 16.154},
    {"Utility", "3000R", "1UY", "reefer", 16.154},          {"Utility", "4000D-X", "1UY", "dry_van", 16.154},
    {"Wabash", "DuraPlate", "1JJ", "dry_van", 16.154},      {"Wabash", "ArcticLite", "1JJ", "reefer", 16.154},
    {"Hyundai Translead", "HT Composite", "3H3", "dry_van", 16.154},
    {"Fontaine", "Revolution", "13N", "flatbed", 14.63},    {"Great Dane", "Freedom LT", "1GR", "flatbed", 14.63},
    {"Stoughton", "Z-Plate", "1DW", "dry_van", 8.534},
};
const size_t N_TRAILER_MODELS = COUNT(TRAILER_MODELS);

const fleet_entry FLEETS[] = {
    {"Acme Freight", "acme-freight", "acmefreight.com", "1200 Industrial Pkwy", "Columbus, OH 43215", "3141592"},
    {"Blue Ridge Logistics", "blue-ridge", "blueridgelogistics.com", "88 Depot St", "Roanoke, VA 24011",
     "2718281"},
    {"Coastal Carriers", "coastal-carriers", "coastalcarriers.net", "4500 Harbor Blvd", "Long Beach, CA 90802",
     "1618033"},
    {"Prairie Line Transport", "prairie-line", "prairieline.com", "17 Elevator Rd", "Wichita, KS 67202",
     "1414213"},
    {"Summit Hauling", "summit-hauling", "summithauling.com", "900 Pass Ave", "Denver, CO 80216", "1732050"},
    {"Great Lakes Express", "great-lakes-express", "glexpress.com", "2 Dock St", "Duluth, MN 55802", "2236067"},
    {"Desert Sun Trucking", "desert-sun", "desertsuntrucking.com", "4410 Cactus Way", "Phoenix, AZ 85043",
     "2645751"},
    {"Northwind Cargo", "northwind-cargo", "northwindcargo.ca", "315 Rue Industrielle", "Laval, QC H7L 4S3",
     "3316624"},
};
const size_t N_FLEETS = COUNT(FLEETS);
