/* catena-dispatch: a terminal dispatcher console for the Catena telematics API. */
#include "app/console.h"

int main(int argc, char **argv)
{
    return console_main(argc, argv);
}
