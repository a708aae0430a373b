#!/bin/sh
# A stand-in for $EDITOR in screen tests: appends a line to the file it is given.
printf '\n%s\n' "— edited in \$EDITOR" >> "$1"
